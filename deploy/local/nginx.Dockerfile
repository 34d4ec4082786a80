# A stand-in for the official nginx image: Debian's nginx (1.22, which deploy/nginx.conf also runs
# on), reading /etc/nginx/conf.d/*.conf as the official image does, logging to the container's output.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx \
  && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
  && ln -sf /dev/stderr /var/log/nginx/error.log && ln -sf /dev/stdout /var/log/nginx/access.log
EXPOSE 80 443
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]

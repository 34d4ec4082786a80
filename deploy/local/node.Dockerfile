# A stand-in for the official node:20-slim image, used by the Dockerfile's first stage only to
# install the pinned npm packages: Debian's Node.js and npm, trusting the system's certificate
# authorities too (debian-base.sh adds the machine's own).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      nodejs npm ca-certificates \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]

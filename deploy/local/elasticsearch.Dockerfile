# A stand-in for the official Elasticsearch image, for a machine that reaches no image registry:
# the same pinned version from the distribution Elastic publishes to Maven Central (the
# integ-test-zip the local node runs) on Debian's Java 17, laid out and started as the official
# image is: home /usr/share/elasticsearch, user `elasticsearch` (uid 1000, group 0), settings from
# environment variables such as `node.name`, the `elastic` password from ELASTIC_PASSWORD, and curl
# for health checks. Its build context: the distribution as elasticsearch.zip, and this directory's
# elasticsearch-entrypoint.sh and nofile-report.c.
ARG BASE_IMAGE

# nofile-report.so: only for a machine that cannot give the nodes the open files they ask for
# (compose.low-nofile.yml).
FROM ${BASE_IMAGE} AS nofile-report
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gcc libc6-dev
COPY nofile-report.c /src/
RUN gcc -O2 -Wall -shared -fPIC -o /nofile-report.so /src/nofile-report.c

FROM ${BASE_IMAGE}
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      openjdk-17-jre-headless curl unzip tini ca-certificates \
  && rm -rf /var/lib/apt/lists/*
ENV ES_JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 PATH=/usr/share/elasticsearch/bin:$PATH
COPY elasticsearch.zip /tmp/elasticsearch.zip
# The official image's build marks its distribution `docker`, which makes Elasticsearch read
# settings from lowercase dotted environment variables (and ES_SETTING_*).
RUN unzip -q /tmp/elasticsearch.zip -d /tmp/unpacked && rm /tmp/elasticsearch.zip \
  && mv /tmp/unpacked/elasticsearch-* /usr/share/elasticsearch && rmdir /tmp/unpacked \
  && sed -i 's/^ES_DISTRIBUTION_TYPE=zip$/ES_DISTRIBUTION_TYPE=docker/' /usr/share/elasticsearch/bin/elasticsearch-env \
  && grep -q '^ES_DISTRIBUTION_TYPE=docker$' /usr/share/elasticsearch/bin/elasticsearch-env \
  && printf 'cluster.name: "docker-cluster"\nnetwork.host: 0.0.0.0\n' > /usr/share/elasticsearch/config/elasticsearch.yml \
  && mkdir -p /usr/share/elasticsearch/data /usr/share/elasticsearch/logs \
  && useradd --uid 1000 --gid 0 --home-dir /usr/share/elasticsearch --no-create-home elasticsearch \
  && chown -R 1000:0 /usr/share/elasticsearch && chmod -R g=u /usr/share/elasticsearch
COPY elasticsearch-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
COPY --from=nofile-report /nofile-report.so /usr/local/lib/nofile-report.so
WORKDIR /usr/share/elasticsearch
USER 1000:0
EXPOSE 9200 9300
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/docker-entrypoint.sh"]
CMD ["eswrapper"]

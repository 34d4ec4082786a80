#!/usr/bin/env bash
# What the official Elasticsearch image's entrypoint does for the settings compose gives: another
# command runs as given; otherwise ELASTIC_PASSWORD becomes the `elastic` user's bootstrap password
# (in the keystore, made on first start) and Elasticsearch starts in the foreground.
set -euo pipefail

if [ "${1:-eswrapper}" != eswrapper ] && [ "$(basename "$1")" != elasticsearch ]; then
  exec "$@"
fi
[ $# -eq 0 ] || shift

if [ -n "${ELASTIC_PASSWORD:-}" ]; then
  [ -f config/elasticsearch.keystore ] || elasticsearch-keystore create
  if ! elasticsearch-keystore list | grep -qx bootstrap.password; then
    printf '%s' "$ELASTIC_PASSWORD" | elasticsearch-keystore add -x bootstrap.password
  fi
fi
exec elasticsearch "$@"

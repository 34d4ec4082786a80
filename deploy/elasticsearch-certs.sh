#!/usr/bin/env bash
# The certificates Elasticsearch uses for TLS, on HTTP and between nodes: one CA and a certificate
# for each node a compose file can run (es01, es02, es03), made with elasticsearch-certutil from
# the Elasticsearch image. docker-compose.yml's one-shot `certs` service runs it as root before
# the nodes start; it keeps what exists, so every start may run it again.
#
# Usage: elasticsearch-certs.sh CERTS_DIR CA_DIR
#   CERTS_DIR  the nodes' certificates: ca/ca.crt, ca/ca.key (root only), esNN/esNN.crt, esNN/esNN.key
#              (readable by group 0, which the elasticsearch user belongs to)
#   CA_DIR     a copy of ca/ca.crt alone, readable by all, for the API and the jobs (no keys there)
# The CA is valid for ten years, the node certificates for three (certutil's default): to renew
# those, delete their directories and run it again (the CA stays).
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: elasticsearch-certs.sh CERTS_DIR CA_DIR" >&2; exit 2; }
mkdir -p "$1" "$2"
# absolute: elasticsearch-certutil resolves relative paths against its own home
certs=$(cd "$1" && pwd)
ca_out=$(cd "$2" && pwd)
certutil="${ES_HOME:-/usr/share/elasticsearch}/bin/elasticsearch-certutil"
nodes=(es01 es02 es03)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

if [ ! -f "$certs/ca/ca.crt" ]; then
  echo "Making the CA"
  "$certutil" ca --silent --pem --days 3650 --out "$scratch/ca.zip"
  unzip -q "$scratch/ca.zip" -d "$certs"
fi

missing=()
for node in "${nodes[@]}"; do
  [ -f "$certs/$node/$node.crt" ] || missing+=("$node")
done
if ((${#missing[@]})); then
  echo "Making the certificates of ${missing[*]}"
  {
    echo "instances:"
    for node in "${missing[@]}"; do
      printf '  - name: %s\n    dns: [%s, localhost]\n    ip: [127.0.0.1]\n' "$node" "$node"
    done
  } > "$scratch/instances.yml"
  "$certutil" cert --silent --pem --in "$scratch/instances.yml" --out "$scratch/nodes.zip" \
    --ca-cert "$certs/ca/ca.crt" --ca-key "$certs/ca/ca.key"
  unzip -q "$scratch/nodes.zip" -d "$certs"
fi

# Elasticsearch runs as uid 1000 in group 0: it reads through the group; the CA key is root's alone.
[ "$(id -u)" -ne 0 ] || chown -R root:0 "$certs"
find "$certs" -type d -exec chmod 750 {} +
find "$certs" -type f -exec chmod 640 {} +
chmod 600 "$certs/ca/ca.key"
install -m 644 "$certs/ca/ca.crt" "$ca_out/ca.crt"
chmod 755 "$ca_out"
echo "Certificates ready: CA and ${nodes[*]} in $certs, the CA certificate in $ca_out/ca.crt"

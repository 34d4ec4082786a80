#!/usr/bin/env bash
# A self-signed certificate for running the stack locally: nginx reads fullchain.pem and privkey.pem
# from /etc/nginx/certs, which docker-compose.yml mounts from deploy/certs (or $IOPFINDER_TLS_DIR).
# Browsers warn about a self-signed certificate; for a public site put a real certificate and its
# key at the same two paths (docs/operations.md, "HTTPS").
#
# Usage: deploy/self-signed-cert.sh [HOSTNAME [DIRECTORY]]   (defaults: localhost, deploy/certs)
# An existing pair is kept: delete both files to make a new one.
set -euo pipefail

name=${1:-localhost}
dir=${2:-"$(dirname "$0")/certs"}
days=365

if [ -e "$dir/fullchain.pem" ] || [ -e "$dir/privkey.pem" ]; then
  echo "$dir already holds a certificate or key; kept (delete fullchain.pem and privkey.pem to make a new one)"
  exit 0
fi
if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then
  names="IP:$name"
else
  names="DNS:$name"
fi
[ "$name" = localhost ] || names="$names,DNS:localhost"
[ "$name" = 127.0.0.1 ] || names="$names,IP:127.0.0.1"

mkdir -p "$dir"
# A server certificate, not a CA (`req -x509` makes a CA by default, which Firefox refuses to accept
# as a server's even after the warning).
(
  umask 077
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days "$days" \
    -subj "/CN=$name" -addext "subjectAltName=$names" \
    -addext "basicConstraints=critical,CA:FALSE" -addext "keyUsage=critical,digitalSignature" \
    -addext "extendedKeyUsage=serverAuth" \
    -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
)
chmod 644 "$dir/fullchain.pem"
echo "Wrote $dir/fullchain.pem and $dir/privkey.pem: self-signed for $names, valid $days days"

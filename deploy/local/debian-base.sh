#!/usr/bin/env bash
# The Debian base every local image starts from, for a machine that reaches Debian's mirror but no
# image registry: a minimal bookworm made with debootstrap from the mirror apt uses here, then
# `docker import`ed. Keeps an existing image.
#
# Usage: deploy/local/debian-base.sh IMAGE
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: debian-base.sh IMAGE" >&2; exit 2; }
image=$1
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image exists; kept"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }

# The first Debian archive apt reads on this machine (deb822 .sources or one-line .list files).
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 's/^URIs: *\(\S*\/debian\)\/\?$/\1/p' | head -1)
[ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
  | sed -n 's/^deb \(\[[^]]*\] \)\?\(\S*\/debian\)\/\? .*/\2/p' | head -1)
[ -n "$mirror" ] || { echo "no Debian mirror found in /etc/apt/sources.list*" >&2; exit 1; }

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
echo "debootstrap --variant=minbase bookworm from $mirror"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > "$rootfs.log" 2>&1 \
  || { tail -20 "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1; }
rm -f "$rootfs.log"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
# The certificate authorities this machine adds to Debian's (for a proxy in front of the package
# registries, say): images that install ca-certificates trust them too.
mkdir -p "$rootfs/usr/local/share/ca-certificates"
cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/" 2>/dev/null || true
# As in the official Debian images: no fsync per unpacked file (a failed build is simply run again).
echo force-unsafe-io > "$rootfs/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' - "$image" >/dev/null
echo "$image imported"

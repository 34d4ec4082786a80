#!/usr/bin/env bash
# A Docker engine and Compose for `make compose-test` on a Debian machine, installed where missing
# (run as root; safe to run again):
# - Debian's docker.io (dockerd, containerd, runc) and debootstrap (deploy/local/debian-base.sh);
# - Compose v2+ as the `docker compose` plugin, built from its Go module with the machine's Go:
#   Debian's docker-compose (1.29) reads neither `!reset`, which docker-compose.cluster.yml uses,
#   nor `up --wait`;
# - dockerd started in the background when none answers (its log: /var/log/dockerd.log).
#
# Usage: docker-engine.sh start      prints the pid of the dockerd it started, or nothing if one answered
#        docker-engine.sh stop PID   stops that dockerd (and the containerd it started)
set -euo pipefail

COMPOSE_VERSION=v5.6.0
PLUGINS=/usr/local/lib/docker/cli-plugins

say() { echo "$@" >&2; }

install_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  ((${#missing[@]})) || return 0
  say "Installing ${missing[*]} from Debian"
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

install_compose() {
  docker compose version >/dev/null 2>&1 && return 0
  command -v go >/dev/null || { say "Go is needed to build Compose (github.com/docker/compose/v5)"; exit 1; }
  say "Building Compose $COMPOSE_VERSION from its Go module (a few minutes)"
  local build
  build=$(mktemp -d)
  (
    cd "$build"
    go mod init local/compose-build >/dev/null 2>&1
    go get "github.com/docker/compose/v5@$COMPOSE_VERSION" >&2
    go build -trimpath -ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION" \
      -o docker-compose github.com/docker/compose/v5/cmd >&2
  )
  install -D -m 755 "$build/docker-compose" "$PLUGINS/docker-compose"
  rm -rf "$build"
}

start_dockerd() {
  docker info >/dev/null 2>&1 && return 0
  say "Starting dockerd"
  setsid dockerd >>/var/log/dockerd.log 2>&1 < /dev/null &
  local pid=$!
  for _ in $(seq 60); do
    if docker info >/dev/null 2>&1; then echo "$pid"; return 0; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  say "dockerd did not answer within 30 s; its log, /var/log/dockerd.log, ends:"
  tail -20 /var/log/dockerd.log >&2
  exit 1
}

case "${1:-}" in
  start)
    [ "$(id -u)" -eq 0 ] || { say "run as root: it installs packages and starts dockerd"; exit 1; }
    install_packages
    start_dockerd
    install_compose
    ;;
  stop)
    [ -n "${2:-}" ] || { say "usage: docker-engine.sh stop PID"; exit 2; }
    kill -TERM "$2" 2>/dev/null || exit 0
    for _ in $(seq 60); do kill -0 "$2" 2>/dev/null || exit 0; sleep 0.5; done
    say "dockerd ($2) did not stop within 30 s"
    exit 1
    ;;
  *)
    say "usage: docker-engine.sh start | stop PID"
    exit 2
    ;;
esac

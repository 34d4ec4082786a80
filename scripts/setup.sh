#!/usr/bin/env bash
# Installs everything IOP Finder needs on a fresh Debian machine; safe to run again.
# System packages (Java 17, Maven) come from Debian, Python packages from PyPI into .venv exactly as
# requirements.lock pins them (hashes checked), the Elasticsearch distribution from Maven Central
# into a cache outside the repository, and npm packages into node_modules as package-lock.json pins
# them (us-atlas, the outlines the site build draws its maps from; axe-core for the browser tests).
# `setup.sh python` installs the Python and npm packages only (all that `make test-offline` needs).
set -euo pipefail
cd "$(dirname "$0")/.."

python_packages() {
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed" >&2; exit 1; }
  [ -x .venv/bin/python ] || python3 -m venv .venv
  local stamp=".venv/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
  if [ ! -e "$stamp" ]; then
    echo "Installing Python packages into .venv (requirements.lock)"
    rm -f .venv/.installed-*
    export PIP_DISABLE_PIP_VERSION_CHECK=1
    .venv/bin/python -m pip install -q --require-hashes -r requirements.lock
    .venv/bin/python -m pip install -q --no-deps -e .
    if ! broken=$(.venv/bin/python -m pip check); then
      echo "$broken" >&2; echo "requirements.lock does not match pyproject.toml: run 'make lock'" >&2; exit 1
    fi
    touch "$stamp"
  fi
}

node_packages() {
  command -v npm >/dev/null || { echo "npm is needed (apt-get install npm)" >&2; exit 1; }
  if [ ! -f node_modules/us-atlas/states-10m.json ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

if [ "${1:-}" = python ]; then python_packages; node_packages; exit; fi

missing=()
if ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then missing+=(openjdk-17-jre-headless); fi
command -v mvn >/dev/null || missing+=(maven)
command -v setpriv >/dev/null || missing+=(util-linux)
[ -x /usr/bin/chromium ] || missing+=(chromium)  # browser tests drive Debian's Chromium
[ -x /usr/sbin/nginx ] || missing+=(nginx)  # tests/deploy runs deploy/nginx.conf on Debian's nginx
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "Installing system packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

python_packages
node_packages

.venv/bin/iopfinder es install

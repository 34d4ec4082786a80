# IOP Finder's Python image: the API by default; the import, crawl, index and site-build jobs run
# the same image with another command (see docker-compose.yml).

# The official base images; a machine that reaches no image registry builds stand-ins from Debian
# packages and passes them as build arguments (deploy/local/, `make compose-test`).
ARG NODE_IMAGE=node:20-slim
ARG PYTHON_IMAGE=python:3.11-slim

# The site build draws its maps from the US Census Bureau's state outlines in the npm package
# us-atlas, pinned by package-lock.json (the runtime dependencies only: axe-core is for tests).
FROM ${NODE_IMAGE} AS atlas
WORKDIR /atlas
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 IOPFINDER_SITE_DIR=/app/site
RUN useradd --system --create-home --home-dir /app iopfinder
WORKDIR /app

# The runtime packages exactly as requirements-runtime.lock pins them (hashes checked), then the
# project itself without resolving anything again.
COPY requirements-runtime.lock ./
RUN pip install --require-hashes -r requirements-runtime.lock
COPY pyproject.toml README.md ./
COPY facility ./facility
COPY crawler ./crawler
COPY indexer ./indexer
COPY search_api ./search_api
COPY sitegen ./sitegen
COPY iopfinder ./iopfinder
COPY site ./site
# Where the build looks for it: node_modules beside the site directory, as in a checkout.
COPY --from=atlas /atlas/node_modules/us-atlas/states-10m.json ./node_modules/us-atlas/states-10m.json
# Owned by the app's user before compose mounts volumes there (an empty volume takes the owner).
RUN pip install --no-deps . && mkdir -p /data /srv/site /var/cache/iopfinder/http \
  && chown iopfinder /data /srv/site /var/cache/iopfinder/http

USER iopfinder
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
CMD ["iopfinder", "serve", "--host", "0.0.0.0", "--port", "8000"]

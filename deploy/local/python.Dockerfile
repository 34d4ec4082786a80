# A stand-in for the official python:3.11-slim image (which the Dockerfile uses by default), from
# Debian's Python 3.11: `python` and `pip` are a virtual environment's, first on PATH, so that pip
# installs as it does in the official image, trusting the system's certificate authorities
# (debian-base.sh adds the machine's own) instead of its bundled list.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      python3 python3-venv ca-certificates \
  && rm -rf /var/lib/apt/lists/* \
  && python3 -m venv /usr/local/python
ENV PATH=/usr/local/python/bin:$PATH PIP_CERT=/etc/ssl/certs/ca-certificates.crt
CMD ["python"]

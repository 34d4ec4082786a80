"""deploy/nginx.conf run by a real nginx on 127.0.0.1, with the certificate deploy/self-signed-cert.sh
makes, serving a small site and proxying to a local stand-in for the API that records what reaches it.

Only the addresses and paths of the production file are changed (ports, certificate directory, site
root, the API's address); everything else is the file as deployed."""

import gzip
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

from iopfinder.elasticsearch_node import free_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx")
HSTS = "max-age=31536000; includeSubDomains"

pytestmark = [
    pytest.mark.skipif(not NGINX, reason="nginx is not on PATH (scripts/setup.sh installs Debian's)"),
    pytest.mark.skipif(not shutil.which("openssl"), reason="openssl is not on PATH"),
]

# The built site in miniature: one file of each type the real one has, each long enough to compress.
FILLER = " ".join(f"Intensive outpatient program {n}, Worcester, MA." for n in range(20))
SITE = {
    "index.html": f"<!doctype html><title>IOP Finder</title><p>{FILLER}</p>",
    "404.html": f"<!doctype html><title>Not found</title><p>{FILLER}</p>",
    "es/404.html": f"<!doctype html><title>No encontrado</title><p>{FILLER}</p>",
    "static/site.css": "".join(f".result-{n} {{ margin: {n}px; }}\n" for n in range(40)),
    "static/search.js": "".join(f"const label{n} = 'Program {n}';\n" for n in range(40)),
    "static/logo.svg": f'<svg xmlns="http://www.w3.org/2000/svg"><desc>{FILLER}</desc></svg>',
    "static/maps/ma.json": json.dumps({"rings": [[n * 0.5 for n in range(200)]]}),
}
API_TYPES = {".csv": "text/csv; charset=utf-8", ".ndjson": "application/x-ndjson"}


class StandIn(BaseHTTPRequestHandler):
    """The API: any path answers 200 with a body naming it, so whatever nginx lets through is seen."""

    def do_GET(self):
        self.server.requests.append((self.path, dict(self.headers)))
        body = api_body(self.path)
        suffix = Path(self.path.split("?")[0]).suffix
        self.send_response(200)
        self.send_header("Content-Type", API_TYPES.get(suffix, "application/json"))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def api_body(path: str) -> bytes:
    return json.dumps({"path": path, "results": [FILLER] * 5}).encode()


def production_conf_with(replacements: dict[str, str]) -> str:
    conf = (DEPLOY / "nginx.conf").read_text()
    for production, local in replacements.items():
        assert production in conf, f"deploy/nginx.conf no longer has {production!r}: update this test"
        conf = conf.replace(production, local)
    return conf


def mime_types() -> Path:
    version = subprocess.run([NGINX, "-V"], capture_output=True, text=True).stderr
    return Path(re.search(r"--conf-path=(\S+)", version).group(1)).with_name("mime.types")


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    work = tmp_path_factory.mktemp("nginx")
    certs, www, acme = work / "certs", work / "www", work / "acme"
    made = subprocess.run(["bash", DEPLOY / "self-signed-cert.sh", "127.0.0.1", certs],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    for name, text in SITE.items():
        (www / name).parent.mkdir(parents=True, exist_ok=True)
        (www / name).write_text(text)
    (acme / ".well-known" / "acme-challenge").mkdir(parents=True)
    (acme / ".well-known" / "acme-challenge" / "token-1").write_text("token-1.thumbprint")

    api = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    api.requests = []
    threading.Thread(target=api.serve_forever, daemon=True).start()

    http_port, https_port = free_port(), free_port()
    (work / "default.conf").write_text(production_conf_with({
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/nginx/certs/": f"{certs}/",
        "root /srv/site/www;": f"root {www};",
        "root /var/www/acme;": f"root {acme};",
        "http://api:8000": f"http://127.0.0.1:{api.server_address[1]}",
    }))
    # What the nginx image's own nginx.conf wraps conf.d/default.conf in, with paths of our own.
    temp = "".join(f"    {kind}_temp_path {work / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (work / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # the workers read files only root may
        + f"worker_processes 1;\npid {work / 'nginx.pid'};\nerror_log {work / 'error.log'};\n"
        + "events { worker_connections 64; }\n"
        + f"http {{\n    include {mime_types()};\n    default_type application/octet-stream;\n"
        + f"    sendfile on;\n    keepalive_timeout 65;\n{temp}    include {work / 'default.conf'};\n}}\n")
    process = subprocess.Popen([NGINX, "-p", str(work), "-e", str(work / "error.log"), "-c", str(work / "nginx.conf"),
                                "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while not _listening(https_port):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log = (work / "error.log").read_text() if (work / "error.log").exists() else ""
                pytest.fail(f"nginx did not start: {process.communicate()[1]}{log}")
            time.sleep(0.05)
        yield SimpleNamespace(http=http_port, https=https_port, api=api, certificate=certs / "fullchain.pem",
                              tls=ssl.create_default_context(cafile=certs / "fullchain.pem"))
    finally:
        process.terminate()
        process.wait(timeout=10)
        api.shutdown()


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def get(nginx, path: str, https: bool = True, tls: ssl.SSLContext | None = None, **headers):
    """status, headers (lower-case names) and body of one request; the TLS version as `tls-version`."""
    if https:
        connection = http.client.HTTPSConnection("127.0.0.1", nginx.https, context=tls or nginx.tls, timeout=5)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", nginx.http, timeout=5)
    try:
        connection.request("GET", path, headers={key.replace("_", "-"): value for key, value in headers.items()})
        response = connection.getresponse()
        body = response.read()
        answer = {name.lower(): value for name, value in response.getheaders()}
        if https:
            answer["tls-version"] = connection.sock.version()
        return response.status, answer, body
    finally:
        connection.close()


def test_plain_http_only_redirects_to_https(nginx):
    seen = len(nginx.api.requests)
    for path in ("/", "/es/ma/worcester/?insurance=medicaid", "/v1/facilities?zip=01608"):
        status, headers, _ = get(nginx, path, https=False)
        assert (status, headers["location"]) == (301, f"https://127.0.0.1{path}")
        assert "strict-transport-security" not in headers  # browsers ignore it over plain HTTP
    assert len(nginx.api.requests) == seen
    # A certificate authority's HTTP-01 challenge is answered over plain HTTP.
    status, _, body = get(nginx, "/.well-known/acme-challenge/token-1", https=False)
    assert (status, body) == (200, b"token-1.thumbprint")


def test_https_serves_site_and_api_with_hsts_and_security_headers(nginx):
    for path, expected in [("/", 200), ("/static/site.css", 200), ("/v1/facilities?zip=01608", 200),
                           ("/nowhere", 404), ("/es/ninguna", 404)]:
        status, headers, _ = get(nginx, path)
        assert status == expected, path
        assert headers["strict-transport-security"] == HSTS, path
        assert headers["x-content-type-options"] == "nosniff", path
        assert "default-src" in headers["content-security-policy"], path
    assert get(nginx, "/es/ninguna")[2] == SITE["es/404.html"].encode()
    path, forwarded = nginx.api.requests[-1]
    assert path == "/v1/facilities?zip=01608" and forwarded["X-Real-IP"] == "127.0.0.1"


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3], ids=["TLSv1.2", "TLSv1.3"])
def test_tls_1_2_and_1_3_with_a_certificate_for_the_host(nginx, version):
    tls = ssl.create_default_context(cafile=nginx.certificate)  # checks it names 127.0.0.1
    tls.minimum_version = tls.maximum_version = version
    status, headers, _ = get(nginx, "/", tls=tls)
    assert status == 200 and headers["tls-version"] == version.name.replace("v1_", "v1.")


@pytest.mark.parametrize("path, content_type", [
    ("/", "text/html"), ("/static/site.css", "text/css"), ("/static/search.js", "javascript"),
    ("/static/logo.svg", "image/svg+xml"), ("/static/maps/ma.json", "application/json"),
    ("/v1/facilities?zip=01608", "application/json"), ("/v1/facilities.csv?zip=01608", "text/csv"),
    ("/v1/facilities.ndjson?zip=01608", "application/x-ndjson"),
])
def test_gzip_when_the_client_asks(nginx, path, content_type):
    plain = api_body(path) if path.startswith("/v1/") else SITE["index.html" if path == "/" else path[1:]].encode()
    status, headers, body = get(nginx, path, Accept_Encoding="gzip")
    assert status == 200 and content_type in headers["content-type"]
    assert headers["content-encoding"] == "gzip" and "Accept-Encoding" in headers["vary"]
    assert gzip.decompress(body) == plain and len(body) < len(plain)
    status, headers, body = get(nginx, path)
    assert "content-encoding" not in headers and body == plain


def test_api_answers_stay_gzipped_behind_a_load_balancer(nginx):
    status, headers, body = get(nginx, "/v1/facilities?zip=01608", Accept_Encoding="gzip", Via="1.1 balancer")
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == api_body("/v1/facilities?zip=01608")


def test_metrics_never_reach_the_api(nginx):
    for path in ("/metrics", "/metrics/", "/metrics?name[]=http_requests_total", "/v1/../metrics", "/%6detrics"):
        assert get(nginx, path)[0] == 404, path
    assert not [path for path, _ in nginx.api.requests if "etrics" in path]  # also %6detrics, as sent

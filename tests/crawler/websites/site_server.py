"""Local facility websites for crawler tests: each directory under sites/ is one site on its
own port of 127.0.0.1, plus a site that must never be visited (`elsewhere`, it records hits).

In served text files, {{base}} is the site's own address, {{external}} / {{external_host}} the
never-visited one's. The `hostile` site adds pages that misbehave on purpose (see HOSTILE)."""

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEBSITES = Path(__file__).with_name("sites")
FILLER_PAGES = 40  # the hostile site links more pages than a site's page cap
HUGE_BYTES = 10 * 1024 * 1024


class Site(BaseHTTPRequestHandler):
    root: Path
    substitutions: dict[str, str]
    hits: list[str]
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.hits.append(self.path)
        path = self.path.split("?")[0]
        special = HOSTILE.get(path) if self.root.name == "hostile" else None
        if special:
            return special(self)
        if self.root.name == "hostile" and path.startswith("/spiral/"):  # redirects without end
            return self.redirect(f"/spiral/{int(path.rsplit('/', 1)[1]) + 1}")
        if self.root.name == "hostile" and path.startswith("/filler/"):
            return self.reply(200, b"<html><body><p>Another page of Riverbend.</p></body></html>", "text/html")
        file = (self.root / path.lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        if not file.is_relative_to(self.root) or not file.is_file():
            return self.reply(404, b"<html><body>Not found</body></html>", "text/html")
        body = file.read_bytes()
        for key, value in self.substitutions.items():
            body = body.replace(key.encode(), value.encode())
        kind = {".xml": "application/xml", ".txt": "text/plain"}.get(file.suffix, "text/html; charset=utf-8")
        self.reply(200, body, kind)

    def reply(self, status: int, body: bytes, kind: str, headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str):
        self.reply(302, b"", "text/html", {"Location": location})

    def log_message(self, *args):
        pass


def _huge(handler: Site):
    handler.reply(200, b"<html><body>" + b"<p>IOP</p>" * (HUGE_BYTES // 10) + b"</body></html>", "text/html")


def _slow(handler: Site):
    time.sleep(4)
    handler.reply(200, b"<html><body><p>Late IOP page.</p></body></html>", "text/html")


HOSTILE = {
    "/huge.html": _huge,
    "/loop-a": lambda h: h.redirect("/loop-b"),
    "/loop-b": lambda h: h.redirect("/loop-a"),
    "/image.html": lambda h: h.reply(200, b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png"),
    "/plain.html": lambda h: h.reply(200, b"<html><body><p>IOP in plain text clothing</p></body></html>",
                                     "text/plain"),
    "/error.html": lambda h: h.reply(500, b"<html><body>Server error</body></html>", "text/html"),
    "/slow.html": _slow,
    "/away": lambda h: h.redirect(h.substitutions["{{external}}"] + "/trap3.html"),
}


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the crawler hangs up on slow and oversized pages on purpose


def _start(handler: type) -> ThreadingHTTPServer:
    server = QuietServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@contextmanager
def websites():
    """{name: base URL} for every site, plus "elsewhere"; `hits[name]` lists the paths requested."""
    hits: dict[str, list[str]] = {}
    elsewhere_hits: list[str] = []
    elsewhere = _start(type("Elsewhere", (Site,), {"root": WEBSITES / "none", "substitutions": {},
                                                   "hits": elsewhere_hits}))
    external = f"http://127.0.0.1:{elsewhere.server_address[1]}"
    servers, bases = [elsewhere], {"elsewhere": external}
    hits["elsewhere"] = elsewhere_hits
    filler = " ".join(f'<a href="/filler/{n}.html">more {n}</a>' for n in range(1, FILLER_PAGES + 1))
    for root in sorted(p for p in WEBSITES.iterdir() if p.is_dir()):
        hits[root.name] = []
        substitutions = {"{{external}}": external, "{{external_host}}": external.removeprefix("http://"),
                         "{{filler_links}}": filler}
        handler = type(root.name, (Site,), {"root": root.resolve(), "substitutions": substitutions,
                                             "hits": hits[root.name]})
        server = _start(handler)
        bases[root.name] = substitutions["{{base}}"] = f"http://127.0.0.1:{server.server_address[1]}"
        servers.append(server)
    try:
        yield bases, hits
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()

"""Which website a URL belongs to: its host without "www.", and the port when one is given."""

from urllib.parse import urlsplit


def site_key(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    host = host.removeprefix("www.")
    return f"{host}:{port}" if port else host


def site_root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"

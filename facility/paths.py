"""Where a facility's page lives on the site: the static site writes it there, the API links to it."""

import re
import unicodedata


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def facility_slug(facility: dict) -> str:
    """Readable, unique and stable: name, city and state, then the start of the stable id."""
    parts = [facility["name"], facility["address"]["city"], facility["address"]["state"], facility["id"][:6]]
    return slugify(" ".join(parts))


def facility_path(facility: dict) -> str:
    return f"/facilities/{facility_slug(facility)}/"

"""The site in English and Spanish, checked as files: one Spanish page for every English page, the
two linked both ways; every message of the site translated in the catalog; the scripts' words
given by the page. In Chromium: tests/sitegen/test_browser_spanish.py."""

import re
from html import unescape
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from sitegen.build import CHECKOUT_SITE_DIR
from sitegen.languages import languages
from sitegen.pages import compare_text, near_me_text
from facility.paths import facility_slug

ROOT = Path(__file__).resolve().parents[2]
CATALOG = CHECKOUT_SITE_DIR / "locale" / "es" / "LC_MESSAGES" / "site.po"
BASE = "https://iopfinder.example"  # the built site's (tests/sitegen/conftest.py)
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TAG = re.compile(r"</?[a-z]+[^>]*>")
# Words of the English pages that a Spanish page must not show.
ENGLISH = ["Information as of", "Print referral sheet", "Levels of care offered", "Where this information comes from",
           "Browse by state", "Skip to content", "In crisis?", "free and confidential", "Other IOPs nearby",
           "Listed in SAMHSA", "we read it on", "programs within", "Payment:", "Near me"]


def page_path(relative: str) -> str:
    """A page's site path from its file: "states/va/index.html" → "/states/va/"."""
    return "/" + relative.removesuffix("index.html")


def links(html: str) -> dict:
    """What a page says about its language and its other-language twin."""
    return {
        "lang": re.search(r'<html lang="([^"]+)">', html)[1],
        "canonical": re.search(r'<link rel="canonical" href="([^"]+)">', html)[1],
        "alternates": re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html),
        "switch": re.findall(r'<a id="language-\w+" data-language-switch href="([^"]+)" lang="(\w+)" '
                             r'hreflang="(\w+)">([^<]+)</a>', html),
    }


def test_every_page_has_its_spanish_page_and_each_links_the_other(built_site):
    out, summary = built_site
    english = {p.relative_to(out).as_posix() for p in out.rglob("*.html") if p.relative_to(out).parts[0] != "es"}
    spanish = {p.relative_to(out / "es").as_posix() for p in (out / "es").rglob("*.html")}
    assert english == spanish and len(english) == (summary.pages - 2) // 2
    for relative in sorted(english):
        path = page_path(relative)
        en = links((out / relative).read_text())
        es = links((out / "es" / relative).read_text())
        both = [("en", BASE + path), ("es", BASE + "/es" + path), ("x-default", BASE + path)]
        assert en == {"lang": "en", "canonical": BASE + path, "alternates": both,
                      "switch": [("/es" + path, "es", "es", "Español")]}, relative
        assert es == {"lang": "es", "canonical": BASE + "/es" + path, "alternates": both,
                      "switch": [(path, "en", "en", "English")]}, relative


def text_of(html: str) -> str:
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


def test_spanish_pages_speak_spanish(built_site, iop_records):
    out, _ = built_site
    facility = next(f for f in iop_records if f["address"]["city"] == "Charlottesville" and f["phones"])
    pages = {"home": "index.html", "near-me": "near-me/index.html", "compare": "compare/index.html",
             "state": "states/va/index.html", "city": "states/va/charlottesville/index.html",
             "facility": f"facilities/{facility_slug(facility)}/index.html", "404": "404.html"}
    for name, relative in pages.items():
        text = text_of((out / "es" / relative).read_text())
        assert not [words for words in ENGLISH if words in text], name
        # The crisis lines with each one's Spanish-language option, as the lines document them.
        assert "marque 2" in text and "AYUDA" in text and "1-800-662-4357" in text, name
        assert "representante nacional" in text, name
    facility_page = text_of((out / "es" / pages["facility"]).read_text())
    assert f"Información al {facility['verified_on']}" in facility_page
    assert "Imprimir hoja de referencia" in facility_page and "Otros IOP cercanos" in facility_page
    city = text_of((out / "es" / pages["city"]).read_text())
    assert "Programas ambulatorios intensivos en Charlottesville, VA" in city
    assert 'href="/es/near-me/?place=Charlottesville%2C+VA"' in (out / "es" / pages["city"]).read_text()
    state = (out / "es" / pages["state"]).read_text()
    assert 'href="/es/states/va/charlottesville/"' in state and 'href="/es/near-me/?state=VA"' in state


def test_every_message_is_translated_and_keeps_its_placeholders_and_markup():
    """What the templates and sitegen's Python say, extracted as `make catalogs` does, is in the
    Spanish catalog, translated and not fuzzy, with the same placeholders and HTML tags."""
    method_map = [("site/templates/**.html", "jinja2"), ("sitegen/**.py", "python")]
    options = {"site/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    extracted = {message if isinstance(message, str) else message[0]: message
                 for _, _, message, _, _ in extract_from_dir(ROOT, method_map, options)}
    with CATALOG.open("rb") as po:
        catalog = read_po(po)
    assert extracted and set(extracted) == {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    for key, message in extracted.items():
        entry = catalog[message if isinstance(message, str) else message[:2]]
        assert entry is not None and not entry.fuzzy, key
        sources = [message] if isinstance(message, str) else list(message[:2])
        strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        assert all(strings), key
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(sources[-1])), key
            assert sorted(TAG.findall(string)) == sorted(TAG.findall(sources[-1])), key


def test_scripts_show_only_the_words_their_page_gives_them():
    english = languages(CHECKOUT_SITE_DIR / "locale")[0]
    both = near_me_text(english).keys() & compare_text(english).keys()  # page.js serves both pages
    for script, text in (("near-me.js", near_me_text(english)), ("compare.js", compare_text(english)),
                         ("page.js", both)):
        source = (CHECKOUT_SITE_DIR / "static" / script).read_text()
        code = re.sub(r"^\s*//.*$|/\*.*?\*/", "", source, flags=re.MULTILINE)
        assert set(re.findall(r"TEXT\.(\w+)", code)) <= set(text), script
        # No sentences in string literals: what the script shows comes from #text.
        literals = re.findall(r'"((?:[^"\\]|\\.)*)"', code)
        assert not [s for s in literals if re.search(r"[A-Z][a-z]+ [a-z]+|[a-z]+ [a-z]+[.?!:…]", s)], script


"""The domain's words in every language the service speaks: the `facility` gettext domain.

Its catalog, `locale/<lang>/LC_MESSAGES/facility.po` (template `locale/facility.pot`, written by
`make catalogs`), has the English texts as msgids: what the modules of this package mark with
`N_` (taxonomy groups, filter groups and their help, services, notices, states) and the texts of
`taxonomy.csv` (labels, SAMHSA's service names, descriptions), which `extract_taxonomy` reads
for Babel (registered in babel.cfg). The repository holds .po files only: a language's catalog is
compiled in memory the first time it is asked for. English is the msgids themselves; a message
without a translation (or one marked fuzzy) is shown in English.

The modules that declare texts import `N_` from here, so this module imports none of them;
facility.labels gives their texts in each language, by key.
"""

import csv
import gettext
import io
from collections.abc import Callable, Iterator
from functools import cache
from typing import BinaryIO
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("en", "es")
DEFAULT = "en"
DOMAIN = "facility"
TAXONOMY_COLUMNS = ("label", "samhsa_name", "description")


def N_(message: str) -> str:
    """Marks a text for the catalog where it is defined; it is translated where it is shown."""
    return message


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The domain's messages in `lang`, compiled from its .po file (fuzzy entries left out)."""
    if lang not in LANGUAGES:
        raise ValueError(f"no catalog for language {lang!r}; languages: {', '.join(LANGUAGES)}")
    if lang == DEFAULT:
        return gettext.NullTranslations()
    po = resources.files("facility").joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")
    with po.open("rb") as handle:
        return compiled(handle, lang, DOMAIN)


def compiled(po: BinaryIO, lang: str, domain: str) -> gettext.GNUTranslations:
    """A .po file's messages, compiled in memory (fuzzy entries left out)."""
    catalog = read_po(po, locale=lang, domain=domain)
    binary = io.BytesIO()
    write_mo(binary, catalog)
    binary.seek(0)
    return gettext.GNUTranslations(binary)


def gettext_for(lang: str) -> Callable[[str], str]:
    return translations(lang).gettext


def extract_taxonomy(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel extraction method for taxonomy.csv: each row's label, SAMHSA service name and
    description, with the code and column as a comment for translators."""
    rows = csv.DictReader(io.TextIOWrapper(fileobj, encoding="utf-8"))
    for row in rows:
        for column in TAXONOMY_COLUMNS:
            yield rows.line_num, None, row[column].strip(), [f"{row['code']} {column}"]

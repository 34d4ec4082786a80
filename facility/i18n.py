"""The domain's words in every language the service speaks: the `facility` gettext domain.

Its catalog, `locale/<lang>/LC_MESSAGES/facility.po` (template `locale/facility.pot`, written by
`make catalogs`), has the English texts as msgids: what the modules of this package mark with
`N_` (taxonomy groups, filter groups and their help, services, notices, states) and the texts of
`taxonomy.csv` (labels, SAMHSA's service names, descriptions), which `extract_taxonomy` reads
for Babel (registered in babel.cfg). The repository holds .po files only: a language's catalog is
compiled in memory the first time it is asked for. English is the msgids themselves; a message
without a translation (or one marked fuzzy) is shown in English.

The site and the API ask by key (a taxonomy field and value, a filter parameter, a service or
notice name, a state code); `vocabulary` answers from dicts built once per language.
"""

import csv
import gettext
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Vocabulary:
    """The domain's words in one language, by key."""
    fields: dict[str, str]  # taxonomy field → label
    groups: dict[str, str]  # filter parameter → label
    values: dict[str, dict[str, str]]  # filter parameter → value → label, in the group's order
    descriptions: dict[str, dict[str, str]]  # filter parameter → value → description
    terms: dict[str, dict[str, str]]  # taxonomy field → facet value → label
    term_descriptions: dict[str, dict[str, str]]  # taxonomy field → facet value → description
    services: dict[str, str]
    notices: dict[str, str]
    states: dict[str, str]


@cache
def vocabulary(lang: str) -> Vocabulary:
    # Imported here: these modules mark their texts with `N_` from this one.
    from facility.filter_groups import FILTER_GROUPS, NOTICES, SERVICES
    from facility.states import STATE_NAMES
    from facility.taxonomy import GROUPS, default_taxonomy

    translate = gettext_for(lang)
    terms: dict[str, dict[str, str]] = {}
    term_descriptions: dict[str, dict[str, str]] = {}
    for term in default_taxonomy().by_code.values():  # a value's first term names it, as in Taxonomy.values
        terms.setdefault(term.group, {}).setdefault(term.value, translate(term.label))
        term_descriptions.setdefault(term.group, {}).setdefault(term.value, translate(term.description))
    return Vocabulary(
        fields={field: translate(label) for field, label in GROUPS.items()},
        groups={param: translate(group.label) for param, group in FILTER_GROUPS.items()},
        values={param: {value: translate(label) for value, label in group.values.items()}
                for param, group in FILTER_GROUPS.items()},
        descriptions={param: {value: translate(text) for value, text in group.descriptions.items()}
                      for param, group in FILTER_GROUPS.items()},
        terms=terms,
        term_descriptions=term_descriptions,
        services={name: translate(service.label) for name, service in SERVICES.items()},
        notices={name: translate(notice.label) for name, notice in NOTICES.items()},
        states={code: translate(name) for code, name in STATE_NAMES.items()},
    )


def field_label(field: str, lang: str) -> str:
    """A taxonomy field's label ("operated_by")."""
    return vocabulary(lang).fields[field]


def term_label(field: str, value: str, lang: str) -> str:
    """A taxonomy value's label ("levels_of_care", "iop"); an unknown value as it is."""
    return vocabulary(lang).terms.get(field, {}).get(value, value)


def term_description(field: str, value: str, lang: str) -> str:
    return vocabulary(lang).term_descriptions.get(field, {}).get(value, value)


def group_label(param: str, lang: str) -> str:
    """A filter group's label, by its query parameter ("payment")."""
    return vocabulary(lang).groups[param]


def service_label(name: str, lang: str) -> str:
    return vocabulary(lang).services[name]


def notice_label(name: str, lang: str) -> str:
    return vocabulary(lang).notices[name]


def state_name(code: str, lang: str) -> str:
    """A state's or territory's name ("NM" → "Nuevo México"); an unknown code as it is."""
    return vocabulary(lang).states.get(code, code)


def extract_taxonomy(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel extraction method for taxonomy.csv: each row's label, SAMHSA service name and
    description, with the code and column as a comment for translators."""
    rows = csv.DictReader(io.TextIOWrapper(fileobj, encoding="utf-8"))
    for row in rows:
        for column in TAXONOMY_COLUMNS:
            yield rows.line_num, None, row[column].strip(), [f"{row['code']} {column}"]

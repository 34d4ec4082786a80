"""The domain's words in each language, by key: what the site and the API show for a taxonomy field
and value, a filter parameter, a service or notice name, or a state code.

The texts are declared in English where they belong (taxonomy, filter groups, states), marked with
`N_`; `vocabulary` translates them through the `facility` catalog (facility.i18n) into dicts built
once per language.
"""

from dataclasses import dataclass
from functools import cache

from facility.filter_groups import FILTER_GROUPS, NOTICES, SERVICES
from facility.i18n import gettext_for
from facility.states import STATE_NAMES
from facility.taxonomy import GROUPS, default_taxonomy


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

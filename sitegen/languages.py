"""The languages the site is built in: each one's messages, where its pages live, and its words
for the domain's values.

The site's own messages (templates, page contexts, scripts' texts) are the `site` gettext domain,
`site/locale/<lang>/LC_MESSAGES/site.po`, compiled in memory once a process (the repository holds
no .mo files); English is the messages themselves. Labels of taxonomy fields and values, filter
groups, services, notices and states come from the domain's catalog (`facility.labels`).
Every language's pages share the English paths under a prefix: `/facilities/x/` is
`/es/facilities/x/` in Spanish, so switching language only adds or drops the prefix.
"""

import gettext
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from facility import i18n, labels

DEFAULT = i18n.DEFAULT
DOMAIN = "site"
# Each language's name in itself, for the language switch.
NAMES = {"en": "English", "es": "Español"}


def site_messages(locale_dir: Path, code: str) -> gettext.NullTranslations:
    """The `site` domain's messages in one language, compiled from its .po file (fuzzy entries left out)."""
    if code == DEFAULT:
        return gettext.NullTranslations()
    with (locale_dir / code / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as po:
        return i18n.compiled(po, code, DOMAIN)


@dataclass(frozen=True)
class Language:
    """One language of the site: gettext for its messages, its paths and its labels."""
    code: str
    messages: gettext.NullTranslations

    @property
    def prefix(self) -> str:
        return "" if self.code == DEFAULT else f"/{self.code}"

    @property
    def name(self) -> str:
        return NAMES[self.code]

    def path(self, path: str) -> str:
        """A site path ("/states/va/") in this language."""
        return self.prefix + path

    def gettext(self, message: str) -> str:
        return self.messages.gettext(message)

    @property
    def words(self):
        """gettext for the domain's own texts (facility.i18n): hours, source statements."""
        return i18n.gettext_for(self.code)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.messages.ngettext(singular, plural, count)

    def field(self, field: str) -> str:
        """A taxonomy field's label ("payment")."""
        return labels.field_label(field, self.code)

    def term(self, field: str, value: str) -> str:
        """A taxonomy value's label ("levels_of_care", "iop")."""
        return labels.term_label(field, value, self.code)

    def group(self, param: str) -> str:
        """A filter group's label, by its query parameter ("payment")."""
        return labels.group_label(param, self.code)

    def service(self, name: str) -> str:
        return labels.service_label(name, self.code)

    def notice(self, name: str) -> str:
        return labels.notice_label(name, self.code)

    def state(self, code: str) -> str:
        return labels.state_name(code, self.code)


@cache
def languages(locale_dir: Path) -> tuple[Language, ...]:
    """Every language the site is built in, the default first; each catalog read once a process."""
    return tuple(Language(code, site_messages(locale_dir, code)) for code in i18n.LANGUAGES)

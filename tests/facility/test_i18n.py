"""The catalogs: every message of every language translated and reviewed, placeholders kept, the
domain's catalog extracted from its sources as they are now, and the words people read."""

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, check_and_call_extract_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from facility import i18n, labels
from facility.filter_groups import FILTER_GROUPS, NOTICES, SERVICES
from facility.states import STATE_NAMES
from facility.taxonomy import GROUPS

ROOT = Path(__file__).resolve().parents[2]
NOT_OURS = {"node_modules", "var", "build", "test-artifacts"}
# Every catalog of the repository, the site's too: <package>/**/locale/<lang>/LC_MESSAGES/<domain>.po
CATALOGS = sorted(po for top in ROOT.iterdir()
                  if top.is_dir() and not top.name.startswith(".") and top.name not in NOT_OURS
                  for po in top.glob("**/locale/*/LC_MESSAGES/*.po"))
FACILITY_LOCALE = ROOT / "facility" / "locale"
# The `facility` domain's sources, as `make catalogs` extracts them.
FACILITY_SOURCES = [ROOT / "facility" / "taxonomy.csv", *sorted((ROOT / "facility").glob("*.py"))]
# %(name)s, %s, %d and {name} (not a bare "%" as in "100% of").
PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]|%[sd]|\{\w*\}")


def read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def catalog_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def messages(path: Path):
    return [message for message in read(path) if message.id]


def msgid(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def strings(message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


def test_the_catalogs_are_found():
    assert FACILITY_LOCALE / "es" / "LC_MESSAGES" / "facility.po" in CATALOGS


@pytest.mark.parametrize("path", CATALOGS, ids=catalog_id)
def test_every_message_is_translated_and_none_is_fuzzy(path):
    catalog = read(path)
    assert not catalog.fuzzy, "the header is marked fuzzy"
    untranslated = [msgid(m) for m in catalog if m.id and not all(strings(m))]
    fuzzy = [msgid(m) for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (review them and drop the flag), e.g. {fuzzy[:5]}"
    assert not catalog.obsolete, f"obsolete entries: {list(catalog.obsolete)[:5]}"


@pytest.mark.parametrize("path", CATALOGS, ids=catalog_id)
def test_placeholders_are_kept(path):
    changed = []
    for message in messages(path):
        if isinstance(message.id, str):
            if Counter(PLACEHOLDER.findall(message.string)) != Counter(PLACEHOLDER.findall(message.id)):
                changed.append(message.id)
            continue
        # Plural forms: each uses the English forms' placeholders (a singular may leave out the count),
        # the last all of the English plural's.
        known = set(PLACEHOLDER.findall(" ".join(message.id)))
        forms = [set(PLACEHOLDER.findall(form)) for form in message.string]
        if not all(form <= known for form in forms) or forms[-1] != set(PLACEHOLDER.findall(message.id[-1])):
            changed.append(message.id[0])
    assert not changed


def extracted(sources: list[Path]) -> set[str]:
    """The msgids Babel extracts from `sources` with the repository's babel.cfg."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for path in sources:
        for _, _, message, _, _ in check_and_call_extract_file(str(path), method_map, options_map, None,
                                                                  DEFAULT_KEYWORDS, (), False, dirpath=str(ROOT)):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_the_domain_catalog_is_extracted_from_the_sources_as_they_are():
    """Otherwise: `make catalogs`, then translate what it adds."""
    sources = extracted(FACILITY_SOURCES)
    template = {msgid(m) for m in messages(FACILITY_LOCALE / "facility.pot")}
    assert sources - template == set(), "texts missing from the template"
    assert template - sources == set(), "texts in the template that no source has"
    for po in FACILITY_LOCALE.glob("*/LC_MESSAGES/facility.po"):
        assert {msgid(m) for m in messages(po)} == template, po


def test_every_text_the_domain_shows_is_in_its_catalog():
    """The texts the helpers translate are the ones marked for extraction (a label left unmarked
    would be shown in English)."""
    shown = {*GROUPS.values(), *STATE_NAMES.values()}
    shown |= {service.label for service in (*SERVICES.values(), *NOTICES.values())}
    for group in FILTER_GROUPS.values():
        shown |= {group.label, group.help, *group.values.values(), *group.descriptions.values()}
    english = labels.vocabulary("en")
    for table in (english.terms, english.term_descriptions):
        shown |= {text for texts in table.values() for text in texts.values()}
    template = {msgid(m) for m in messages(FACILITY_LOCALE / "facility.pot")}
    assert shown - template == set()


def test_english_is_the_texts_themselves():
    assert i18n.LANGUAGES == ("en", "es")
    assert labels.term_label("levels_of_care", "iop", "en") == "Intensive outpatient (IOP)"
    assert labels.group_label("payment", "en") == "Payment accepted"
    assert labels.state_name("NM", "en") == "New Mexico"
    assert i18n.gettext_for("en")("Level of care") == "Level of care"


@pytest.mark.parametrize("field, value, spanish", [
    ("levels_of_care", "iop", "Tratamiento ambulatorio intensivo (IOP)"),
    ("levels_of_care", "php", "Hospitalización parcial / tratamiento de día"),
    ("levels_of_care", "outpatient", "Tratamiento ambulatorio"),
    ("levels_of_care", "residential", "Tratamiento residencial"),
    ("payment", "medicaid", "Medicaid"),
    ("payment", "medicare", "Medicare"),
    ("payment", "private", "Seguro médico privado"),
    ("payment", "military", "Seguro militar (TRICARE)"),
    ("payment_assistance", "sliding_fee", "Escala de tarifas móvil"),
    ("therapies", "telehealth", "Telesalud"),
    ("therapies", "cbt", "Terapia cognitivo-conductual"),
    ("languages", "spanish", "Español"),
])
def test_spanish_labels(field, value, spanish):
    assert labels.term_label(field, value, "es") == spanish


def test_spanish_words_of_every_kind():
    assert labels.term_description("levels_of_care", "iop", "es").startswith(
        "Un programa estructurado de tratamiento grupal e individual")
    assert "nivel 2.1 de ASAM" in labels.term_description("levels_of_care", "iop", "es")
    assert labels.group_label("level", "es") == "Nivel de atención"
    assert labels.field_label("operated_by", "es") == "Administrado por"
    assert labels.service_label("group_counseling", "es") == "Asesoramiento grupal"
    assert labels.service_label("co_occurring", "es") == "Atención de salud mental para trastornos concurrentes"
    assert labels.notice_label("no_alcohol_treatment", "es") == "No trata el trastorno por consumo de alcohol"
    assert [labels.state_name(code, "es") for code in ("NM", "NC", "PR", "TX", "VI")] == [
        "Nuevo México", "Carolina del Norte", "Puerto Rico", "Texas", "Islas Vírgenes de los Estados Unidos"]
    assert labels.vocabulary("es").values["code"]["OIT"] == "Tratamiento ambulatorio intensivo"  # SAMHSA's name


def test_unknown_keys_and_languages():
    assert labels.term_label("levels_of_care", "a_new_level", "es") == "a_new_level"
    assert labels.state_name("ZZ", "es") == "ZZ"
    with pytest.raises(ValueError, match="fr"):
        i18n.translations("fr")

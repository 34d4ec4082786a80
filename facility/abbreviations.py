"""SAMHSA's abbreviations in facility names, expanded for search.

The National Directory shortens the words of facility and program names ("ABC Trt Ctr",
"Comm MH Servs"), so a search for "treatment center" would miss them. Our Elasticsearch has
no synonym filter, so the index stores the name spelled out beside the name itself.

`abbreviations.csv` lists the abbreviations of two kinds that occur at least three times as
whole tokens in name1 and name2 of the 2022 directory, with that count: shortened words ("Trt",
"Behav") and initialisms of care terms that people type in words ("MH", "IOP", "OTP"). Left as written:
legal and business suffixes (Inc, LLC, PA, DBA), names of organisations and of kinds of
organisation (CSB, CMHC, VA, CBOC), state codes, personal credentials, and "Co", which is
county, Colorado, company and the first half of "Co Occurring" alike. Where the data shows an
abbreviation with more than one meaning, its expansion lists each ("St": saint, street), not
counting a credential after a person's name ("MSW"), a Spanish word ("Su", "Se") or a part of
a proper name ("Mat Su").
"""

import csv
import re
from functools import cache
from importlib import resources

# Letters and digits, with apostrophes inside a word ("Joseph's"); everything else separates.
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def tokens(text: str) -> list[str]:
    """The text's words in lower case, split on white space and punctuation ("Alc/Drug", "Trt.")."""
    return _TOKEN.findall(text.lower())


@cache
def abbreviations() -> dict[str, str]:
    """Lower-case abbreviation -> its expansion."""
    with resources.files("facility").joinpath("abbreviations.csv").open(encoding="utf-8") as handle:
        return {row["abbreviation"]: row["expansion"] for row in csv.DictReader(handle)}


def expand(text: str) -> str:
    """The text's words with each abbreviation spelled out: "Outpt Trt" -> "outpatient treatment"."""
    table = abbreviations()
    return " ".join(table.get(token, token) for token in tokens(text))


def expansions_of(text: str) -> str | None:
    """Only the expansions of the text's abbreviations, each once; None when it has none (and
    the name needs no spelled-out copy)."""
    table = abbreviations()
    found = [table[token] for token in tokens(text) if token in table]
    return " ".join(dict.fromkeys(found)) or None

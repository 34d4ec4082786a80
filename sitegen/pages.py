"""Template contexts, built in Python so that templates only present.

Every value a page shows comes from here, in the page's language (`sitegen.languages.Language`):
the site's own words through gettext, the domain's labels from its catalog, phones formatted with
`tel:` targets, websites linked only when they are plain http(s) addresses. The pages whose
scripts show records (near me, compare) get the labels and the texts they need as data
(`script_labels`, `near_me_text`, `compare_text`), so the scripts hold no words of their own.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlencode

from facility import defaults
from facility.filter_groups import NOTICES, SERVICES, Service, has_service
from facility.paths import facility_slug, slugify
from facility.places import PlaceNotFound, resolve
from facility.hours import day_names, schedule_text, stated_hours
from facility.provenance import DIRECTORY, sources_of, statement
from facility.states import STATE_NAMES, TERRITORIES
from facility.taxonomy import default_taxonomy
from sitegen.languages import Language
from sitegen.places import Grid, city_centre

SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
DETAIL_GROUPS = ["payment", "payment_assistance", "ages", "genders", "populations", "languages",
                 "therapies", "opioid_medications", "opioid_treatment"]
CONTACT_FIELDS = ("name", "name2", "address", "phones", "website", "location")
LEVEL_FIELDS = ("levels_of_care", "telehealth", "co_occurring")
STATE_PAYMENTS = ("medicaid", "medicare", "private")
# The services a result card names (the facility page lists them all).
CARD_FEATURES = ("telehealth", "co_occurring", "evening", "weekend")
# The record fields whose values the near-me and compare scripts show by their taxonomy labels.
SCRIPT_LABEL_FIELDS = ("levels_of_care", "ages", "genders", "populations", "languages")
# Levels of care above an IOP: a facility with one gets a step-down search to IOPs near it.
ABOVE_IOP = {"residential", "residential_detox", "php", "hospital_inpatient", "hospital_detox"}
# A facility's details on a printed referral sheet; the others show on screen only.
PRINTED_DETAILS = {"payment", "payment_assistance", "ages", "genders", "populations", "languages",
                   "opioid_medications"}


@dataclass
class Site:
    """Everything the pages are built from, indexed once (the same for every language). Facilities
    the newest directory edition retired keep their page but are on no list, map or sitemap."""
    facilities: list[dict]
    retired: list[dict] = field(default_factory=list)
    first_edition: str | None = None  # the oldest directory edition any facility comes from
    by_slug: dict[str, dict] = field(default_factory=dict)
    slug_of: dict[str, str] = field(default_factory=dict)
    cities: dict[str, dict[str, list[dict]]] = field(default_factory=dict)  # state → city slug → facilities
    city_names: dict[tuple[str, str], str] = field(default_factory=dict)
    grid: Grid | None = None
    cards: dict[tuple[str, Language], dict] = field(default_factory=dict)  # (id, language) → its card
    _listings: dict = field(default_factory=dict, repr=False)
    _nearby: dict = field(default_factory=dict, repr=False)
    _searches: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.retired = [f for f in self.facilities if f.get("status") == "retired"]
        self.facilities = [f for f in self.facilities if f.get("status") != "retired"]
        editions = [s["edition"] for f in self.facilities + self.retired for s in f.get("sources") or []
                    if s["name"] == DIRECTORY and s.get("edition")]
        self.first_edition = min(editions, key=int, default=None)
        cities: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        for facility in self.facilities:
            slug = facility_slug(facility)
            self.by_slug[slug] = facility
            self.slug_of[facility["id"]] = slug
            state, city = facility["address"]["state"], facility["address"]["city"]
            city_slug = slugify(city)
            cities[state][city_slug].append(facility)
            self.city_names.setdefault((state, city_slug), city.title() if city.isupper() else city)
        self.cities = {state: dict(found) for state, found in cities.items()}
        self.grid = Grid(self.facilities)

    def city_listing(self, state: str, city_slug: str) -> list[tuple[float | None, dict]]:
        """(miles, facility) within the city radius of its centre, nearest first, then the city's
        facilities that have no point (miles None). Measured once, for every language's page."""
        key = (state, city_slug)
        if key not in self._listings:
            in_city = self.cities[state][city_slug]
            centre = city_centre(in_city)
            nearby = self.grid.within(*centre, defaults.CITY_RADIUS_MI) if centre else []
            listed = {f["id"] for _, f in nearby}
            self._listings[key] = nearby + [(None, f) for f in in_city if f["id"] not in listed]
        return self._listings[key]

    def place_search(self, place: str) -> str | None:
        """The near-me search's query around a place, when the API will know the place."""
        if place not in self._searches:
            try:
                resolve(place)
                self._searches[place] = "?" + urlencode({"place": place})
            except PlaceNotFound:
                self._searches[place] = None
        return self._searches[place]

    def nearby(self, facility: dict) -> list[tuple[float, dict]]:
        """The other IOPs nearest a facility, nearest first. Measured once, for every language's page."""
        location = facility.get("location")
        if location and facility["id"] not in self._nearby:
            self._nearby[facility["id"]] = self.grid.nearest(
                location["lat"], location["lon"], defaults.NEARBY_ALTERNATIVES, defaults.NEARBY_RADIUS_MI,
                skip=facility["id"])
        return self._nearby.get(facility["id"], [])


@cache
def _values(group: str) -> tuple[str, ...]:
    return tuple(default_taxonomy().values(group))


@cache
def phone_kinds(lang: Language) -> dict[str, str]:
    _ = lang.gettext
    return {"main": _("Main"), "intake": _("Intake"), "hotline": _("Hotline")}


@cache
def payment_short(lang: Language) -> dict[str, str]:
    """A result card's payment line ("Medicaid · Medicare · Private insurance · Sliding fee"): short
    labels for the payment and payment_assistance values, in the order the line lists them."""
    _ = lang.gettext
    return {
        "medicaid": _("Medicaid"), "medicare": _("Medicare"), "private": _("Private insurance"),
        "military": _("TRICARE"), "state_financed": _("State-financed insurance"),
        "ihs_tribal": _("IHS/tribal/urban funds"), "government_funding": _("Government funding"),
        "samhsa_block_grant": _("SAMHSA funding"), "self_pay": _("Cash"), "free": _("Free"),
        "sliding_fee": _("Sliding fee"), "payment_assistance": _("Payment assistance"),
    }


@cache
def opioid_medications(lang: Language) -> dict[str, str]:
    _ = lang.gettext
    return {"buprenorphine": _("Buprenorphine"), "methadone": _("Methadone"), "naltrexone": _("Naltrexone")}


def phone_number(entry: dict, lang: Language) -> str:
    digits = entry["number"][2:]
    text = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    if entry.get("extension"):
        text = lang.gettext("%(number)s ext. %(extension)s") % {"number": text, "extension": entry["extension"]}
    return text


def phone(entry: dict, lang: Language) -> dict:
    href = "tel:" + entry["number"] + (f";ext={entry['extension']}" if entry.get("extension") else "")
    return {"kind": phone_kinds(lang).get(entry["kind"], entry["kind"]), "text": phone_number(entry, lang),
            "href": href}


def website(url: str | None) -> dict | None:
    """A link only for plain http(s) addresses; anything else is shown as text, never linked."""
    if not url:
        return None
    return {"text": url, "href": url if SAFE_URL.match(url) else None}


def statements(facility: dict, lang: Language) -> Callable[[tuple[str, ...]], list[str]]:
    """For a group of fields, the statements of the sources that gave any of them, newest first
    (facility.provenance.sources_of), in the page's language."""
    return lambda fields: [said["statement"] for said in sources_of(facility, fields, lang.words)]


def services(facility: dict, lang: Language) -> list[str]:
    return [lang.service(name) for name, service in SERVICES.items() if has_service(facility, service)]


def notices(facility: dict, lang: Language) -> list[str]:
    """What every view points out about the facility, e.g. "Does not treat alcohol use disorder"."""
    return [lang.notice(name) for name, notice in NOTICES.items() if has_service(facility, notice)]


def payment_line(facility: dict, lang: Language) -> list[str]:
    accepted = {*(facility.get("payment") or []), *(facility.get("payment_assistance") or [])}
    return [short for value, short in payment_short(lang).items() if value in accepted]


def card_phones(facility: dict, lang: Language) -> list[dict]:
    """The first main and the first intake number: what a caller or a referrer dials."""
    first = {}
    for entry in facility.get("phones") or []:
        first.setdefault(entry["kind"], entry)
    return [phone(first[kind], lang) for kind in ("main", "intake") if kind in first]


def _service_test(label: str, service: Service) -> dict:
    """A service as data: true when `field` is `value` (a boolean) or holds any of `value` (a list)."""
    value = service.value if isinstance(service.value, (bool, tuple)) else (service.value,)
    return {"label": label, "field": service.field, "value": value}


@cache
def script_labels(lang: Language) -> dict:
    """What the near-me and compare scripts need to show a record: labels by field, the short
    payment labels, and each service and notice as the test it is (label, field, value)."""
    return {
        "fields": {name: {value: lang.term(name, value) for value in _values(name)} for name in SCRIPT_LABEL_FIELDS},
        "payment": payment_short(lang), "opioid_medications": opioid_medications(lang),
        "card_features": CARD_FEATURES,
        "services": {name: _service_test(lang.service(name), service) for name, service in SERVICES.items()},
        "notices": {name: _service_test(lang.notice(name), notice) for name, notice in NOTICES.items()},
    }


def counted(message: Callable[[int], str]) -> dict[str, str]:
    """A count's message for a script: its singular and plural forms (English and Spanish both
    use the singular for 1 only)."""
    return {"one": message(1), "other": message(2)}


@cache
def near_me_text(lang: Language) -> dict:
    """The near-me script's words. Placeholders are %(name)s, filled in by the script."""
    _, ngettext = lang.gettext, lang.ngettext
    return {
        "iopsNear": _("IOPs near %(place)s"), "iopsIn": _("IOPs in %(place)s"),
        "programsNear": _("Programs near %(place)s: %(levels)s"),
        "programsIn": _("Programs in %(place)s: %(levels)s"),
        "allLevels": _("all levels of care"), "yourLocation": _("your location"),
        "zipPlace": _("%(zip)s (%(city)s, %(state)s)"),
        "foundIops": counted(lambda n: ngettext("%(count)s IOP %(scope)s", "%(count)s IOPs %(scope)s", n)),
        "foundPrograms": counted(lambda n: ngettext("%(count)s program %(scope)s", "%(count)s programs %(scope)s", n)),
        "noIops": _("No IOPs found %(scope)s. Try a wider distance or fewer filters."),
        "noPrograms": _("No programs found %(scope)s. Try a wider distance or fewer filters."),
        "within": _("within %(miles)s miles of %(place)s"), "inPlace": _("in %(place)s"),
        "showing": _(", showing %(first)s–%(last)s"),
        "corrected": _("Showing results for %(place)s (you typed %(typed)s)."),
        "didYouMean": _("Did you mean %(places)s?"),
        "searching": _("Searching…"), "locating": _("Finding your location…"),
        "needPlace": _("Please enter a ZIP code, city or state."),
        "noLocation": _("Your location is not available. Please enter a ZIP code, city or state instead."),
        "didNotWork": _("That search did not work: %(message)s"),
        "unreachable": _("The search service is not reachable right now. Please try again in a minute, "
                         "or browse programs by state from the home page."),
        "previousPage": _("Previous page"), "nextPage": _("Next page"),
        "matchAll": _("Only programs with all of these"), "iopBadge": _("IOP"),
        "miles": _("%(miles)s mi"), "approximate": _("approximate location"), "phoneKinds": phone_kinds(lang),
        "extension": _("%(number)s ext. %(extension)s"),
        "payment": _("Payment:"), "hours": _("Hours (from its website): %(hours)s"),
        "opioidMedications": _("Opioid use disorder medications: %(medications)s"),
        "languages": _("Languages: %(languages)s"), "asOf": _("Information as of %(date)s"),
        "compare": _("Compare"), "compareSelected": _("Compare selected (%(count)s)"),
        "tooMany": _("You can compare up to %(max)s programs. Unselect one to add another."),
    }


@cache
def compare_text(lang: Language) -> dict:
    """The compare script's words. Placeholders are %(name)s, filled in by the script."""
    _, ngettext = lang.gettext, lang.ngettext
    return {
        "loading": _("Loading the programs…"),
        "none": _("No programs to compare yet. On the search page, tick “Compare” on up to 5 programs."),
        "missing": counted(lambda n: ngettext("%(count)s program could not be found; it may no longer be listed.",
                                              "%(count)s programs could not be found; they may no longer be listed.",
                                              n)),
        "unreachable": _("The search service is not reachable right now. Please try again in a minute."),
        "caption": counted(lambda n: ngettext("%(count)s program side by side", "%(count)s programs side by side", n)),
        "detail": _("Program"),
        "rows": {
            "notices": _("Please note"), "address": _("Address"), "phones": _("Phone numbers"),
            "levels": _("Levels of care"), "payment": _("Payment accepted"), "assistance": _("Payment assistance"),
            "ages": _("Ages"), "genders": _("Genders"), "populations": _("Programs for"),
            "languages": _("Languages"), "services": _("Services"), "hours": _("Hours (from its website)"),
            "telehealth": _("Telehealth"), "coOccurring": _("Co-occurring mental health care"),
            "asOf": _("Information as of"), "page": _("Page"),
        },
        "yes": _("Yes"), "notListed": _("Not listed"), "noPage": _("No page (not an IOP)"),
        "phoneKinds": phone_kinds(lang), "extension": _("%(number)s ext. %(extension)s"),
        "days": day_names(lang.words), "pageLine": _("Page: %(url)s"),
    }


def card(facility: dict, site: Site, lang: Language) -> dict:
    """A facility as a list entry, its words ready to show: what deciding whether to call needs."""
    _ = lang.gettext
    address = facility["address"]
    hours = stated_hours(facility, lang.words)
    opioid = [opioid_medications(lang).get(v, v) for v in facility.get("opioid_medications") or []]
    medications = [_("Opioid use disorder medications: %(medications)s") % {"medications": ", ".join(opioid)}] \
        if opioid else []
    if has_service(facility, SERVICES["alcohol_medications"]):
        medications.append(lang.service("alcohol_medications"))
    languages = [lang.term("languages", v) for v in facility.get("languages") or []]
    return {
        "name": facility["name"], "name2": facility.get("name2"),
        "url": lang.path(f"/facilities/{site.slug_of[facility['id']]}/"),
        "iop": "iop" in (facility.get("levels_of_care") or []),
        "address": ", ".join(p for p in (address.get("street1"), address["city"], address["state"]) if p),
        "phones": card_phones(facility, lang),
        "payment": " · ".join(payment_line(facility, lang)),
        "features": " · ".join(lang.service(name) for name in CARD_FEATURES if has_service(facility, SERVICES[name])),
        "hours": _("Hours (from its website): %(hours)s") % {"hours": "; ".join(hours)} if hours else None,
        "medications": " · ".join(medications),
        "languages": _("Languages: %(languages)s") % {"languages": ", ".join(languages)} if languages else None,
        "notices": notices(facility, lang),
        "as_of": _("Information as of %(date)s") % {"date": facility["verified_on"]}
        if facility.get("verified_on") else None,
        "approximate": facility.get("location_precision") == "zip",
    }


def summary(facility: dict, site: Site, lang: Language, miles: float | None = None) -> dict:
    """A facility's card in a list, with its distance when the list is around a point. A facility
    is on many lists: its card is made once per language."""
    key = (facility["id"], lang)
    if key not in site.cards:
        site.cards[key] = card(facility, site, lang)
    distance = lang.gettext("%(miles)s mi") % {"miles": round(miles, 1)} if miles is not None else None
    return {**site.cards[key], "miles": distance}


def home_context(site: Site, lang: Language) -> dict:
    counts = Counter(f["address"]["state"] for f in site.facilities)
    # The states and DC first, then the territories, each part in the alphabetical order of the page's language.
    listed = sorted((code for code in STATE_NAMES if counts[code]),
                    key=lambda code: (code in TERRITORIES, slugify(lang.state(code))))
    return {"title": lang.gettext("Find an intensive outpatient program (IOP)"),
            "states": [{"code": code, "name": lang.state(code), "count": counts[code],
                        "url": lang.path(f"/states/{code.lower()}/")} for code in listed]}


def near_me_context(site: Site, lang: Language) -> dict:
    return {**home_context(site, lang), "title": lang.gettext("IOPs near you"), "labels": script_labels(lang),
            "text": near_me_text(lang)}


def compare_context(lang: Language) -> dict:
    return {"title": lang.gettext("Compare programs"), "labels": script_labels(lang), "text": compare_text(lang)}


def not_found_context(lang: Language) -> dict:
    return {"title": lang.gettext("Page not found")}


def state_context(site: Site, state: str, lang: Language) -> dict:
    _ = lang.gettext
    facilities = [f for city in site.cities[state].values() for f in city]
    cities = sorted(site.cities[state].items(), key=lambda pair: site.city_names[(state, pair[0])])
    short = payment_short(lang)
    return {
        "title": _("Intensive outpatient programs in %(state)s") % {"state": lang.state(state)},
        "state": {"code": state, "name": lang.state(state)},
        "total": len(facilities),
        "payments": [{"label": short[value], "count": sum(value in (f.get("payment") or []) for f in facilities)}
                     for value in STATE_PAYMENTS]
        + [{"label": _("Sliding fee scale"),
            "count": sum("sliding_fee" in (f.get("payment_assistance") or []) for f in facilities)}],
        "cities": [{"name": site.city_names[(state, slug)], "count": len(found),
                    "url": lang.path(f"/states/{state.lower()}/{slug}/")} for slug, found in cities],
        "search_url": lang.path("/near-me/?" + urlencode({"state": state})),
    }


def city_context(site: Site, state: str, city_slug: str, lang: Language) -> dict:
    name = site.city_names[(state, city_slug)]
    search = site.place_search(f"{name}, {state}")
    return {
        "title": lang.gettext("Intensive outpatient programs in %(city)s, %(state)s") % {"city": name, "state": state},
        "state": {"code": state, "name": lang.state(state), "url": lang.path(f"/states/{state.lower()}/")},
        "city": name, "radius": defaults.CITY_RADIUS_MI, "in_city": len(site.cities[state][city_slug]),
        "facilities": [summary(f, site, lang, miles) for miles, f in site.city_listing(state, city_slug)],
        "search_url": lang.path("/near-me/" + search) if search else None,
    }


def site_facts_context(facts: dict, lang: Language) -> dict:
    """What the facility's own website says, each point with the sentence it says it in."""
    _ = lang.gettext
    cited = {}
    for evidence in facts.get("evidence") or []:
        cited.setdefault(evidence["field"], []).append({"sentence": evidence["sentence"], "url": evidence["url"]})
    said = {True: _("offered"), False: _("not offered")}
    points = [
        (_("IOP schedule"), "; ".join(schedule_text(s, lang.words) for s in facts.get("schedules") or []), "schedules"),
        (_("Hours per week"), f"{facts['hours_per_week']:g}" if facts.get("hours_per_week") else "", "hours_per_week"),
        (_("Insurance accepted"), ", ".join(facts.get("insurance_carriers") or []), "insurance_carriers"),
        (_("Medicaid plans accepted"), ", ".join(facts.get("medicaid_plans") or []), "medicaid_plans"),
        (_("Telehealth"), said.get(facts.get("telehealth"), ""), "telehealth"),
    ]
    return {"link": website(facts["url"]),
            "points": [{"label": label, "text": text, "evidence": cited.get(name, [])[:2]}
                       for label, text, name in points if text],
            # Said in a kind of sentence read too unreliably to state as a fact: the site's own words only.
            "quotes": [{"sentence": quote["sentence"], "url": quote["url"], "read_on": quote["read_on"]}
                       for quote in facts.get("quotes") or []]}


def change_line(change: dict, lang: Language) -> str:
    """One change between directory editions, in words."""
    _ = lang.gettext
    edition = change["edition"]
    if change["kind"] == "new":
        return _("%(edition)s directory: newly listed.") % {"edition": edition}
    if change["kind"] == "retired":
        return _("%(edition)s directory: no longer listed.") % {"edition": edition}
    if change["kind"] == "returned":
        return _("%(edition)s directory: listed again.") % {"edition": edition}
    group = change["field"]
    named = {"field": lang.field(group) if group != "service_codes" else _("Other SAMHSA codes"),
             "values": ", ".join(lang.term(group, value) for value in change["values"]), "edition": edition}
    if change["kind"] == "added":
        return _("%(edition)s directory: %(field)s added: %(values)s.") % named
    return _("%(edition)s directory: %(field)s no longer listed: %(values)s.") % named


def retired_notice(facility: dict, lang: Language) -> str | None:
    if facility.get("status") != "retired":
        return None
    edition = facility["changes"][-1]["edition"]
    return lang.gettext("Not in SAMHSA's %(edition)s directory: it may have closed or stopped reporting. "
                        "Call before you go.") % {"edition": edition}


def step_down_url(facility: dict, lang: Language) -> str | None:
    """The near-me search for IOPs around a listed facility above IOP level, on the same payment."""
    if facility.get("status") == "retired" or not facility.get("location") or \
            not ABOVE_IOP & set(facility.get("levels_of_care") or []):
        return None
    query = [("near", facility["id"]), ("level", "iop"), *(("payment", v) for v in facility.get("payment") or [])]
    return lang.path("/near-me/?" + urlencode(query))


def facility_context(site: Site, facility: dict, lang: Language) -> dict:
    _ = lang.gettext
    address = facility["address"]
    location = facility.get("location")
    said_by = statements(facility, lang)
    phones = [phone(p, lang) for p in facility.get("phones") or []]
    link = website(facility.get("website"))
    city_slug = slugify(address["city"])
    structured = {
        "@context": "https://schema.org", "@type": "MedicalClinic", "name": facility["name"],
        "address": {"@type": "PostalAddress", "streetAddress": ", ".join(
            p for p in (address.get("street1"), address.get("street2")) if p),
            "addressLocality": address["city"], "addressRegion": address["state"],
            "postalCode": address["zip"], "addressCountry": "US"},
    }
    if location:
        structured["geo"] = {"@type": "GeoCoordinates", "latitude": location["lat"], "longitude": location["lon"]}
    if phones:
        structured["telephone"] = facility["phones"][0]["number"]
    if link and link["href"]:
        structured["url"] = link["href"]
    return {
        "title": facility["name"] + (f" – {facility['name2']}" if facility.get("name2") else ""),
        "facility": {
            "name": facility["name"], "name2": facility.get("name2"),
            "iop": "iop" in (facility.get("levels_of_care") or []),
            "street": [p for p in (address.get("street1"), address.get("street2")) if p],
            "locality": f"{address['city']}, {address['state']} {address['zip']}",
            "phones": phones, "website": link,
            "approximate": facility.get("location_precision") == "zip",
            "contact_sources": said_by(CONTACT_FIELDS),
            "levels": [{"label": lang.term("levels_of_care", v), "current": v == "iop"}
                       for v in facility.get("levels_of_care") or []],
            "levels_sources": said_by(LEVEL_FIELDS),
            "details": [{"label": lang.field(g), "values": [lang.term(g, v) for v in facility.get(g) or []],
                         "sources": said_by((g,)), "printed": g in PRINTED_DETAILS}
                        for g in DETAIL_GROUPS if facility.get(g)],
            "services": services(facility, lang), "notices": notices(facility, lang),
            "telehealth": facility.get("telehealth"), "co_occurring": facility.get("co_occurring"),
            "sources": [(_("%(statement)s (%(record)s); we read it on %(date)s.") if s.get("record_id")
                         else _("%(statement)s; we read it on %(date)s."))
                        % {"statement": statement(s, lang.words), "record": s.get("record_id"),
                           "date": s["retrieved_at"][:10]}
                        for s in facility.get("sources") or []],
            "verified": facility.get("verified_on"),
            "from_website": site_facts_context(facility["site"], lang) if facility.get("site") else None,
            "retired": retired_notice(facility, lang),
            "step_down": step_down_url(facility, lang),
            "changes": [change_line(change, lang) for change in facility.get("changes") or []],
            "changes_since": site.first_edition,
            "website_sources": said_by(("site",)),
        },
        "state": {"code": address["state"], "name": lang.state(address["state"]),
                  "url": lang.path(f"/states/{address['state'].lower()}/")},
        "city": {"name": site.city_names.get((address["state"], city_slug), address["city"]),
                 "url": lang.path(f"/states/{address['state'].lower()}/{city_slug}/")},
        "nearby": [summary(f, site, lang, miles) for miles, f in site.nearby(facility)],
        "structured_data": structured,
    }

"""Whether a page, and a sentence on it, speak about the facility's own program.

A fact read from a website must be the facility's statement about itself. A page is judged whole
first (`page_kind`): articles, stories and guides (schema.org article types, blog/news paths,
bylines, post ids, titles that ask or teach, first-person-singular narratives) speak about IOPs in
general or about one person, pages about other organisations speak for them, a page about one
insurer explains its coverage, and a sober-living, residential or day-treatment page's timetable
is not the IOP's. Then each sentence: those that generalise ("most programs", "often",
"according to ..."), hedge or look ahead ("may", "plans are underway"), or ask say nothing about
the facility either.
"""

import re
from enum import StrEnum
from urllib.parse import parse_qs, urlsplit

ARTICLE_TYPES = frozenset({"Article", "BlogPosting", "NewsArticle", "Blog", "ScholarlyArticle", "TechArticle",
                           "Report", "OpinionNewsArticle", "AnalysisNewsArticle", "SocialMediaPosting",
                           "LiveBlogPosting", "MedicalScholarlyArticle"})
_ARTICLE_PATH = re.compile(r"/(?:blogs?|news|articles?|resources|insights|posts?|stories|press|learn|library|"
                           r"education|guides?|magazine|newsroom)(?:/|$)|/(?:19|20)\d\d/\d\d?/", re.I)
# "By Jordan Ellis, LCSW", "Medically reviewed by Dr. Ana Ruiz": a line that names an author.
_BYLINE = re.compile(r"^\s*(?i:by|written by|posted by|published by|(?:medically |clinically )?reviewed by|"
                     r"author:)\s+(?:Dr\.?\s+)?[A-Z][\w'.-]+(?:\s+[A-Z][\w'.-]*)+", re.M)
_BYLINE_LINES = 8  # an author line sits near the top of the text

def words(*phrases: str) -> re.Pattern:
    """Any of the phrases as whole words, in any case (a phrase may itself be a regular expression)."""
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.I)


_FIRST_PERSON = words("we", "we're", "we've", "we'll", "our", "ours", "us")
# Words that make a sentence a statement about programs in general.
_GENERAL = words("most", "many", "some", "a few", "several", "often", "typically", "typical", "usually", "generally", "commonly",
                 "frequently", "research", "studies", "study", "statistics", "percent", r"\d+(?=%)", "according to",
                 "in general", "average", "tend to", "defined as", "defines", "ASAM", "SAMHSA", "NIDA", "CDC")
# Words that make a statement uncertain or about the future.
_HEDGE = words("may", "might", "could", "would", "should", "can", "will", r"plans? (?:are|is) underway",
               r"credential\w*", "pending", r"anticipat\w*", "in the process", r"launch\w*",
               r"plan(?:s|ning)? to", "hope to", "soon", "coming", r"next (?:year|month|spring|summer|fall|winter)",
               "in the future", "eventually", "expect to", r"working (?:on|to|toward)",
               r"when (?:\w+ ){0,3}(?:opens?|launch(?:es)?|begins?|starts?|becomes? available)")
# "May", "can" and "will" that give permission or describe what happens, not doubt: "clients may
# join by video", "can be attended online", "you will join our IOP".
_PERMISSION = re.compile(r"\b(?:you|they|clients|patients|participants|members|families|parents|teens|adolescents|"
                         r"students|residents|adults|anyone|everyone)\s+(?:[\w,'ʻ’-]+\s+){0,6}?(?:may|can|will)\b|"
                         r"\byou'll\b|"
                         r"\bcan (?:also )?be (?:joined|attended|completed|accessed|done|held|arranged)\b", re.I)
# A leading clause that sets the scene ("For people who work Monday to Friday, ...", "Unlike many
# programs ..., ...") and a trailing one that gives a reason ("..., so you can keep working").
_LEADING_CLAUSE = re.compile(r"^(?:for (?:people|those|anyone|clients|adults|parents|families)|if|unlike|while|"
                             r"whether|because|since|although|though|once|after|before)\s[^,]*,\s*", re.I)
_TRAILING_CLAUSE = re.compile(r",?\s+(?:so(?: that)?|because|when|whenever|if|who|whose|to (?:ensure|help|make|allow|"
                              r"keep|fit)|in order to|allowing|making|letting)\b.*$", re.I)


class PageKind(StrEnum):
    ARTICLE = "article"
    STORY = "story"
    OTHER_ORGANISATION = "about other organisations"
    JOBS = "job postings"
    CARRIER = "about one insurer"
    HOUSING = "sober-living, residential or day treatment"
    FACILITY = "the facility's own page"


SILENT_KINDS = frozenset({PageKind.ARTICLE, PageKind.STORY, PageKind.OTHER_ORGANISATION, PageKind.JOBS})  # say nothing at all


class Abstention(StrEnum):
    """Why a statement with something to find was not read as the facility's."""
    QUESTION = "a question"
    GENERAL = "a general statement"
    HEDGED = "hedged or about the future"


def page_kind(url: str, schema_types: set[str], byline: str | None, text: str,
              carrier_names: frozenset[str] = frozenset()) -> PageKind:
    """What the whole page is, from its address, its schema.org types, its byline and its text.
    `carrier_names` are insurers' names in lower case: a page titled by one is about that insurer."""
    parts = urlsplit(url)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    title = _title(lines)
    if schema_types & ARTICLE_TYPES or byline or _ARTICLE_PATH.search(parts.path) or "p" in parse_qs(parts.query) \
            or _GUIDE_SLUG.search(parts.path) or title.endswith("?") or _GUIDE_TITLE.search(title) \
            or _BYLINE.search("\n".join(lines[:_BYLINE_LINES])):
        return PageKind.ARTICLE  # titled by a question ("Is virtual IOP right for you?") or a lesson: not a program page
    if _narrated(text):
        return PageKind.STORY
    if _JOBS.search(parts.path):
        return PageKind.JOBS
    if _OTHER_ORGANISATIONS.search(parts.path) or _OTHER_ORGANISATIONS_TITLE.search(title):
        return PageKind.OTHER_ORGANISATION
    if _CARRIER_PATH.search(parts.path) or (_COVERAGE_TITLE.search(title) and any(
            _named(name, title.lower()) for name in carrier_names)):
        return PageKind.CARRIER
    if _HOUSING.search(parts.path) or _HOUSING.search(title):
        return PageKind.HOUSING
    return PageKind.FACILITY


def _title(lines: list[str]) -> str:
    """The page's title as its text shows it: the first heading-like line among the first few, past
    the site's name, menus ("Home | Programs"), phone lines and "Skip to content"."""
    for line in lines[:_TITLE_LINES]:
        if not (_MENU.search(line) or re.search(r"\d{3}\D{0,2}\d{3}-\d{4}", line) or line.lower().startswith("skip")):
            if _TITLE_WORDS.search(line) or line.endswith("?"):
                return line
    return next((line for line in lines[:_TITLE_LINES] if not _MENU.search(line)), "")


def _named(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


_TITLE_LINES = 5
_MENU = re.compile(r"\s[|·•]\s")
# Words a page's heading has and a site's name does not.
_TITLE_WORDS = re.compile(r"\b(?:what|how|why|when|is|are|does|do|can|should|vs\.?|versus|guide|program|programs|"
                          r"IOP|insurance|coverage|cover|covers|rehab|treatment|schedule|faq|questions|resources|"
                          r"meetings|living|residential|detox|hospitali[sz]ation|launch\w*|opening|announc\w*|news|"
                          r"glossary|terms|medicaid|our|about|admissions|contact|locations?|careers|jobs)\b", re.I)
# "/what-to-expect-in-iop/", "/signs-of-alcoholism/", "/5-benefits-of-evening-iop/": a post's slug.
_GUIDE_SLUG = re.compile(r"/(?:what|how|why|when|where|who|which|is|are|does|do|can|should|signs?|symptoms|"
                         r"benefits|tips|ways|guide|understanding|myths?|\d+)-[\w-]*-[\w-]+/?$|"
                         r"-vs-|/(?:glossary|terms|faqs?-about-[\w-]+)/?$|launch", re.I)
_GUIDE_TITLE = re.compile(r"^(?:what|how|why|when|is|are|does|do|can|should|signs|symptoms|benefits|tips|ways|"
                          r"understanding|a guide|the guide|guide to|glossary|\d+ (?:signs|ways|tips|reasons|things|"
                          r"benefits))\b|\b(?:vs\.?|versus|launch\w*|coming soon|now open|announc\w*)\b|"
                          r": what (?:to|you)", re.I)
_SINGULAR = re.compile(r"\b(?:I|I'm|I've|I'd|me|my|myself)\b")
_PLURAL = re.compile(r"\b(?:we|our|us|we're|we've)\b", re.I)
_STORY_SHARE = 0.025  # words of the first person singular in a story ("I", "my"): one in forty or more
_OTHER_ORGANISATIONS = re.compile(r"/(?:our-|community-)?(?:resources|partners?|links|directory|sister-[\w-]+|"
                                  r"local-[\w-]+)(?:/|$)|meetings|-services/?$", re.I)
_OTHER_ORGANISATIONS_TITLE = re.compile(r"^(?:community|local|other|helpful|partner|our partners)\b.*\b(?:resources|"
                                        r"meetings|organi[sz]ations|partners|support groups|services)\b|"
                                        r"\b(?:AA|NA) meetings\b|\bsister (?:programs|facilities)\b", re.I)
_JOBS = re.compile(r"/(?:careers?|jobs?|employment|join-our-team|work-with-us|openings)(?:/|$)", re.I)
_CARRIER_PATH = re.compile(r"/(?:insurance|insurance-coverage|insurance-providers|coverage|payers?)/[\w-]+/?$", re.I)
_COVERAGE_TITLE = re.compile(r"\b(?:cover(?:s|age|ed)?|pay|pays|insurance|rehab|treatment)\b", re.I)
_HOUSING = re.compile(r"sober[- ]living|recovery[- ](?:residence|home|house)s?|halfway|transitional[- ]living|"
                      r"residential|inpatient|detox|partial[- ]hospitali[sz]ation|\bPHP\b|day[- ]treatment", re.I)


def _narrated(text: str) -> bool:
    """A story told by one person ("I", "my") rather than the facility ("we")."""
    total = len(text.split())
    singular = len(_SINGULAR.findall(text))
    return total > 0 and singular / total >= _STORY_SHARE and singular > 2 * len(_PLURAL.findall(text))


def speaks_for_itself(sentence: str) -> bool:
    """The facility speaks in the first person ("we", "our")."""
    return bool(_FIRST_PERSON.search(sentence))


def own_statement(sentence: str) -> str | Abstention:
    """The part of a sentence in which the facility states something about itself, or why there is none.

    "Unlike many programs that may meet only by day, our IOP meets Mon-Thu 6-9 pm" keeps
    "our IOP meets Mon-Thu 6-9 pm"; "Most IOPs run 9 to 20 hours per week" keeps nothing."""
    if sentence.rstrip().endswith("?"):
        return Abstention.QUESTION
    part = _TRAILING_CLAUSE.sub("", _LEADING_CLAUSE.sub("", sentence)) or sentence
    general = _GENERAL.search(part)
    if general:
        own = next((m for m in _FIRST_PERSON.finditer(part) if m.start() > general.start()), None)
        if own is None:
            if not _FIRST_PERSON.search(part[:general.start()]):
                return Abstention.GENERAL  # only general words, nobody speaking for the facility
        else:
            part = part[own.start():]
    if _HEDGE.search(_PERMISSION.sub("", part)):
        return Abstention.HEDGED
    return part

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
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from facility.states import STATE_NAMES

ARTICLE_TYPES = frozenset({"Article", "BlogPosting", "NewsArticle", "Blog", "ScholarlyArticle", "TechArticle",
                           "Report", "OpinionNewsArticle", "AnalysisNewsArticle", "SocialMediaPosting",
                           "LiveBlogPosting", "MedicalScholarlyArticle", "PodcastEpisode", "PodcastSeries",
                           "VideoObject"})
_ARTICLE_PATH = re.compile(r"/(?:blogs?|news|articles?|resources|insights|posts?|stories|press|learn|library|"
                           r"education|guides?|magazine|newsroom|podcasts?|episodes?|videos?|webinars?|"
                           r"category|categories|tags?|author)(?:/|$)|"  # a blog's archive of posts
                           r"(?<!/uploads)/(?:19|20)\d\d/\d\d?/|"  # a dated post, not a file uploaded that month
                           # "/addiction-treatment-blog/", "/recovery-insights/", "/rehab-guide/": a section of posts
                           r"/[\w-]+-(?:blog|news|articles|insights|guides?|stories)(?:/|$)|"
                           r"/(?:blog|news|articles)-[\w-]+/[\w-]+", re.I)
# "By Jordan Ellis, LCSW", "Medically reviewed by Dr. Ana Ruiz": a line that names an author.
_BYLINE = re.compile(r"^\s*(?i:by|written by|posted by|published by|(?:medically |clinically )?reviewed by|"
                     r"author)(?::\s*|\s+)(?:Dr\.?\s+)?[A-Z][\w'.-]+(?:[ \t]+[A-Z][\w'.-]*)+", re.M)
_BYLINE_LINES = 8  # an author line sits near the top of the text
_MASTHEAD_LINES = 3  # the site's name and the line under it

def words(*phrases: str) -> re.Pattern:
    """Any of the phrases as whole words, in any case (a phrase may itself be a regular expression)."""
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.I)


_FIRST_PERSON = words("we", "we're", "we've", "we'll", "our", "ours", "us",
                      r"nuestr[oa]s?", "aceptamos", "ofrecemos", "trabajamos", "estamos", "tenemos")  # Spanish pages
# Words that make a sentence a statement about programs in general.
_GENERAL = words("most", "many", "some", "a few", "several", "often", "typically", "typical", "usually", "generally", "commonly",
                 "frequently", "research", "studies", "study", "statistics", "percent", r"\d+(?=%)", "according to",
                 "in general", "average", "tend to", "defined as", "defines", "ASAM", "SAMHSA", "NIDA", "CDC",
                 "American Society of Addiction Medicine", "Substance Abuse and Mental Health Services Administration",
                 "National Institute on Drug Abuse")
# A visitor telling their own situation ("I have TRICARE. Can I come?"), where the facility does not speak.
_VISITOR = re.compile(r"^\W*(?:I|I'm|I’m|I've|I’ve|my)\b(?!-)", re.I)
# "Most major insurance plans" is what a facility takes, not a generalisation about programs.
_NOT_GENERAL = re.compile(r"\bmost (?:major |private |commercial |other |PPO |HMO |health )*(?:insurances?|plans|"
                          r"insurers|carriers|payers)\b", re.I)
_CLAUSE_BREAK = re.compile(r",\s+(?:and|but)\s+|;\s+|\s[—–]\s")
_CLAIM_WORDS = 4  # a clause before the break long enough to say something
# Words that make a statement uncertain or about the future.
_HEDGE = words("may", "might", "could", "would", "should", "can", "will", r"plans? (?:are|is) underway",
               r"credential\w*", "pending", r"anticipat\w*", "in the process", r"launch\w*",
               r"plan(?:s|ning)? to", "hope to", "soon", "coming", r"next (?:year|month|spring|summer|fall|winter)",
               "in the future", "eventually", "expect to", r"working (?:on|to|toward)",
               r"new this (?:fall|spring|summer|winter|year)", r"enrollment opens", r"opens? in \w+", "resume",
               r"(?:are|'re|is|am) (?:building|developing|creating|adding|exploring|piloting)", r"expect(?:s|ing)?",
               r"(?:starting|beginning) (?:next|in) \w+", r"(?:appl(?:y|ied|ying)|seeking|hoping) to (?:join|become)",
               r"(?:are|is|'re|am) planning\b",
               r"when (?:\w+ ){0,3}(?:opens?|launch(?:es)?|begins?|starts?|becomes? available)")
# "May", "can" and "will" that give permission or describe what happens, not doubt: "clients may
# join by video", "can be attended online", "you will join our IOP", "a session will be held".
_PERMISSION = re.compile(r"\b(?:you|they|clients?|patients?|participants?|members?|families|parents?|teens?|"
                         r"adolescents?|students?|residents?|adults?|relatives|loved ones|family members|anyone|"
                         r"everyone)\s+(?:[\w,'ʻ’-]+\s+){0,10}?(?:may|can|will)\b|"
                         r"\byou'll\b|\b(?:sessions?|groups?|classes|IOP|program) will (?:be held|meet|run)\b|"
                         r"\bcan (?:also )?be (?:joined|attended|completed|accessed|done|held|arranged|scheduled|"
                         r"booked|in[- ]person or)\b|\bcan (?:also )?take place\b|\bwe can (?:also )?(?:bill|accept|take)\b",
                         re.I)
# A leading clause that sets the scene ("For people who work Monday to Friday, ...", "Unlike many
# programs ..., ...") and a trailing one that gives a reason ("..., so you can keep working").
_LEADING_CLAUSE = re.compile(r"^(?:for (?:people|those|anyone|clients|adults|parents|families)|if|unlike|while|"
                             r"whether|because|since|although|though|once|after|before|depending on)\s[^,·]*,\s*", re.I)
# (Both within the line: never across the " · " that joins a line to its heading.)
_TRAILING_CLAUSE = re.compile(r"(?<![·|]),?(?<![·|])\s+(?:so(?: that)?|because|when|whenever|if|who|whose|"
                              r"to (?:ensure|help|make|allow|keep|fit)|in order to|allowing|making|letting)\b[^·]*$",
                              re.I)


# The program's name, in English or Spanish.
IOP = re.compile(r"\bintensive[ -]outpatient\b|\bIOPs?\b|"
                 r"\b(?:programa|tratamiento) (?:intensivo ambulatorio|ambulatorio intensivo)\b", re.I)


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
    VISITOR = "a visitor's own situation"


def page_kind(url: str, schema_types: set[str], byline: str | None, text: str,
              carrier_names: frozenset[str] = frozenset()) -> PageKind:
    """What the whole page is, from its address, its schema.org types, its byline and its text.
    `carrier_names` are insurers' names in lower case: a page titled by one is about that insurer."""
    parts = urlsplit(url)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    title = _title(lines)
    # A site's FAQ ("/faq/", one answer at "/faq/how-long-are-groups/") asks in its title and answers for the facility.
    # So does a page of its insurance section titled by the reader's situation ("Coming from out of state?").
    # The insurance section's pages ask in their titles too, and its first page may be titled as a lesson ("Does
    # Insurance Cover IOP?") and still say which plans the facility takes. So may the program's own page
    # ("/intensive-outpatient-program/" titled "What to Expect in IOP"), though not by a question.
    lesson = not _FAQ_PATH.search(parts.path) and not _ASKS_US.search(f"{title} {parts.path.replace('-', ' ')}") and (
        _GUIDE_SLUG.search(parts.path) or (title.endswith("?") and not _INSURANCE_SECTION.search(parts.path))
        or (_GUIDE_TITLE.search(title) and not _INSURANCE_SECTION.fullmatch(parts.path)
            and not _PROGRAM_SLUG.search(parts.path)))
    posts = _ARTICLE_PATH.search(parts.path) and not _RESOURCES_PAYMENT.search(parts.path)
    if schema_types & ARTICLE_TYPES or byline or posts or "p" in parse_qs(parts.query) \
            or lesson or _BYLINE.search("\n".join(lines[:_BYLINE_LINES])) or _posted(lines):
        return PageKind.ARTICLE  # titled by a question ("Is virtual IOP right for you?") or a lesson: not a program page
    if _narrated(text):
        return PageKind.STORY
    if _JOBS.search(parts.path):
        return PageKind.JOBS
    others = _OTHER_ORGANISATIONS.search(parts.path) and not _RESOURCES_PAYMENT.search(parts.path)
    if others or _OTHER_ORGANISATIONS_TITLE.search(title) or _gives_no_treatment(text):
        return PageKind.OTHER_ORGANISATION
    carrier_path = _CARRIER_PATH.search(parts.path)
    slug = parts.path.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")  # "/paying-with-insurance/rehab-aetna/"
    if (carrier_path and not _STATES_SLUG.fullmatch(carrier_path[1])) or \
            _names_insurer(title, title, carrier_names) or _names_insurer(slug, parts.path, carrier_names):
        return PageKind.CARRIER
    masthead = "\n".join(lines[:_MASTHEAD_LINES])
    if _HOUSING.search(parts.path) or (_HOUSING.search(title) and not IOP.search(title)) or \
            _SOBER_LIVING.search(masthead):
        return PageKind.HOUSING  # a sober-living house's site says so under its name ("Sober Living for Women")
    return PageKind.FACILITY


def says_any(text: str, words: tuple[str, ...]) -> bool:
    """Any of the words in the text, in any case: the cheap test, before a regular expression that needs one of
    them runs over a whole page."""
    lowered = text.lower()
    return any(word in lowered for word in words)


def _gives_no_treatment(text: str) -> bool:
    return says_any(text, ("not", "n't")) and bool(_NO_TREATMENT.search(text))


def _title(lines: list[str]) -> str:
    """The page's title as its text shows it: the first heading-like line among the first few, past
    the site's name, menus ("Home | Programs"), phone lines and "Skip to content"."""
    for line in lines[:_TITLE_LINES]:
        if line.endswith(".") or len(line.split()) > _TITLE_MAX_WORDS:
            break  # the text has begun: a heading further down is a section's, not the page's
        if not (_MENU.search(line) or re.search(r"\d{3}\D{0,2}\d{3}-\d{4}", line) or line.lower().startswith("skip")):
            if _TITLE_WORDS.search(line) or line.endswith("?"):
                return line
    return next((line for line in lines[:_TITLE_LINES] if not _MENU.search(line)), "")


def _names_insurer(words: str, context: str, carrier_names: frozenset[str]) -> bool:
    """The words name an insurer, and their context speaks of cover or payment ("Does Cigna Cover Detox?")."""
    lowered = words.lower()
    return bool(_COVERAGE_TITLE.search(context.replace("-", " "))) and \
        any(_named(name, lowered) for name in carrier_names)


def _named(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


_TITLE_LINES = 5
_TITLE_MAX_WORDS = 14
_MENU = re.compile(r"\s[|·•]\s")
# Words a page's heading has and a site's name does not.
_TITLE_WORDS = re.compile(r"\b(?:what|how|why|when|is|are|does|do|can|should|vs\.?|versus|guide|program|programs|"
                          r"outpatient|IOP|insurance|coverage|cover|covers|rehab|treatment|schedule|faq|questions|"
                          r"resources|meetings|living|residential|detox|hospitali[sz]ation|launch\w*|opening|"
                          r"announc\w*|news|glossary|terms|medicaid|our|about|admissions|contact|locations?|careers|"
                          r"jobs|accepted)\b", re.I)
# "/what-to-expect-in-iop/", "/signs-of-alcoholism/", "/5-benefits-of-evening-iop/": a post's slug.
_GUIDE_SLUG = re.compile(r"/(?:what|how|why|when|where|who|which|is|are|does|do|can|should|signs?|symptoms|"
                         r"benefits|tips|ways|guide|understanding|myths?|\d+)-[\w-]*-[\w-]+/?$|"
                         r"-vs-|/(?:glossary|terms|faqs?-about-[\w-]+)/?$|launch", re.I)
# A visitor's question to the facility, which its own page answers: "Do you take my insurance?", "What will IOP
# cost me?"; not a lesson.
_ASKS_US = re.compile(r"\b(?:do|does) (?:you|we) (?:take|accept|bill)\b|\bmy (?:insurance|plan|coverage)\b|\bcost me\b|"
                      r"/how to pay/?$|"  # the site's own payment page
                      r"\b(?:will|do) I (?:pay|owe)\b", re.I)
_GUIDE_TITLE = re.compile(r"^(?:what|how|why|when|is|are|does|do|can|should|signs|symptoms|benefits|tips|ways|"
                          r"understanding|a guide|the guide|guide to|glossary|\d+ (?:[\w'-]+ ){0,3}(?:signs|ways|tips|"
                          r"reasons|things|benefits|questions|myths|steps|facts|mistakes))\b|"
                          r"\b(?:vs\.?|versus|launch\w*|coming soon|now open|announc\w*|everything you need to know|"
                          r"(?:a |the |an )?(?:complete|comprehensive|ultimate|definitive|essential) guide)\b|"
                          r": what (?:to|you)|"
                          # a post's subtitle: "IOP for College Students: Getting Help Without Dropping Out"
                          r":\s+(?:how|why|when|getting|finding|making|staying|choosing|balancing|managing|navigating|"
                          r"keeping|building)\b|"
                          # a headline's question and its answer: "Living an Hour Away? How Rural Families Make It Work"
                          r"\?\s+\w", re.I)
_FAQ_PATH = re.compile(r"/(?:faqs?|faq-items?|ufaqs?|questions|services_questions|frequently-asked-questions)(?:/|$)",
                       re.I)
# What a blog or news post carries around its text and a program page does not: a date line under the title,
# a reading time, "Posted in", "Leave a comment", an author box, sharing buttons.
_POST_DATE = re.compile(r"^(?:(?:posted|published|updated|written)(?: on)?:?\s+)?"
                        r"(?:\d+ min(?:ute)?s? read\s*[·|•-]\s*)?"
                        r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? (?:19|20)\d\d\b", re.I)
_POST_MARKS = re.compile(r"^(?:\d+ min(?:ute)?s? read\b|posted (?:in|on|by)\b|leave a (?:comment|reply)\b|guest post\b|"
                         r"about the author\b|share this (?:post|article|story)\b)|"
                         r"\s[·|]\s*leave a (?:comment|reply)\b|"
                         r"\b(?:in )?this (?:article|blog post|post|guide) (?:explains|covers|will|looks|walks|maps|"
                         r"outlines|discusses|describes|breaks|aims to|is (?:designed|meant|intended|here) to)\b",
                         re.I | re.M)
_POST_WORDS = ("read", "posted", "leave a", "author", "share this", "this article", "this blog", "this guide",
               "this post", "guest post")  # cheap
_POST_HINTS = re.compile(r"^(?:related (?:posts|articles|stories|reading)|tags?:|categor(?:y|ies):|in this article|"
                         r"table of contents|share on (?:facebook|x|twitter|linkedin))\b", re.I | re.M)
_HINT_WORDS = ("related", "tag", "categor", "in this article", "table of contents", "share on")  # cheap
_POST_DATE_LINES = 4  # a post's date sits just under its title
_SINGULAR = re.compile(r"\b(?:I|I'm|I've|I'd|me|my|myself)\b")
_PLURAL = re.compile(r"\b(?:we|our|us|we're|we've)\b", re.I)
_STORY_SHARE = 0.025  # words of the first person singular in a story ("I", "my"): one in forty or more
_STORY_MIN_WORDS = 5  # and a few of them: one quoted line is a testimonial, not a story
_QUOTED = re.compile(r"[\"“][^\"“”\n]+[\"”]")
_TESTIMONY_WORDS = 4  # a quoted phrase this long is someone's testimony, not a term in quotation marks
_OTHER_ORGANISATIONS = re.compile(r"/(?:our-|community-)?(?:resources|partners?|links|directory|sister-[\w-]+|"
                                  r"local-[\w-]+|referrals?|referral-[\w-]+|where-we-refer)(?:/|$)|meetings|"
                                  # a county's or the community's services, not "/intensive-outpatient-services"
                                  r"/(?:county|community|local|area|state)-[\w-]*services/?$", re.I)
_OTHER_ORGANISATIONS_TITLE = re.compile(r"^(?:community|local|other|helpful|partner|our partners)\b.*\b(?:resources|"
                                        r"meetings|organi[sz]ations|partners|support groups|services)\b|"
                                        r"\b(?:AA|NA) meetings\b|\bsister (?:programs|facilities)\b|"
                                        r"\breferral (?:network|partners|resources)\b|\bwhere we refer\b|"
                                        r"^(?:local|other|nearby|area)\b.*\b(?:programs|providers)\b", re.I)
# A coalition, peer centre or directory that says it gives no treatment itself: its page lists others' programs.
_NO_TREATMENT = re.compile(r"\b(?:is|are|'re|'s) not (?:a )?(?:treatment|clinical|medical) "
                           r"(?:provider|program|facility|center|centre|agency)s?\b|"
                           r"\b(?:does|do)(?: not|n't) (?:provide|offer) (?:any )?"
                           r"(?:treatment|clinical (?:care|services)|counseling)(?: services)?\s*[.,;]", re.I)
_JOBS = re.compile(r"/(?:careers?|jobs?|employment|join-our-team|work-with-us|openings)(?:/|$)", re.I)
# The program's own page: "/intensive-outpatient-program/", "/programs/teen-iop/".
_PROGRAM_SLUG = re.compile(r"/(?:(?:adult|adolescent|teen|youth|evening|virtual)-)?(?:iop|intensive-outpatient"
                           r"(?:-program|-treatment|-services|-therapy)?)/?$", re.I)
# The site's payment page kept with its resources: "/resources/insurance/" (not a post, nor others' services).
_RESOURCES_PAYMENT = re.compile(r"/resources/(?:insurance|insurance-accepted|accepted-insurance|payment|payments|"
                                r"billing|fees|rates)/?$", re.I)
_INSURANCE_SECTION = re.compile(r"/(?:insurance|insurance-coverage|insurance-providers|coverage|payers?)/", re.I)
_CARRIER_PATH = re.compile(_INSURANCE_SECTION.pattern + r"([\w-]+)/?$", re.I)
# A page of the insurance section for the states a site serves ("/insurance/missouri-and-kansas/"), not one insurer.
_STATE_SLUGS = "|".join(sorted((name.lower().replace(" ", "-") for name in STATE_NAMES.values()), key=len, reverse=True))
_STATES_SLUG = re.compile(rf"(?:{_STATE_SLUGS})(?:-(?:and|or)-(?:{_STATE_SLUGS}))*", re.I)
_COVERAGE_TITLE = re.compile(r"\b(?:cover(?:s|age|ed)?|pay|pays|insurance|rehab|treatment)\b", re.I)
_SOBER_LIVING = re.compile(r"sober[- ]living|recovery[- ](?:residence|home|house)s?|halfway house", re.I)
_HOUSING = re.compile(_SOBER_LIVING.pattern + r"|halfway|transitional[- ]living|"
                      r"residential|inpatient|detox|partial[- ]hospitali[sz]ation|\bPHP\b|day[- ]treatment", re.I)


def _posted(lines: list[str]) -> bool:
    """The page is a blog or news post: a date line under its title, or the furniture posts carry."""
    text = "\n".join(lines)
    lowered = text.lower()
    return any(_POST_DATE.match(line) for line in lines[:_POST_DATE_LINES]) or \
        (any(word in lowered for word in _POST_WORDS) and bool(_POST_MARKS.search(text))) or \
        (any(word in lowered for word in _HINT_WORDS) and len(_POST_HINTS.findall(text)) >= 2)


@lru_cache(maxsize=4)  # page_kind and read_page each ask for a page's text in turn
def without_testimony(text: str) -> str:
    """The text without what it quotes someone as saying ("“The evening group saved my job,” says Dana")."""
    return _QUOTED.sub(lambda quote: " " if len(quote.group().split()) >= _TESTIMONY_WORDS else quote.group(), text)


def _narrated(text: str) -> bool:
    """A story told by one person ("I", "my") rather than the facility ("we"); a quoted testimonial tells none."""
    text = without_testimony(text)
    total = len(text.split())
    singular = len(_SINGULAR.findall(text))
    if singular and "?" in text:  # a FAQ's questions are asked in the visitor's voice ("Will my plan cover IOP?")
        singular -= sum(len(_SINGULAR.findall(line)) for line in text.splitlines() if line.rstrip().endswith("?"))
    return singular >= _STORY_MIN_WORDS and singular / total >= _STORY_SHARE and \
        singular > 2 * len(_PLURAL.findall(text))


def _last_clause_break(text: str) -> int | None:
    """Where the last clause joined by ", and", ", but" or ";" begins, when a claim precedes it."""
    breaks = list(_CLAUSE_BREAK.finditer(text))
    return breaks[-1].start() if breaks and len(text[:breaks[-1].start()].split()) >= _CLAIM_WORDS else None


def without_heading(statement: str) -> str:
    """The line itself, not the heading it is read under ("Evening IOP · Mon-Thu 6-9 pm")."""
    return statement.rsplit(" · ", 1)[-1]


def speaks_for_itself(sentence: str) -> bool:
    """The facility speaks in the first person ("we", "our")."""
    return bool(_FIRST_PERSON.search(sentence))


@lru_cache(maxsize=4096)  # pages repeat their lines
def own_statement(sentence: str) -> str | Abstention:
    """The part of a sentence in which the facility states something about itself, or why there is none.

    "Unlike many programs that may meet only by day, our IOP meets Mon-Thu 6-9 pm" keeps
    "our IOP meets Mon-Thu 6-9 pm"; "Most IOPs run 9 to 20 hours per week" keeps nothing."""
    if sentence.rstrip().endswith("?"):
        return Abstention.QUESTION
    line = without_heading(sentence)
    if _VISITOR.match(line) and not speaks_for_itself(line):
        return Abstention.VISITOR
    part = _LEADING_CLAUSE.sub("", sentence) or sentence
    if len((cut := _TRAILING_CLAUSE.sub("", part)).split()) >= _CLAIM_WORDS:  # not "Residents [who attend our IOP ...]"
        part = cut
    general = _GENERAL.search(part)
    if general and _NOT_GENERAL.search(part):
        general = _GENERAL.search(_NOT_GENERAL.sub(lambda m: "_" * len(m.group()), part))
    if general and (joined := _last_clause_break(part[:general.start()])):
        # "Groups run 6-9 pm, and most people finish in eight weeks": the first claim stands, and so does a later
        # one the facility makes ("We accept X, and many of our services are offered by telehealth").
        own = next((m for m in _FIRST_PERSON.finditer(part) if m.start() > general.start()), None)
        part = part[:joined] + (f"; {part[own.start():]}" if own else "")
        general = None
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

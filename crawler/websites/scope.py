"""Whether a page, and a sentence on it, speak about the facility's own program.

A fact read from a website must be the facility's statement about itself. Articles (schema.org
article types, blog/news/resources paths, bylines) speak about IOPs in general, and so do
sentences that generalise ("most programs", "often", "according to ..."), hedge or look ahead
("may", "plans are underway"), or ask. None of these yields a fact about the facility.
"""

import re
from urllib.parse import urlsplit

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
_GENERAL = words("most", "many", "some", "often", "typically", "typical", "usually", "generally", "commonly",
                 "frequently", "research", "studies", "study", "statistics", "percent", r"\d+(?=%)", "according to",
                 "in general", "average", "tend to", "defined as", "defines", "ASAM", "SAMHSA", "NIDA", "CDC")
# Words that make a statement uncertain or about the future.
_HEDGE = words("may", "might", "could", "would", "should", "can", "will", r"plans? (?:are|is) underway",
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


def is_article(url: str, schema_types: set[str], byline: str | None, text: str) -> bool:
    """An article, blog post or news item rather than a page about the facility's own program."""
    if schema_types & ARTICLE_TYPES or _ARTICLE_PATH.search(urlsplit(url).path):
        return True
    if byline:
        return True
    lines = text.strip().splitlines()
    if lines and lines[0].rstrip().endswith("?"):
        return True  # titled by a question ("Is virtual IOP right for you?"): an article, not a program page
    return bool(_BYLINE.search("\n".join(lines[:_BYLINE_LINES])))


def speaks_for_itself(sentence: str) -> bool:
    """The facility speaks in the first person ("we", "our")."""
    return bool(_FIRST_PERSON.search(sentence))


def own_statement(sentence: str) -> str | None:
    """The part of a sentence in which the facility states something about itself, or None.

    "Unlike many programs that may meet only by day, our IOP meets Mon-Thu 6-9 pm" keeps
    "our IOP meets Mon-Thu 6-9 pm"; "Most IOPs run 9 to 20 hours per week" keeps nothing."""
    if sentence.rstrip().endswith("?"):
        return None
    part = _TRAILING_CLAUSE.sub("", _LEADING_CLAUSE.sub("", sentence)) or sentence
    general = _GENERAL.search(part)
    if general:
        own = next((m for m in _FIRST_PERSON.finditer(part) if m.start() > general.start()), None)
        if own is None:
            if not _FIRST_PERSON.search(part[:general.start()]):
                return None  # only general words, nobody speaking for the facility
        else:
            part = part[own.start():]
    if _HEDGE.search(_PERMISSION.sub("", part)):
        return None
    return part

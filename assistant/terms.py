"""Dutch and English term lists and the text helpers the checker and the drafter share.

Special-category (GDPR art. 9/10) and sensitive-data terms, AI terms, placeholders, negation; matching
is on `normalize`d text (accent-folded lower case). Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = [
    "TermHit",
    "SPECIAL_TERMS",
    "SENSITIVE_TERMS",
    "normalize",
    "is_negated",
    "find_category_terms",
    "classify_data_name",
    "describes_ai",
    "is_blank",
]


# =========================================================================== term lists
# Written from GDPR art. 9 (special categories), art. 10 (criminal data) and the Dutch DPA's notion of
# sensitive data (BSN, financial data, ...), in Dutch and English. Matching is on accent-folded lower
# case at a word start; "term*" is a prefix, anything else a whole word ("religion" never hits "region").

SPECIAL_TERMS: dict[str, tuple[str, ...]] = {
    "health": (
        "gezondheid*",
        "health*",
        "medisch*",
        "medical*",
        "medicatie*",
        "medicijn*",
        "medication*",
        "ziekte*",
        "ziek",
        "zieke",
        "ziekmelding*",
        "sick",
        "sickness*",
        "sick leave",
        "illness*",
        "disease*",
        "diagnose",
        "diagnoses",
        "diagnosis",
        "diagnosed",
        "gediagnosticeerd*",
        "functiebeperking*",
        "handicap*",
        "disabilit*",
        "disabled",
        "impairment*",
        "chronisch ziek*",
        "chronic illness*",
        "chronic condition*",
        "dyslex*",
        "dyscalcul*",
        "adhd",
        "autis*",
        "psychisch*",
        "psychiatr*",
        "mental health",
        "mentale gezondheid",
        "geestelijke gezondheid",
        "depressi*",
        "burn-out*",
        "burnout*",
        "angststoornis*",
        "anxiety disorder*",
        "zwanger*",
        "pregnan*",
        "studentpsycholoog*",
        "studentenpsycholoog*",
        "studentenarts*",
        "huisarts*",
        "therapie*",
        "therapy",
        "therapist*",
        "tentamenvoorziening*",
        "extra tentamentijd",
        "extra exam time",
        "exam accommodation*",
        "special needs",
    ),
    "racial or ethnic origin": (
        "etnisch*",
        "etniciteit*",
        "ethnic*",
        "ras",
        "rassen",
        "race",
        "races",
        "racial*",
        "huidskleur*",
        "skin colour*",
        "skin color*",
        "migratieachtergrond*",
        "migration background*",
        "migrant background*",
        "allochto*",
        "autochto*",
        "afkomst",
    ),
    "religion or belief": (
        "religie*",
        "religion*",
        "religious*",
        "religieu*",
        "geloof",
        "geloofsovertuiging*",
        "levensovertuiging*",
        "levensbeschouw*",
        "godsdienst*",
        "faith",
        "philosophical belief*",
    ),
    "political opinion": (
        "politieke voorkeur*",
        "politieke opvatting*",
        "politieke overtuiging*",
        "politieke kleur",
        "politieke partij*",
        "partijlidmaatschap*",
        "political opinion*",
        "political view*",
        "political preference*",
        "political belief*",
        "political affiliation*",
        "political part*",
        "party membership",
        "stemgedrag",
        "voting behaviour",
        "voting behavior",
    ),
    "trade union membership": (
        "vakbond*",
        "trade union*",
        "union membership",
        "labour union*",
        "labor union*",
    ),
    "genetic data": (
        "genetisch*",
        "genetic",
        "genetic data",
        "genetic information",
        "genetic test*",
        "dna",
        "genoom*",
        "genome*",
    ),
    "biometric data": (
        "biometri*",
        "vingerafdruk*",
        "fingerprint*",
        "gezichtsherkenning*",
        "face recognition",
        "facial recognition",
        "facial image*",
        "facial feature*",
        "gezichtsopname*",
        "gezichtskenmerk*",
        "irisscan*",
        "iris scan*",
        "voice print*",
        "stemafdruk*",
        "stemherkenning*",
    ),
    "sex life or sexual orientation": (
        "seksuele geaardheid",
        "seksuele orientatie",
        "sexual orientation",
        "sex life",
        "seksleven",
        "seksueel gedrag",
        "sexual behaviour",
        "sexual behavior",
        "geaardheid",
        "lhbt*",
        "lgbt*",
        "seksualiteit",
        "sexuality",
    ),
    "criminal data (art. 10)": (
        "strafrecht*",
        "strafblad*",
        "criminal*",
        "crimineel*",
        "criminele*",
        "justitiele gegevens",
        "veroordeling*",
        "conviction*",
        "verklaring omtrent het gedrag",
        "verklaring omtrent gedrag",
        "politiegegevens",
        "police record*",
        "strafbare feit*",
    ),
    "special category data": (
        "bijzondere persoonsgegevens",
        "bijzondere gegevens",
        "special category*",
        "special categories",
    ),
}

SENSITIVE_TERMS: dict[str, tuple[str, ...]] = {
    "national identification number (BSN)": (
        "bsn",
        "bsn-nummer*",
        "burgerservicenummer*",
        "sofinummer*",
        "sofi-nummer*",
        "social security number*",
        "citizen service number*",
        "national insurance number*",
        "national id number*",
    ),
    "identity documents": (
        "paspoort*",
        "passport*",
        "identiteitsbewijs*",
        "identiteitskaart*",
        "id-kaart*",
        "id card*",
        "identity document*",
        "kopie id",
    ),
    "financial data": (
        "financie*",
        "financial*",
        "inkomen*",
        "income*",
        "salaris*",
        "salary*",
        "salaries",
        "loon",
        "schuld",
        "schulden*",
        "debt*",
        "studieschuld*",
        "studiefinanciering*",
        "student finance*",
        "student loan*",
        "duo-lening*",
        "bankrekening*",
        "bank account*",
        "rekeningnummer*",
        "iban",
        "creditcard*",
        "credit card*",
        "sociaaleconomische status",
        "sociaal-economische status",
        "socio-economic status",
        "socioeconomic status",
        "sociaaleconomisch*",
        "sociaal-economisch*",
        "socio-economic*",
        "socioeconomic*",
    ),
    "credentials": ("wachtwoord*", "password*", "inloggegevens", "login credentials"),
    "location data": ("locatiegegevens*", "location data", "gps*", "geolocat*"),
    "sensitive personal data": (
        "gevoelige persoonsgegevens",
        "gevoelige gegevens",
        "sensitive data",
        "sensitive personal data",
    ),
}

# Course, programme and method names that contain a term but are not about a person.
_NOT_PERSONAL = (
    "health sciences",
    "gezondheidswetenschap*",
    "public health",
    "global health",
    "medical biology",
    "medische biologie",
    "political science*",
    "politicologie",
    "religious studies",
    "religiewetenschap*",
    "genetic algorithm*",
    "genetische algoritme*",
    "financial accounting",
    "financial economics",
    "race condition*",
    "medical student*",
    "medical school",
    "medical education",
    "medical faculty",
    "medische faculteit",
    "medische opleiding",
    "medische studenten",
    "student id*",
    "studentenpas*",
    "campus card*",
    "diagnostic*",
    "diagnostisch*",
)

_NEGATORS = {
    "no",
    "not",
    "geen",
    "niet",
    "zonder",
    "without",
    "never",
    "nooit",
    "none",
    "nor",
    "noch",
    "isn't",
    "aren't",
    "don't",
    "doesn't",
    "won't",
    "nothing",
    "niets",
}


@lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Lower case, accents folded to ASCII, whitespace collapsed: the form all term lists match on."""
    text = text.lower().replace("’", "'")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.split())


def _alternation(terms: Iterable[str]) -> str:
    parts = []
    for term in terms:
        t = normalize(term)
        parts.append(re.escape(t[:-1]) + r"[\w-]*" if t.endswith("*") else re.escape(t) + r"(?![\w])")
    return "|".join(sorted(parts, key=len, reverse=True))


def _pattern(terms: Iterable[str]) -> re.Pattern:
    """Terms at a word start: 'term*' is a prefix (the whole word is matched), others whole words."""
    return re.compile(r"(?<![\w])(?:" + _alternation(terms) + ")")


def _combined(tables: dict[str, dict[str, tuple[str, ...]]]) -> tuple[re.Pattern, list[tuple[str, str]]]:
    """One regex over all groups (one pass per text); `lastgroup` g<N> names (category, group)."""
    names: list[tuple[str, str]] = []
    alternatives = []
    for category, table in tables.items():
        for group, terms in table.items():
            alternatives.append(f"(?P<g{len(names)}>{_alternation(terms)})")
            names.append((category, group))
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + ")"), names


_CATEGORY_RE, _CATEGORY_GROUPS = _combined({"special": SPECIAL_TERMS, "sensitive": SENSITIVE_TERMS})
_NOT_PERSONAL_RE = _pattern(_NOT_PERSONAL)


def is_negated(norm: str, start: int) -> bool:
    """A negation word among the four words before `start` in the same sentence or clause."""
    before = re.split(r"[.!?;:\n]", norm[max(0, start - 60) : start])[-1]
    return any(w in _NEGATORS for w in re.findall(r"[\w']+", before)[-4:])


@dataclass(frozen=True)
class TermHit:
    """A special- or sensitive-category term found in a text."""

    category: Literal["special", "sensitive"]
    group: str
    term: str
    start: int
    end: int


def find_category_terms(text: str, *, negation: bool = True) -> list[TermHit]:
    """Special (GDPR art. 9/10) and sensitive terms in `text`, in text order; negated mentions skipped."""
    norm = _NOT_PERSONAL_RE.sub(lambda m: " " * len(m.group(0)), normalize(text))
    hits: list[TermHit] = []
    for m in _CATEGORY_RE.finditer(norm):
        if negation and is_negated(norm, m.start()):
            continue
        category, group = _CATEGORY_GROUPS[int(m.lastgroup[1:])]
        hits.append(TermHit(category, group, m.group(0), m.start(), m.end()))
    hits.sort(key=lambda h: (h.start, h.category != "special"))
    return hits


def classify_data_name(text: str) -> TermHit | None:
    """The strongest category term in a data item's name or source (special before sensitive)."""
    hits = find_category_terms(text)
    return next((h for h in hits if h.category == "special"), hits[0] if hits else None)


# =========================================================================== AI detection

_STRONG_AI = _pattern(
    (
        "machine learning",
        "machine-learning*",
        "machinelearning*",
        "deep learning",
        "deep-learning*",
        "artificial intelligence",
        "kunstmatige intelligentie",
        "neural*",
        "neuraal*",
        "neurale*",
        "classifier*",
        "classificatiemodel*",
        "classificatie-algoritme*",
        "voorspellend model*",
        "voorspellende model*",
        "voorspelmodel*",
        "predictive model*",
        "prediction model*",
        "predictive analytics",
        "voorspellende analyse*",
        "random forest*",
        "decision tree*",
        "beslisbo*",
        "gradient boost*",
        "xgboost",
        "support vector*",
        "llm",
        "llms",
        "large language model*",
        "taalmodel*",
        "language model*",
        "chatgpt",
        "gpt*",
        "chatbot*",
        "generative ai",
        "generatieve ai",
        "algoritme*",
        "algorithm*",
        "zelflerend*",
        "emotieherkenning*",
        "emotion recognition",
        "emotion detection",
        "gezichtsherkenning*",
        "facial recognition",
        "self-learning",
        "clustering",
        "clusteranalyse*",
    )
)
_AI_WORD = re.compile(
    r"(?<![\w])(?:ai|a\.i\.)(?![\w])(?![\s-]*(?:officer|act|verordening|beleid|policy|-?functionaris))"
)
_WEAK_AI = _pattern(
    (
        "model",
        "models",
        "modellen",
        "predict*",
        "voorspel*",
        "prognos*",
        "forecast*",
        "risicoscore*",
        "risk score*",
        "risk model*",
        "risicomodel*",
        "early warning*",
        "vroegsignal*",
        "regressi*",
        "probability",
        "waarschijnlijkheid*",
        "likelihood",
        "kans op",
    )
)
_NOT_USED_AFTER = re.compile(
    r"^\W*(?:[\w']+\W+){0,3}(?:niet|not|never|nooit)\W+(?:[\w']+\W+)?"
    r"(?:gebruikt|ingezet|toegepast|used|applied|involved)"
)


def _ai_terms(norm: str, weak: bool) -> list[str]:
    found = []
    patterns = [_STRONG_AI, _AI_WORD] + ([_WEAK_AI] if weak else [])
    for pattern in patterns:
        for m in pattern.finditer(norm):
            if is_negated(norm, m.start()) or _NOT_USED_AFTER.match(norm[m.end() : m.end() + 60]):
                continue
            found.append(m.group(0))
    return found


def describes_ai(text: str, areas: Iterable[str] = ()) -> list[str]:
    """AI terms in `text`; in an area-4 project a predictive model ('model', 'voorspel') counts too."""
    return _ai_terms(normalize(text), weak=any(a.startswith("4") for a in areas))


# =========================================================================== helpers

_PLACEHOLDER = re.compile(
    r"^(?:tbd|tbc|todo|to ?do|nvt|n ?v ?t|n ?a|nb|onbekend|unknown|volgt|volgt later|later|pm|p ?m|none|geen|"
    r"nothing|niets|nee|no|yes|ja|xxx+|idem|zie boven|see above|lorem ipsum|nog niet bekend|nog onbekend|"
    r"(?:nog |nader )?te bepalen|to be (?:determined|decided|confirmed|defined)|not (?:yet )?known|"
    r"not applicable|niet van toepassing|n/a|nog in te vullen|in te vullen|to be filled in)$"
)


_PUNCT = re.compile(r"[^\w/ ]+")
_NON_WORD = re.compile(r"\W")


def is_blank(text: str | None) -> bool:
    """Empty, punctuation only, or a placeholder such as 'TBD', 'n.v.t.', 'nog te bepalen'."""
    if not text:
        return True
    core = " ".join(_PUNCT.sub(" ", normalize(text)).split())
    return len(_NON_WORD.sub("", core)) < 3 or bool(_PLACEHOLDER.match(core))

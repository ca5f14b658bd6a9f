"""Labelled term lists of the drafter (`assistant/data/drafting-items.yaml`) and the data items they give.

A labelled list is a lexicon term group (`assistant.lexicon.TermGroup`, with its `source`) plus the
Dutch and English label the drafter writes into the draft when one of its terms occurs: a data item
(and the kind of system it comes from), a security measure, or a stakeholder role's name.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assistant.lexicon import TermGroup, compile_terms, load_data_file, load_lexicon
from assistant.proposal import DataItem
from assistant.terms import describes_ai, find_category_terms, is_negated
from assistant.text import fold

__all__ = [
    "Labelled",
    "DataItemTerms",
    "Systems",
    "RoleNames",
    "DraftingItems",
    "load_items",
    "data_items",
    "listed_data",
    "security_measures",
    "stakeholder_name",
]


class Labelled(TermGroup):
    """A term group with the label it puts in a draft, in Dutch and English."""

    name_nl: str
    name_en: str

    def name(self, lang: str) -> str:
        """The label in `lang` ('nl' or 'en'; anything else gives English)."""
        return self.name_nl if lang == "nl" else self.name_en


class DataItemTerms(Labelled):
    """A kind of general personal data, found by its terms."""

    system: Literal["lms", "sis", "survey", ""] = ""
    """Where it comes from: the learning environment ('lms'), the student information system ('sis'),
    a survey tool ('survey'), or not said; the item's source is then the system of that kind the text
    names, if any."""


class Systems(BaseModel):
    """Names of the systems data items come from, per kind; an item takes the one named in its own
    sentence, else the first one the text names."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lms: TermGroup
    """Learning environments and assessment platforms (Brightspace, ...)."""
    sis: TermGroup
    """The student information system (OSIRIS, ...)."""
    survey: TermGroup
    """Survey and questionnaire tools (Qualtrics, ...)."""
    names: dict[str, str] = {}
    """How a system is written in a draft, by its folded name ('osiris' -> 'OSIRIS'); others are
    capitalised."""
    generic: frozenset[str] = frozenset()
    """Folded terms that name a kind of system, not one ('learning management system', 'leeromgeving'):
    a named system of the same kind in the text is the source ('the learning management system ... two
    years of Canvas data' gives Canvas)."""


class RoleNames(BaseModel):
    """A stakeholder role's name in a draft."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name_nl: str
    name_en: str


class DraftingItems(BaseModel):
    """The file `assistant/data/drafting-items.yaml`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str
    systems: Systems
    data_items: tuple[DataItemTerms, ...]
    security_measures: tuple[Labelled, ...]
    stakeholders: dict[str, RoleNames]
    """Keyed by the roles of `assistant.drafting.cues.ROLES`."""


@cache
def load_items() -> DraftingItems:
    """The labelled lists, validated; raises `ConfigError` naming the file when it is missing or invalid."""
    path = resources.files("assistant") / "data" / "drafting-items.yaml"
    return load_data_file(path, DraftingItems, "the drafter's item file")


_KINDS = ("lms", "sis", "survey")


@cache
def _patterns(kind: Literal["systems", "data", "security"]) -> tuple[re.Pattern, ...]:
    items = load_items()
    groups = {
        "systems": tuple(getattr(items.systems, k) for k in _KINDS),
        "data": items.data_items,
        "security": items.security_measures,
    }
    return tuple(compile_terms(g.terms) for g in groups[kind])


def _system_name(folded_name: str) -> str:
    names = load_items().systems.names
    return names.get(folded_name) or folded_name[:1].upper() + folded_name[1:]


def _known_name(name: str) -> str:
    """A system's name as a draft writes it when the item list knows it ('Osiris' -> 'OSIRIS'), else as given."""
    return load_items().systems.names.get(fold(name), name)


def _systems_in(folded: str) -> dict[str, str]:
    """Per kind of system, the first one `folded` text names by its name, else the first generic term
    of the kind ('the LMS'), as written in a draft."""
    generic = load_items().systems.generic
    out = {}
    for kind, pattern in zip(_KINDS, _patterns("systems"), strict=True):
        found = [m.group(0) for m in pattern.finditer(folded)]
        if found:
            out[kind] = _system_name(next((f for f in found if f not in generic), found[0]))
    return out


# A tool the item list does not know, named after 'in', 'from', 'via' ...: a word with a capital inside
# it or an acronym of four letters or more ('CTools', 'RiPPLE', 'edX', 'CloudDeakin', 'SRES'), so that
# course names, months and places ('in Statistics', 'in September') are not taken for one.
_NAMED_TOOL = re.compile(
    r"(?:^|\s)(?:in|from|uit|via|through|op|on|within|binnen|using|met|with)\s+(?:the\s+|de\s+|het\s+)?"
    r"((?:[A-Za-z][a-z]+[A-Z][\w-]*|[A-Z]{2,}[a-z][\w-]*|[a-z]{1,3}[A-Z]{2,}[\w-]*|[A-Z]{4,}[\w-]*"
    r"|[A-Z][a-z]*\d[\w-]*))"  # or a name with a digit ('uit Tk20')
)
# A name right before what is exported from it ('OpenAthens access logs', 'Canvas data', 'Möbius-pogingen',
# 'statistieken uit Panopto' is the pattern above): a capitalised word not at a sentence's start (where a
# common word is capitalised too), then a data noun.
_EXPORT_NOUN = (
    r"(?:logs?|logfiles?|logbestanden|data|dataset|export|exports|gegevens|statistieken|statistics|records|"
    r"clickstream|pogingen|attempts|analytics"
)
_TOOL_BEFORE_DATA = re.compile(
    r"(?<=[\w,;:)] )((?:[^\W\d_][\w]*[A-Z0-9][\w]*|[A-Z][^\W\d_]+))[- ](?:access |usage |gebruiks)?"
    rf"{_EXPORT_NOUN})\b"
)
_NOT_TOOLS = frozenset({"GDPR", "DPIA", "FETC", "ECTS", "MOOC", "MOOCS", "STEM", "HBO", "WO", "BSA"})
# a capitalised word that names an institution, a people or a language, not a system ('data from Leeds
# Beckett University', 'Dutch data'), checked in the name and the word after it
_NOT_TOOL_WORDS = frozenset(
    "university universiteit universities college school institute instituut hogeschool faculty faculteit "
    "department afdeling dutch english nederlandse nederlands engels engelse european europese student "
    "students studenten".split()
)


# What is taken from a named system or tool, in the text's own words: a data noun, then 'uit' / 'from' and
# a capitalised name ('statistieken uit Panopto', 'access logs from OpenAthens'), or the name right before
# the data noun (`_TOOL_BEFORE_DATA`: 'OpenAthens access logs', 'Möbius-pogingen').
_DATA_NOUN = _EXPORT_NOUN + "|scores|resultaten|results)"
_DATA_FROM_TOOL = re.compile(
    rf"\b{_DATA_NOUN}\s+(?:uit|from)\s+(?:the\s+|de\s+|het\s+|their\s+|our\s+|onze\s+|hun\s+)?"
    r"([A-Z][\w]*(?:[- ][A-Z][\w]*)?)"
)


def _tool_phrases(sentence: str) -> list[tuple[str, str]]:
    """(name, phrase) for each system or tool `sentence` names together with what is taken from it: the
    phrase in the text's own words ('statistieken uit Panopto', 'OpenAthens access logs'), the name as
    written; not a name in `_NOT_TOOLS`."""
    out = []
    for pattern in (_DATA_FROM_TOOL, _TOOL_BEFORE_DATA):
        for m in pattern.finditer(sentence):
            name = m.group(1).rstrip("-")
            words = set(fold(name).split()) | set(fold(sentence[m.end() : m.end() + 12]).split()[:1])
            if name.upper() not in _NOT_TOOLS and not words & _NOT_TOOL_WORDS:
                out.append((name, m.group(0).strip()))
    return out


def named_tool(sentence: str) -> str:
    """A tool's name in `sentence` that the item list does not know (`_NAMED_TOOL`: after 'in', 'from',
    'via' ...), or ''. A name right before what is exported from it ('OpenAthens access logs') is not the
    source of the sentence's other items: that phrase is an item of its own (`_tool_phrases`)."""
    for m in _NAMED_TOOL.finditer(sentence):
        if m.group(1).upper() not in _NOT_TOOLS:
            return m.group(1).rstrip("-")
    return ""


def data_items(
    text: str, lang: str, sentences: list[tuple[int, int]] | None = None
) -> list[tuple[DataItem, int]]:
    """The data items `text` mentions, labelled in `lang`, each with the index of the sentence (of
    `sentences`, spans into `text`; default the whole text as one) that first names it.

    The general items of the item list come first (in list order), each named in the text's own words
    with the item's kind after them ('swipes at the library gates (Attendance)': `own_words`) when the
    text says more than the matched term; an item's source is the system of
    its kind named in that same sentence, else the first one the text names, else a tool the list does
    not know named in that sentence (`named_tool`: 'uit CTools', 'in RiPPLE'), else in any sentence (a
    project that names one platform gets its data from it: 'we built BookRoll ... the reading logs').
    Then each special or
    sensitive term that `assistant.terms.find_category_terms` finds (not negated), once, with its
    category and no source."""
    sentences = sentences or [(0, len(text))]
    folded_parts = [fold(text[a:b]) for a, b in sentences]
    anywhere = _systems_in(fold(text))
    tool_anywhere = next((t for a, b in sentences if (t := named_tool(text[a:b]))), "")
    items: list[tuple[DataItem, int]] = []
    for item, pattern in zip(load_items().data_items, _patterns("data"), strict=True):
        where = next((n for n, part in enumerate(folded_parts) if pattern.search(part)), None)
        if where is None:
            continue
        a, b = sentences[where]
        source = (
            _systems_in(folded_parts[where]).get(item.system)
            or anywhere.get(item.system, "")
            or named_tool(text[a:b])
            or tool_anywhere
        )
        match = pattern.search(folded_parts[where])
        system = match is not None and any(p.fullmatch(match.group(0)) for p in _patterns("systems"))
        own = own_words(text[a:b], match.group(0)) if match and not system else ""  # 'Moodle' is a source
        name = f"{own} ({_KIND_ONLY.sub('', item.name(lang))})" if own else item.name(lang)
        items.append((DataItem(name=name, category="general", source=source), where))
    named = [fold(item.name) for item, _ in items]
    for n, (a, b) in enumerate(sentences):
        for member in listed_data(text[a:b]):
            words = set(_TOKEN.findall(fold(member)))
            if any(words <= set(_TOKEN.findall(known)) for known in named):
                continue  # already an item in the same words
            named.append(fold(member))
            source = _systems_in(folded_parts[n]).get("lms") or named_tool(text[a:b]) or ""
            items.append((DataItem(name=member, category="general", source=source), n))
    # a system or tool named with what is taken from it, whose data no item holds yet: that phrase is an
    # item, in the text's own words, with the tool as its source ('statistieken uit Panopto')
    sourced = {fold(item.source) for item, _ in items if item.source}
    for n, (a, b) in enumerate(sentences):
        for name, phrase in _tool_phrases(text[a:b]):
            if fold(name) not in sourced:
                sourced.add(fold(name))
                items.append((DataItem(name=phrase, category="general", source=_known_name(name)), n))
    seen: set[str] = set()
    for n, (a, b) in enumerate(sentences):
        for hit in find_category_terms(text[a:b]):
            if hit.term not in seen:
                seen.add(hit.term)
                items.append((DataItem(name=hit.term, category=hit.category, source=""), n))
    return items


_TOKEN = re.compile(r"\w[\w'’-]*")
_DRAFTING = load_lexicon("drafting").groups
_DATA_LIST = compile_terms(_DRAFTING["data list"].terms)
_LIST_STOP = compile_terms(_DRAFTING["list stop"].terms)
_NOT_ITEM = compile_terms(_DRAFTING["not a data item"].terms)
_CONJUNCTION = frozenset("en and of or plus".split())
_LIST_LEAD = re.compile(r"\s*(?:" + compile_terms(_DRAFTING["list lead"].terms).pattern + r")\s*")
_LIST_SPLIT = re.compile(r"\s*,\s*|\s+(?:en|and|of|or|plus|&)\s+")
_CLAUSE_MARK = re.compile(r"[.;:!?()\[\]\n]|\s[-–—]\s")
_MEMBER_MAX = 5  # words: a longer member is a clause, not the name of a data item
_MEMBERS_MIN = 2  # a list has at least two members ('A en B'); one noun after 'based on' is often no data


def listed_data(sentence: str) -> list[str]:
    """The members of a data list in `sentence`: after a `data list` word ('op basis van', 'predictors
    would include'), the words up to the clause's end or a `list stop` word ('die', 'to', 'with'), split at
    commas and 'en' / 'and' / 'of' / 'or'; each member without its leading determiners, 1-5 words, not a
    system's name or an AI technique; a member with a `not a data item` word ('we', 'is', 'geen') starts
    a clause and ends the list. [] when the list has fewer than two members or a member is longer (a clause, not a
    list: no part-of-speech tagger ships offline for Dutch and English, so only clear lists count)."""
    found: list[str] = []
    folded = fold(sentence)
    original = sentence if len(sentence) == len(folded) else None
    for m in _DATA_LIST.finditer(folded):
        rest = folded[m.end() :]
        end = _CLAUSE_MARK.search(rest)
        rest = rest[: end.start()] if end else rest
        stop = next((t for t in _TOKEN.finditer(rest) if _LIST_STOP.fullmatch(t.group(0))), None)
        span = rest[: stop.start()] if stop else rest
        lead = _LIST_LEAD.match(span)
        span = span[lead.end() :] if lead else span
        start = m.end()
        members = []
        for part in _LIST_SPLIT.split(span.strip()):
            words = [w for w in part.split() if w]
            if words and words[0] in _CONJUNCTION:  # ', and ...': the last member, or a clause
                words = words[1:]
            while words and words[0] in _DETERMINERS:
                words = words[1:]
            if any(_NOT_ITEM.fullmatch(w) for w in words):
                break  # a clause starts here: the list ended before it
            if not words or len(words) > _MEMBER_MAX:
                members = []
                break
            members.append(" ".join(words))
        if len(members) < _MEMBERS_MIN:
            continue
        for member in members:
            at = folded.find(member, start)
            text = original[at : at + len(member)] if original and at >= 0 else member
            if not any(p.fullmatch(fold(text)) for p in _patterns("systems")) and not describes_ai(text):
                found.append(text)  # a system's name is a source, a technique ('neurale netwerken') no data
    return list(dict.fromkeys(found))


_PHRASE_BREAK = re.compile(r"[,;:()\[\]/?!.\n]|\s[-–—]\s")
_LINKS = frozenset(
    "en and or maar but zodat so die dat which that who wie waarmee waarin where wanneer when als if om to te "
    "we wij ze they zij je you is are zijn wordt worden was were had has have heeft hebben kan can will zal "
    "wil wants moet must should krijgt krijgen gets get niet not geen no".split()
)
_DETERMINERS = frozenset("the a an their its our de het een hun haar ons onze elke each every per".split())
_PREPOSITIONS = frozenset("at in on of from for to per van voor uit op bij aan over met with".split())
_KIND_ONLY = re.compile(r"\s*\([^()]*\)\s*$")  # 'Cijfers (tentamens en toetsen)' -> 'Cijfers'
_OWN_MAX = 7  # words: longer is a clause, not the name of a data item


def own_words(sentence: str, matched: str) -> str:
    """The words of `sentence` that name the data item whose term `matched` (folded) was found in it: the
    term with what follows it up to a break (comma, bracket, ...) or a linking word ('en', 'and', 'which',
    'we', 'is', 'had'), and before it only determiners ('the library gates' in 'daily data (swipes at the
    library gates, logins to the VLE)'; 'the grades of the first block'; not a capitalised name), at most `_OWN_MAX` words (trailing prepositional phrases dropped to fit). '' when that is
    the term alone or cannot be cut to fit: no part-of-speech
    tagger is used (none ships offline for Dutch and English), so a verb is kept out by stopping there."""
    tokens = [(m.start(), m.end(), fold(m.group(0))) for m in _TOKEN.finditer(sentence)]
    words = matched.split()
    if not words:
        return ""
    at = next((i for i, t in enumerate(tokens) if t[2] == words[0] or t[2].startswith(words[0])), None)
    if at is None:
        return ""

    def joined(i: int) -> bool:  # no break between token i and token i + 1
        return not _PHRASE_BREAK.search(sentence[tokens[i][1] : tokens[i + 1][0]])

    lo = at
    while lo > 0 and joined(lo - 1) and tokens[lo - 1][2] in _DETERMINERS:
        lo -= 1
    hi = min(at + len(words) - 1, len(tokens) - 1)
    while hi + 1 < len(tokens) and joined(hi) and tokens[hi + 1][2] not in _LINKS:
        hi += 1
    while hi - lo + 1 > _OWN_MAX:  # too long: drop the last prepositional phrase ('... in Brightspace')
        cut = [i for i in range(at + len(words), hi + 1) if tokens[i][2] in _PREPOSITIONS]
        if not cut:
            return ""
        hi = cut[-1] - 1
    if sum(t[2] not in _DETERMINERS for t in tokens[lo : hi + 1]) <= len(words):
        return ""  # 'de cijfers': the term itself
    if all(sentence[t[0]].isupper() for t in tokens[lo : hi + 1]):
        return ""  # 'Engagement System': a name, not a data item
    return sentence[tokens[lo][0] : tokens[hi][1]].strip()


def security_measures(folded: str, lang: str) -> list[str]:
    """The security measures a `fold`ed text states (a negated mention does not count), labelled in `lang`."""
    return [
        measure.name(lang)
        for measure, pattern in zip(load_items().security_measures, _patterns("security"), strict=True)
        if (m := pattern.search(folded)) and not is_negated(folded, m.start())
    ]


def stakeholder_name(role: str, lang: str) -> str:
    """How a draft names `role` (one of `assistant.drafting.cues.ROLES`) in `lang`."""
    names = load_items().stakeholders[role]
    return names.name_nl if lang == "nl" else names.name_en

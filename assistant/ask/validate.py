"""Validation of an LLM answer against the passages it was given (instructor's citation checking).

An answer is trusted only when every marker points at a given passage, every sentence that states
something carries a marker, every quote occurs word for word in the cited passage, every fact of a
cited sentence occurs in the passages that sentence cites, and the answer is written in the question's
language. Facts are numbers (digits or number words, Dutch and English: "tien jaar" is "10 jaar"),
durations (a number with a unit of time), dates and month names, and named roles (the AI-officer, the
ethics committee, the privacy officer, ...); their words are in `assistant/data/lexicons/facts.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from assistant.corpus import Passage
from assistant.language import text_language
from assistant.lexicon import Matcher, load_lexicon
from assistant.text import MARKER, fold, split_sentences

__all__ = ["validate_llm_answer", "unsupported_facts", "facts_of", "quotes_for", "QUOTE"]

QUOTE = re.compile(r"[\"“„«]([^\"”“„«»]{12,})[\"”»]")
"""A quoted stretch of an answer (12 characters or more): it must occur verbatim in a cited passage."""
_ANY_QUOTE = re.compile(r"[\"“„«][^\"”“„«»]*[\"”»]")
_SPLIT = re.compile(r"(?<=[.!?])\s+(?!\[)|\n+")
_DATE_DMY = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?!\d)")
_DATE_YMD = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_NUMBER = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)*")
_LANGUAGE_NAMES = {
    "nl": "Dutch",
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
}


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


@cache
def _lexicon() -> dict[str, tuple[str, ...]]:
    return {name: g.terms for name, g in load_lexicon("facts").groups.items()}


@cache
def _matchers() -> tuple[Matcher, Matcher, re.Pattern, dict[str, int]]:
    """(number words, other facts), the compound-number pattern and the value of every number word."""
    groups = _lexicon()
    numbers = {n: t for n, t in groups.items() if n.startswith("number:") and not n.endswith("compounds")}
    others = {n: t for n, t in groups.items() if n.startswith(("unit:", "month:", "role:"))}
    value = {
        fold(t): int(n.split(":")[1].split()[0])
        for n, terms in groups.items()
        if n.startswith("number:")
        for t in terms
        if " " not in t
    }
    units = "|".join(re.escape(w) for w, v in value.items() if 1 <= v <= 9)
    tens = "|".join(re.escape(w) for w, v in value.items() if v in range(20, 100, 10))
    # "eenentwintig", "vijfentwintig" (Dutch: unit + en + tens); "twenty-five", "twenty five" (English)
    compound = re.compile(
        rf"(?<!\w)(?:(?P<u1>{units})en(?P<t1>{tens})|(?P<t2>{tens})[- ](?P<u2>{units}))(?!\w)"
    )
    return Matcher(numbers), Matcher(others), compound, value


def _canonical_number(token: str) -> str:
    """'10.000' and '10,000' -> '10000'; '2,5' -> '2.5'; '08' -> '8'; '3.2' stays '3.2'."""
    parts = re.split(r"[.,]", token)
    if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]) and len(parts[0]) <= 3:
        return str(int("".join(parts)))
    if len(parts) == 2:
        return f"{int(parts[0])}.{parts[1]}"
    return ".".join(str(int(p)) for p in parts)


def facts_of(text: str) -> set[str]:
    """The facts stated in `text`: numbers ('10'), durations ('10 unit:year'), months ('month:8'), roles
    ('role:ai officer'). Number words count as their digits; a date counts as its day, month and year."""
    numbers, others, compound, value = _matchers()
    folded = MARKER.sub(" ", fold(text))
    facts: set[str] = set()

    def date(day: str, month: str, year: str) -> str:
        facts.add(f"month:{int(month)}")
        return f" {int(day)} {year} "

    folded = _DATE_YMD.sub(lambda m: date(m.group(3), m.group(2), m.group(1)), folded)
    folded = _DATE_DMY.sub(lambda m: date(m.group(1), m.group(2), m.group(3)), folded)
    folded = compound.sub(
        lambda m: str(value[m.group("t1") or m.group("t2")] + value[m.group("u1") or m.group("u2")]), folded
    )
    pieces, last = [], 0
    for m in numbers.finditer(folded):
        pieces += [folded[last : m.start], m.group.split(":")[1]]
        last = m.end
    folded = "".join(pieces) + folded[last:]
    units = {m.start: m.group for m in others.finditer(folded) if m.group.startswith("unit:")}
    for m in others.finditer(folded):
        if not m.group.startswith("unit:"):
            facts.add(m.group)
    for m in _NUMBER.finditer(folded):
        n = _canonical_number(m.group())
        facts.add(n)
        after = m.end() + (1 if folded[m.end() : m.end() + 1] == " " else 0)
        if after in units:
            facts.add(f"{n} {units[after]}")
    return facts


def _passage_text(p: Passage) -> str:
    """What a citation of `p` may rest on: its text, section path and title (and an English rendering
    when the passage carries one)."""
    return " \n".join(x for x in (p.text, p.section, p.title, getattr(p, "translation", "") or "") if x)


def unsupported_facts(sentence: str, passages: Iterable[Passage]) -> list[str]:
    """The facts of `sentence` that none of `passages` states, in a readable form ('10 year', 'AI
    officer'); empty when all are there."""
    supported: set[str] = set()
    for p in passages:
        supported |= facts_of(_passage_text(p))
    return [_readable(f) for f in sorted(facts_of(sentence) - supported)]


def _readable(fact: str) -> str:
    """'10 unit:year' -> '10 year', 'month:8' -> 'month 8', 'role:ai officer' -> 'ai officer'."""
    if fact.startswith("role:"):
        return fact.removeprefix("role:")
    return fact.replace("unit:", "").replace("month:", "month ")


def _language_error(text: str, language: str) -> str | None:
    prose = _ANY_QUOTE.sub(" ", MARKER.sub(" ", text))  # quotes of the (Dutch) policy do not count
    found = text_language(prose)
    if found is None or found == language:
        return None
    want, got = _LANGUAGE_NAMES.get(language, language), _LANGUAGE_NAMES.get(found, found)
    return f"the answer is written in {got}, the question in {want}: answer in {want}"


def validate_llm_answer(text: str, passages: list[Passage], language: str | None = None) -> list[str]:
    """Reasons an LLM answer cannot be trusted (empty list = trusted): no or bad markers, a sentence
    without a marker, an invented quote, a fact (number, duration, date, role) its cited passages do
    not state, or an answer not in `language` (the question's 'nl' / 'en'; None skips that check).
    Each reason is written for the model's retry prompt."""
    errors = []
    markers = [int(n) for n in MARKER.findall(text)]
    if not markers:
        errors.append("the answer cites no passage")
    bad = sorted({n for n in markers if not 1 <= n <= len(passages)})
    if bad:
        errors.append(f"markers {bad} point at no given passage (valid: 1-{len(passages)})")
    for sentence in (s.strip() for s in _SPLIT.split(text)):
        words = re.findall(r"\w+", MARKER.sub("", sentence))
        if len(words) >= 6 and not MARKER.search(sentence) and not sentence.endswith(":"):
            errors.append(f"sentence without a citation marker: '{sentence[:80]}'")
        cited = sorted({int(n) for n in MARKER.findall(sentence) if 1 <= int(n) <= len(passages)})
        sources = [passages[n - 1] for n in cited] if cited else passages
        for quote in QUOTE.findall(sentence):
            if not any(_norm(quote) in _norm(p.text) for p in sources):
                errors.append(f"quoted text not found in the cited passage: '{quote[:60]}'")
        missing = unsupported_facts(sentence, sources)
        if missing:
            where = f"passage {', '.join(f'[{n}]' for n in cited)}" if cited else "any given passage"
            errors.append(
                f"{', '.join(repr(m) for m in missing)} in '{sentence[:80]}' is not stated in {where}; "
                "state only what the cited passage says"
            )
    if language:
        problem = _language_error(text, language)
        if problem:
            errors.append(problem)
    return errors


def quotes_for(text: str, n: int, passage: Passage) -> list[str]:
    """The passage sentence(s) an LLM answer relies on for marker [n]: its quotes, else best overlap."""
    quoted = [q for q in QUOTE.findall(text) if _norm(q) in _norm(passage.text)]
    if quoted:
        return quoted
    citing = " ".join(s for s in _SPLIT.split(text) if f"[{n}]" in s)
    words = {w[:6] for w in re.findall(r"\w{4,}", citing.lower())}
    best, best_score = passage.text, -1.0
    for a, b in split_sentences(passage.text):
        sentence = passage.text[a:b]
        score = len(words & {w[:6] for w in re.findall(r"\w{4,}", sentence.lower())})
        if score > best_score:
            best, best_score = sentence, score
    return [best]

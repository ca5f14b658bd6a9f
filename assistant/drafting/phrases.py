"""Phrases of the skeleton taken from the description's own words: title, purposes, who sees what.

Each function reads the sentences of `areas.sentence_spans` (spans into the text, folded for
matching) and returns verbatim pieces of the text with the span they come from, so the draft can show
its evidence. Matching is on folded text; a folded sentence that has the length of its original is
sliced at the same offsets (otherwise the folded piece is used, which differs only in case and accents).
"""

from __future__ import annotations

import re

from assistant.drafting.areas import Sentence
from assistant.drafting.cues import (
    ARTIFACT,
    PERCEIVE_NOUNS,
    PROJECT_NAME,
    PURPOSE_LEAD,
    PURPOSE_MARKER,
    TITLE_STOP,
    WANTED,
    links,
    purpose_clauses,
)
from assistant.text import fold

__all__ = ["Phrase", "title_of", "purposes_of", "seen_by"]

Phrase = tuple[str, tuple[int, int]]
"""A piece of the description and its span (start, end offsets into the text)."""

_TITLE_WORDS = 9  # a title longer than this is a sentence
_TITLE_CHARS = 70
# a quoted name: the quote opens after a space or bracket and closes before one (or punctuation), so
# the apostrophes of "I'd ... haven't" do not quote what lies between them
_QUOTED = re.compile(r"(?:^|(?<=[\s(\[]))[‘'\"“]([^‘’'\"“”]{3,60})[’'\"”](?=$|[\s.,;:!?)\]])")
_CLAUSE_END = re.compile(r"[,;:()]|\s[-–]\s")
# function words a title does not start or end with ('a dashboard for' -> 'dashboard')
_EDGE = re.compile(
    r"^(?:a|an|the|een|de|het|hun|their|our|onze|of|for|to|with|and|or|in|on|at|by|van|voor|met|en|of|"
    r"op|in|aan|om|te|die|dat|that|which|who|where|waar|waarin|waarop|die|zodat|so)$"
)


def _piece(text: str, s: Sentence, a: int, b: int) -> Phrase:
    """The original text of folded offsets a..b of sentence `s`, with its span in the whole text."""
    original = text[s.start : s.end]
    if len(original) == len(s.folded):
        return original[a:b], (s.start + a, s.start + b)
    return s.folded[a:b], (s.start, s.end)


_ARTICLE = re.compile(r"^(?:a|an|the|een|de|het)$")
# a purpose that points back in its first words ('invite them', 'die studenten') names a step, not the project
_BACK_REFERENCE = re.compile(r"them|they|it|he|she|this|that|these|those|ze|zij|hij|die|dat|deze|dit|hen")
_PARTICLES = frozenset(
    "aan op in uit af mee door over terug toe voor na bij om weg vast samen bij elkaar".split()
)  # Dutch separable-verb particles: 'aan te passen' is 'aanpassen'
_TE = re.compile(r"(?i)(?:^\s*te\s+|\s+te\s+(?=\S+\s*$))")  # Dutch 'te' first or before the last verb
_PREPOSITION = re.compile(
    r"(?:voor|van|met|per|over|bij|op|in|for|of|with|per|about|on|in|from|uit|across|within|binnen)"
)


def _trim(words: list[str]) -> list[str]:
    while words and _EDGE.match(fold(words[0]).strip(",.;:")):
        words = words[1:]
    while words and _EDGE.match(fold(words[-1]).strip(",.;:")):
        words = words[:-1]
    return words


def _cap(phrase: str) -> str:
    """`phrase` without surrounding punctuation (a '...' of a cut stays), its first letter upper case."""
    cut = phrase.endswith("...")
    phrase = phrase.strip(" ,.;:") + ("..." if cut else "")
    return phrase[:1].upper() + phrase[1:]


def title_of(text: str, spans: list[Sentence], purposes: list[Phrase] | None = None) -> Phrase:
    """A short title in the project's own words, tried in this order: a short first line (a heading);
    a quoted name or the words after 'called' / 'genaamd' in the first two sentences; what the project
    builds (a dashboard, overview, portfolio ...) with the words after it up to the clause's end; the
    first of `purposes` (`purposes_of`) of four to nine words (shorter ones, 'give feedback', say too
    little of the project); the first clause of the first sentence.
    At most nine words and seventy characters."""
    if not spans:
        return "", (0, 0)
    first_line = text.strip().splitlines()[0].strip() if text.strip() else ""
    if (
        "\n" in text.strip()
        and first_line
        and len(first_line.split()) <= _TITLE_WORDS
        and not first_line.endswith((".", "?", "!"))
    ):
        start = text.index(first_line)
        return first_line, (start, start + len(first_line))
    head = spans[:2]
    for s in head:
        original = text[s.start : s.end]
        if m := _QUOTED.search(original):
            return _cap(m.group(1)), (s.start + m.start(1), s.start + m.end(1))
        if m := PROJECT_NAME.search(s.folded):
            words = _CLAUSE_END.split(s.folded[m.end() :].strip(), maxsplit=1)[0].split()[:5]
            if words:
                end = m.end() + 1 + len(" ".join(words))
                phrase, span = _piece(text, s, m.end() + 1, end)
                return _cap(phrase), span
    for s in spans:  # what the project builds, wherever the text first names it
        if m := ARTIFACT.search(s.folded):
            return _head_phrase(text, s, m.start(), m.end())
    for s in head:  # what the text wants to build or bring in: 'we want a tracking system that ...'
        if phrase := _wanted_object(text, s):
            return phrase
    for item, span in purposes or []:  # what the project is for, when that is short enough to name it
        words = _TE.sub(" ", f" {item} ").split()  # 'het programma te herzien' -> 'het programma herzien'
        if len(words) >= 2 and words != item.split() and fold(words[-2]) in _PARTICLES:
            words = [*words[:-2], words[-2] + words[-1]]  # 'aan te passen' -> 'aanpassen'
        points_back = any(_BACK_REFERENCE.fullmatch(fold(w).strip(",.")) for w in words[:3])
        if words and not points_back and 4 <= len(words) <= _TITLE_WORDS:
            title = _cap(" ".join(words))
            if len(title) <= _TITLE_CHARS:
                return title, span
    s = spans[0]
    clause = _CLAUSE_END.split(s.folded, maxsplit=1)[0]
    phrase, span = _piece(text, s, 0, min(len(clause.rstrip(" .!?")), len(s.folded)))
    return _cap(_cut(phrase)), span


_ARTICLE_AFTER = re.compile(r"(?:\s+to\s+\w+)?(?:\s+\w+)?\s+(?:a|an|the|een|de|het|our|ons|onze)\s+(?=\w)")
_OBJECT_WORDS = 5
_NP_STOP = re.compile(r"naar|zoals|such|like|as|als|door|through|across|tot|until|tegen|against|into")


def _wanted_object(text: str, s: Sentence) -> Phrase | None:
    """The noun phrase after a `wanted object` verb and an article in sentence `s` ('We want a student
    performance tracking system that links ...' -> 'Student performance tracking system'), up to a title
    stop word, a preposition or a clause end, five words at most, a trailing verb of the group dropped
    ('een Skill Profiler aanbieden'); None when there is none."""
    for m in WANTED.finditer(s.folded):
        article = _ARTICLE_AFTER.match(s.folded, m.end())
        if not article:
            continue
        words: list[str] = []
        for raw in s.folded[article.end() :].split():
            word = raw.rstrip(",.;:)!?\"'")
            stop = TITLE_STOP.fullmatch(word) or _PREPOSITION.fullmatch(word) or _NP_STOP.fullmatch(word)
            if not word or raw[0] in "(\"'" or stop or len(words) == _OBJECT_WORDS:
                break
            words.append(word)
            if raw[-1:] in ",.;:()!?":
                break
        while len(words) > 1 and WANTED.fullmatch(words[-1]):
            words.pop()
        if words and not _EDGE.match(words[0]):
            start = article.end()
            phrase, span = _piece(text, s, start, start + len(" ".join(words)))
            return _cap(phrase), span
    return None


def _head_phrase(text: str, s: Sentence, start: int, end: int) -> Phrase:
    """The noun phrase around a head word at folded offsets start..end of sentence `s`: up to two words
    before it that are not function words ('prototype web dashboard'), and the words after it up to a
    clause end or a word of `title_stop` ('dashboard | shows ...'), nine words at most."""
    before = s.folded[:start].split()
    kept = 0
    while kept < 2 and kept < len(before) and not _EDGE.match(before[-1 - kept].strip(",.;:")):
        if TITLE_STOP.fullmatch(before[-1 - kept]) or _CLAUSE_END.search(before[-1 - kept]):
            break
        kept += 1
    a = start - len(" ".join(before[len(before) - kept :])) - (1 if kept else 0)
    after = _CLAUSE_END.split(s.folded[end:], maxsplit=1)[0].split()
    words: list[str] = []
    if after and not _PREPOSITION.fullmatch(after[0].strip(",.")):
        after = []  # only a prepositional phrase follows a title's head ('overzicht | niet meer gebruikt')
    for word in after:
        if TITLE_STOP.fullmatch(word.strip(",.")) or len(words) >= _TITLE_WORDS - kept - 1:
            break
        words.append(word)
    words = _trim(["x", *words])[1:]  # trims only the end
    b = end + (1 + len(" ".join(words)) if words else 0)
    phrase, span = _piece(text, s, max(a, 0), min(b, len(s.folded)))
    return _cap(_cut(phrase)), span


def _cut(phrase: str) -> str:
    """At most nine words and seventy characters, cut at a word ('...' when cut)."""
    words = phrase.split()
    cut = " ".join(words[:_TITLE_WORDS])
    if len(cut) > _TITLE_CHARS:
        cut = cut[:_TITLE_CHARS].rsplit(" ", 1)[0]
    return cut if cut == " ".join(words) else " ".join(_trim(cut.split())) + "..."


def purposes_of(text: str, spans: list[Sentence]) -> list[Phrase]:
    """Each purpose the text states, one item per purpose clause (`cues.purpose_clauses`: the words after
    'zodat', 'om ... te', 'so that', 'in order to', 'the aim is to' ... to the end of the clause),
    without leading words such as 'they can'. Nothing when the text states no purpose."""
    out: list[Phrase] = []
    for s in spans:
        for a, b in purpose_clauses(s.folded):
            b = a + len(s.folded[a:b].rstrip(" ,.!?"))
            a += len(s.folded[a:b]) - len(s.folded[a:b].lstrip())
            while (lead := PURPOSE_LEAD.match(s.folded, a, b)) and lead.end() < b:
                rest = s.folded[lead.end() : b]
                a = lead.end() + len(rest) - len(rest.lstrip())
            for i, j in _coordinated(s.folded, a, b):
                words = _trim(["x", *s.folded[i:j].split()])[1:]  # no trailing 'en', 'and', 'of' ...
                if len(words) < 2:
                    continue
                phrase, span = _piece(text, s, i, i + len(" ".join(words)))
                item = _cap(phrase)
                if item and all(item.lower() not in p.lower() for p, _ in out):
                    out.append((item, span))
    return out


# Two purposes joined in one clause: 'adapt the lecture ... and to contact students', 'eerder bijsturen
# en een gesprek aangaan'. English joins at 'and to' / ', and'; Dutch at 'en' after an infinitive-like
# word (-en), both sides three words or more (a list of nouns 'cijfers en quizscores' stays one item).
_JOIN = re.compile(r"\s+and\s+(?:to\s+)?(?=\w)|,\s+and\s+|(?<=en)\s+en\s+(?:om\s+)?(?=\w)")


_NOUN_ENDINGS = ("s", "ing", "ion", "ment", "ness", "ity")


def _coordinated(folded: str, a: int, b: int) -> list[tuple[int, int]]:
    """The folded offsets a..b of a purpose clause, split where two purposes are joined (`_JOIN`)."""
    parts, start = [], a
    for m in _JOIN.finditer(folded, a, b):
        left, right = folded[start : m.start()].split(), folded[m.end() : b].split()
        english_and = "and" in folded[m.start() : m.end()]
        if _RELATIVE.fullmatch(right[0] if right else ""):
            continue  # 'zien hoe ze ... gebruikten en hoe ze ...': two things seen, one purpose
        if len(left) >= 3 and len(right) >= 3 and (not english_and or _verb_led(folded, m)):
            parts.append((start, m.start()))
            start = m.end()
    return [*parts, (start, b)]


def _verb_led(folded: str, m: re.Match) -> bool:
    """English 'and' joins purposes when 'to' or a comma marks it, or the word after it is not an
    article or possessive and does not end like a noun (a verb: 'and contact', not 'and the
    evaluations', 'mentoring and tutoring', 'and reports')."""
    joint = folded[m.start() : m.end()]
    if " to " in f"{joint} " or "," in joint:
        return True
    nxt = folded[m.end() :].split(maxsplit=1)
    return bool(nxt) and not _EDGE.match(nxt[0]) and not nxt[0].endswith(_NOUN_ENDINGS)


_NEGATOR_NEAR = re.compile(
    r"(?<!\w)(?:not|no|never|geen|niet|nooit|n't|cannot|can't|don't|doesn't|won't)(?!\w)"
)


_RELATIVE = re.compile(r"which|who|whose|what|whether|how|that|welke|wie|wiens|wat|hoe|of|die|dat|waar")


def _denied(folded: str, start: int, end: int) -> bool:
    """A perceive word at folded offsets start..end that the clause denies: a negator among the three
    words before it or the five after it (up to a relative word), in the same clause."""
    before = _CLAUSE_END.split(folded[:start])[-1].split()[-3:]
    after = []
    for word in _CLAUSE_END.split(folded[end:], maxsplit=1)[0].split()[:5]:
        if _RELATIVE.fullmatch(word):
            break  # 'see which students have not submitted': the negator is the seen thing's
        after.append(word)
    return any(_NEGATOR_NEAR.search(w) for w in before + after)


def seen_by(text: str, spans: list[Sentence], role: str) -> Phrase | None:
    """What `role` (one of `cues.ROLES`) gets to see: in the first sentence where it is the receiver of
    a perceive verb (`cues.links`; not a noun such as 'overview'), the words after the verb to the end
    of the clause (at most fourteen); an empty phrase when nothing follows it; None when the text
    never makes the role a receiver."""
    fallback = None
    for s in spans:
        for who, start, end in links(s.folded):
            if who != role:
                continue
            if _denied(s.folded, start, end):
                continue  # 'teachers do not get a view', 'docenten krijgen deze pagina niet te zien'
            fallback = fallback or ("", (s.start, s.end))
            if PERCEIVE_NOUNS.fullmatch(s.folded[start:end]):
                continue
            rest = _CLAUSE_END.split(s.folded[end:], maxsplit=1)[0]
            marker = PURPOSE_MARKER.search(rest)
            rest = rest[: marker.start()] if marker else rest
            words = rest.split()[:14]
            trimmed = _trim(["x", *words])[1:]  # the end only: 'which students ...' keeps its 'which'
            while trimmed and _ARTICLE.match(trimmed[0]):
                trimmed = trimmed[1:]
            if len(trimmed) < 2:
                continue
            skipped = len(words) - len(words[words.index(trimmed[0]) :]) if trimmed[0] in words else 0
            a = end + len(rest) - len(rest.lstrip())
            a += len(" ".join(words[:skipped])) + (1 if skipped else 0)
            phrase, span = _piece(text, s, a, a + len(" ".join(trimmed)))
            return phrase.strip(" ,.;:"), span
    return fallback

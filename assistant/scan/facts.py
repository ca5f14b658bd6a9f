"""What the scan's rules read, computed once per draft (`Facts`): the draft, its optional scan fields,
the words of `assistant/data/lexicons/scan.yaml` found in each field (with the sentence they stand
in), the distinct source systems, and the university-wide setting on students as vulnerable people.

Each term group is matched on its own (a word may count for several groups: 'bindend studieadvies' is
both a blocking word and an Annex III level word), and only at the words of the text that can start
one of its terms (a necessary condition: the same matches as a scan of the whole text, found faster;
tests/test_scan.py compares the two). Negated mentions ('geen voorspellend model') are skipped
(`terms.is_negated`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from assistant.extras import Extras, read_extras
from assistant.lexicon import compile_terms, load_lexicon
from assistant.proposal import Draft
from assistant.terms import classify_data_name, describes_ai, is_blank, is_negated
from assistant.text import fold, split_sentences

__all__ = ["Hit", "Facts", "facts", "GROUPS"]

_SEP = "\n\x00\n"  # between fields: no phrase, clause or negation crosses it

_BORROWED = {  # groups of other lexicons the scan reads as they are
    ("checker", "automated decision"), ("checker", "emotion recognition"), ("checker", "social scoring"),
    ("checker", "biometric categorisation"), ("categories", "health"),
}  # fmt: skip


@cache
def _groups() -> dict[str, tuple[str, ...]]:
    groups = {name: g.terms for name, g in load_lexicon("scan").groups.items()}
    for lexicon, name in sorted(_BORROWED):
        groups[name] = load_lexicon(lexicon).groups[name].terms
    return groups


GROUPS: tuple[str, ...] = tuple(_groups())


_VALUE_GROUPS = ("scope ", "frequency ", "role ", "processor role ")  # spellings of field values (extras)


@dataclass(frozen=True)
class _Index:
    """The term groups compiled, and which groups a text's words can start a match of: a group whose
    terms' first words (whole, or as a `prefix*` stem) are all absent from a text cannot match it."""

    patterns: dict[str, re.Pattern]
    by_word: dict[str, frozenset[str]]
    """A term's whole first word -> the groups with such a term."""
    by_stem: dict[str, tuple[tuple[str, str], ...]]
    """The first three letters of a `prefix*` stem -> (stem, group)."""
    always: frozenset[str]
    """Groups with a term that can start inside a word (`*infix*`, `*suffix`, a stem under 3 letters)."""

    def starts(self, norm: str) -> dict[str, list[int] | None]:
        """Group -> the offsets in `norm` where one of its terms may start (None: anywhere)."""
        out: dict[str, list[int] | None] = dict.fromkeys(self.always)
        groups_of = _groups_of
        for m in _WORD.finditer(norm):
            for group in groups_of(m.group(0)):
                out.setdefault(group, []).append(m.start())
        return out


@cache
def _index() -> _Index:
    by_word: dict[str, set[str]] = {}
    by_stem: dict[str, list[tuple[str, str]]] = {}
    always: set[str] = set()
    patterns = {}
    for name, terms in _groups().items():
        if name.startswith(_VALUE_GROUPS):
            continue
        patterns[name] = compile_terms(terms)
        for term in terms:
            t = fold(term)
            first = _FIRST.match(t)
            rest = t[len(first.group(0)) :][:1] if first else ""
            if t.startswith("*") or first is None or (rest == "*" and len(first.group(0)) < 3):
                always.add(name)
            elif rest == "*":
                by_stem.setdefault(first.group(0)[:3], []).append((first.group(0), name))
            else:
                by_word.setdefault(first.group(0), set()).add(name)
    return _Index(
        patterns,
        {w: frozenset(g) for w, g in by_word.items()},
        {k: tuple(v) for k, v in by_stem.items()},
        frozenset(always),
    )


@lru_cache(maxsize=1 << 15)
def _groups_of(word: str) -> tuple[str, ...]:
    """The groups (not `always`) with a term whose first word is `word` or a stem `word` starts with."""
    index = _index()
    found = set(index.by_word.get(word, ()))
    found.update(g for stem, g in index.by_stem.get(word[:3], ()) if word.startswith(stem))
    return tuple(sorted(found - index.always))


_FIRST = re.compile(r"^\w+")
_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class Hit:
    """A term of `group` in draft field `field`, with the sentence of the field it stands in."""

    group: str
    field: str
    term: str
    evidence: str


@dataclass(slots=True)
class _Raw:
    """A match before it is checked for negation and given its sentence (done when a rule asks)."""

    term: str
    start: int
    """Offset in the folded text of all fields."""
    part: int
    """Index of the field it is in."""


@lru_cache(maxsize=4096)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(split_sentences(text))


def _sentence(original: str, folded: str, start: int) -> str:
    text = original if len(original) == len(folded) else folded
    if len(text) <= 240:
        return text.strip()
    for a, b in _spans(text):
        if a <= start < b:
            return text[a:b].strip()
    return text[max(0, start - 100) : start + 140].strip()


def _field_texts(d: Draft, x: Extras) -> list[tuple[str, str]]:
    parts = [("title", d.title), ("summary", d.summary)]
    parts += [(f"purposes.{i}", p) for i, p in enumerate(d.purposes)]
    parts += [(f"stakeholders.{i}", s) for i, s in enumerate(d.stakeholders)]
    for i, item in enumerate(d.data):
        parts += [(f"data.{i}.name", item.name), (f"data.{i}.source", item.source)]
    parts += [("necessity", d.necessity), ("human_in_the_loop", d.human_in_the_loop)]
    if d.ai is not None:
        parts += [("ai.models", d.ai.models), ("ai.training_data", d.ai.training_data),
                  ("ai.decision_process", d.ai.decision_process)]  # fmt: skip
    parts += [("effects", x.effects), ("data_subjects", ", ".join(x.data_subjects))]
    return [(f, t) for f, t in parts if t and not is_blank(t)]


_SPLIT = re.compile(r"\s*(?:[,;+/&]|\s(?:and|en|plus)\s)\s*")


def _systems(d: Draft) -> list[str]:
    """The distinct source systems the data items name (a source 'OSIRIS + Brightspace' is two)."""
    seen: dict[str, str] = {}
    for item in d.data:
        for part in _SPLIT.split(item.source or ""):
            key = fold(part).strip(" .()")
            if key and not is_blank(part):
                seen.setdefault(key, part.strip())
    return list(seen.values())


@dataclass
class Facts:
    """One draft as the scan's rules see it."""

    draft: Draft
    extras: Extras
    areas: frozenset[str]
    raw: dict[str, list[_Raw]]
    """Group -> its matches in text order, not yet checked for negation (see `hits`)."""
    texts: list[tuple[str, str]]
    """(field, text) of every field read, in order."""
    folded: list[str]
    """The folded text of each field."""
    norm: str
    """The folded fields joined (what `raw` offsets point into)."""
    offsets: list[int]
    """Where each field starts in `norm`."""
    systems: list[str]
    students_vulnerable: bool | None
    """The university's decision whether students count as vulnerable data subjects (None: not decided)."""
    lang: str
    """The language answers that quote the policy's own labels are given in ('nl' or 'en')."""
    narrative: str
    """The draft's folded text (without the optional fields), for `ai_terms`."""
    category_hits: dict[int, str] = field(default_factory=dict)
    """Data item index -> 'special' or 'sensitive' when its name or source names such data."""
    memo: dict = field(default_factory=dict)
    """Answers of items already computed (composite criteria read earlier ones)."""
    _ai_terms: list[str] | None = None

    @property
    def ai_terms(self) -> list[str]:
        """AI words in the draft's text (`terms.describes_ai`), computed when first asked."""
        if self._ai_terms is None:
            self._ai_terms = describes_ai(self.narrative, self.draft.areas)
        return self._ai_terms

    def hits(self, group: str) -> list[Hit]:
        """The unnegated hits of `group` (`terms.is_negated`), in field order (computed when first asked)."""
        found = self.memo.get(("hits", group))
        if found is None:
            found = self.memo[("hits", group)] = [
                Hit(group, self.texts[r.part][0], r.term,
                    _sentence(self.texts[r.part][1], self.folded[r.part], r.start - self.offsets[r.part]))
                for r in self.raw.get(group, ())
                if not is_negated(self.norm, r.start)
            ]  # fmt: skip
        return found

    def find(self, group: str, *prefixes: str) -> Hit | None:
        """The first unnegated hit of `group` in a field starting with one of `prefixes` (any field when
        none); only that hit is checked for negation and given its sentence."""
        key = ("find", group, prefixes)
        if key in self.memo:
            return self.memo[key]
        found = None
        for r in self.raw.get(group, ()):
            name = self.texts[r.part][0]
            if (not prefixes or name.startswith(prefixes)) and not is_negated(self.norm, r.start):
                evidence = _sentence(
                    self.texts[r.part][1], self.folded[r.part], r.start - self.offsets[r.part]
                )
                found = Hit(group, name, r.term, evidence)
                break
        self.memo[key] = found
        return found

    def area_evidence(self, areas: list[str]) -> str:
        """The drafter's evidence for the first of `areas` that has one (draft's `evidence` field)."""
        evidence = (self.draft.model_extra or {}).get("evidence")
        if isinstance(evidence, dict):
            for a in areas:
                if isinstance(evidence.get(a), str):
                    return evidence[a]
        return ""


def facts(draft: Draft, *, students_vulnerable: bool | None = None, lang: str = "en") -> Facts:
    """The `Facts` of one draft."""
    ai_extra = draft.ai.model_extra if draft.ai is not None else None
    extras = read_extras(draft.model_extra, ai_extra)
    texts = _field_texts(draft, extras)
    folded = [fold(t) for _, t in texts]
    norm = _SEP.join(folded)
    starts, pos = [], 0
    for f in folded:
        starts.append(pos)
        pos += len(f) + len(_SEP)
    raw: dict[str, list[_Raw]] = {}
    index = _index()
    for group, positions in index.starts(norm).items():
        pattern = index.patterns[group]
        if positions is None:
            found = list(pattern.finditer(norm))
        else:
            found, end = [], -1
            for pos in positions:
                m = pattern.match(norm, pos) if pos >= end else None
                if m:
                    found.append(m)
                    end = m.end()
        k = 0
        for m in found:
            while k + 1 < len(starts) and starts[k + 1] <= m.start():
                k += 1
            raw.setdefault(group, []).append(_Raw(m.group(0), m.start(), k))
    categories = {}
    for i, item in enumerate(draft.data):
        if item.category != "general":
            categories[i] = item.category
        elif th := classify_data_name(f"{item.name} {item.source}"):
            categories[i] = th.category
    narrative = " . ".join(
        n for (f, _), n in zip(texts, folded, strict=True) if f not in ("data_subjects", "effects")
    )
    return Facts(
        draft=draft,
        extras=extras,
        areas=frozenset(draft.areas),
        raw=raw,
        texts=texts,
        folded=folded,
        norm=norm,
        offsets=starts,
        systems=_systems(draft),
        students_vulnerable=students_vulnerable,
        lang=lang,
        narrative=narrative,
        category_hits=categories,
    )

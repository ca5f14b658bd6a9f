"""The policy as data: application areas, ethical values, privacy principles and topics.

The content lives in `assistant/data/policy.yaml` (the file's header explains its shape); this module
holds its pydantic models, the cached loader, the pointers from an item to its corpus passage
(`passage_for`) and the term matching over items (`match_concepts`, `Concept.terms_in`).

Every item points at its corpus passage (`Ref`: source + section path) and names the sentence(s) it
rests on (`quote`, verbatim from that passage). Its `terms` are lexicon term groups
(`assistant.lexicon` syntax, each group with its `source`): Dutch and English words a reader uses for
the item, written from the policy and from GDPR / AI Act vocabulary; retrieval routes questions with
them, the drafter recognises ideas with them. `tests/test_policy.py` proves every pointer resolves.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from assistant.corpus import Passage, load_passages
from assistant.errors import ConfigError
from assistant.lexicon import Matcher, TermGroup, compile_terms, load_data_file, load_lexicon
from assistant.text import fold

__all__ = [
    "SOURCE",
    "Ref",
    "Citation",
    "Concept",
    "Area",
    "PolicyFile",
    "load_policy",
    "AREAS",
    "AREA_IDS",
    "VALUES",
    "PRINCIPLES",
    "TOPICS",
    "ALL_CONCEPTS",
    "PRINCIPLE_KEYS",
    "FIELD_PRINCIPLES",
    "passage_for",
    "match_concepts",
]

POLICY_FILE: Traversable = resources.files("assistant") / "data" / "policy.yaml"
"""The shipped policy content."""


class Ref(BaseModel):
    """A pointer to one passage of the corpus."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    """The corpus file name, e.g. `uu-learning-analytics-beleid.md`."""
    section: str
    """The passage's section path, headings joined by ` > `."""
    quote: str = ""
    """The sentence(s) of the passage this item rests on, verbatim; empty = the whole passage."""


@cache
def _term_pattern(term: str) -> re.Pattern:
    return compile_terms((term,))


def _present(terms: tuple[str, ...], any_term: re.Pattern, text: str) -> list[str]:
    """The terms that occur in `text`, each tested on its own (overlapping terms all count); `any_term` (all
    of them in one alternation) is tried first, since most term lists occur in no given text."""
    folded = fold(text)
    if not any_term.search(folded):
        return []
    return [t for t in terms if _term_pattern(t).search(folded)]


def _flatten(groups: dict[str, TermGroup]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for group in groups.values():
        for t in group.terms:
            seen.setdefault(fold(t), t)
    return tuple(seen.values())


class Citation(BaseModel):
    """A policy passage as cited by a finding, a review or a draft field: the one citation type of the
    checker, the review workflow and the drafter (`check --json`'s `citation`). Empty strings mean no
    passage (a finding stored without one)."""

    model_config = ConfigDict(frozen=True)

    source: str = ""
    """The corpus file, e.g. `uu-learning-analytics-beleid.md`."""
    section: str = ""
    """The section path of the passage, e.g. `3.2 Privacy-principes > Opslagbeperking`."""
    text: str = ""
    """The passage, verbatim."""


class Concept(BaseModel):
    """One thing the policy names: an area, a value, a principle or a topic."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    """The item's key in its section of the file (for principles: the draft contract's key)."""
    kind: Literal["area", "value", "principle", "topic"]
    label_nl: str
    label_en: str
    ref: Ref
    terms: dict[str, TermGroup] = {}
    """Named term groups, each with its source (`policy: <section path>`, a GDPR / AI Act article, ...)."""
    summary_en: str = ""
    """One English sentence saying what the item is about (areas)."""

    def __hash__(self) -> int:
        return hash((self.kind, self.key))

    def label(self, lang: str = "nl") -> str:
        return self.label_en if lang == "en" else self.label_nl

    @cached_property
    def all_terms(self) -> tuple[str, ...]:
        """The terms of all groups in file order, each once (lexicon syntax)."""
        return _flatten(self.terms)

    @cached_property
    def _any_term(self) -> re.Pattern:
        return compile_terms(self.all_terms)

    def terms_in(self, text: str) -> list[str]:
        """The item's terms that occur in `text`, each term tested on its own (overlapping terms all count)."""
        return _present(self.all_terms, self._any_term, text)


class Area(Concept):
    """An application area (section 2): every proposal must fall in at least one."""

    group: int
    """The area's group: the `n` of "Gebied n" (1-4)."""
    audience_nl: str
    audience_en: str
    cues: dict[str, TermGroup] = {}
    """Broader words the drafter reads as a hint for this area (term groups, like `terms`)."""

    @cached_property
    def all_cues(self) -> tuple[str, ...]:
        """The cues of all groups in file order, each once (lexicon syntax)."""
        return _flatten(self.cues)

    @cached_property
    def _any_cue(self) -> re.Pattern:
        return compile_terms(self.all_cues)

    def cues_in(self, text: str) -> list[str]:
        """The area's cues that occur in `text`, each tested on its own."""
        return _present(self.all_cues, self._any_cue, text)


_KINDS = {"areas": "area", "values": "value", "principles": "principle", "topics": "topic"}


class PolicyFile(BaseModel):
    """`assistant/data/policy.yaml`: the items of each kind, keyed; each item's `key` and `kind` come from
    its place in the file and its `ref.source` defaults to the file's `source`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    """The corpus file every `ref` points into unless it names another."""
    shared: dict[str, TermGroup] = {}
    """Term groups several items use (referenced by YAML anchor; validated here once)."""
    areas: dict[str, Area]
    values: dict[str, Concept]
    principles: dict[str, Concept]
    topics: dict[str, Concept]
    draft_fields: dict[str, str] = {}
    """Draft field (dotted for nested ones) -> the key of the principle that asks for it ('area' too)."""
    situations: dict[str, list[str]] = {}
    """Principle key -> groups of the checker's lexicon (`lexicons/checker.yaml`) whose words describe a
    situation that principle judges ('een export op een USB-stick': security): a question that tells such
    a situation is routed to the principle's passage as a draft that states it is checked against it."""

    @model_validator(mode="after")
    def _field_principles_exist(self) -> PolicyFile:
        unknown = {f: p for f, p in self.draft_fields.items() if p != "area" and p not in self.principles}
        if unknown:
            raise ValueError(f"draft_fields name unknown principles: {unknown}")
        unknown = {p: g for p, g in self.situations.items() if p not in self.principles}
        if unknown:
            raise ValueError(f"situations name unknown principles: {unknown}")
        return self

    @model_validator(mode="before")
    @classmethod
    def _fill_keys(cls, raw: Any) -> Any:
        if not isinstance(raw, dict):
            raise ValueError("the file must be a mapping with source, areas, values, principles, topics")
        out = dict(raw)
        for section, kind in _KINDS.items():
            items = raw.get(section)
            if not isinstance(items, dict):
                continue  # reported by field validation
            filled = {}
            for key, item in items.items():
                if isinstance(item, dict):
                    item = {**item, "key": str(key), "kind": kind}
                    if isinstance(item.get("ref"), dict):
                        item["ref"] = {"source": raw.get("source"), **item["ref"]}
                filled[str(key)] = item
            out[section] = filled
        return out

    @model_validator(mode="after")
    def _areas_in_their_group(self) -> PolicyFile:
        for key, area in self.areas.items():
            if not key[:1].isdigit() or area.group != int(key[0]):
                raise ValueError(f"area {key!r} has group {area.group}; an area id starts with its group")
        return self


@cache
def load_policy(path: Path | Traversable = POLICY_FILE) -> PolicyFile:
    """The policy content of `path` (default: the shipped `assistant/data/policy.yaml`), validated.

    Raises `ConfigError` naming the file when it is missing, not YAML, or does not match the models.
    """
    return load_data_file(path, PolicyFile, "the policy file")


_POLICY = load_policy()

SOURCE: str = _POLICY.source
AREAS: dict[str, Area] = dict(_POLICY.areas)
AREA_IDS: tuple[str, ...] = tuple(AREAS)
VALUES: dict[str, Concept] = dict(_POLICY.values)


def _with_situations(principles: dict[str, Concept], situations: dict[str, list[str]]) -> dict[str, Concept]:
    """The principles, each with the checker's term groups `situations` names for it added to its terms
    (under 'checker: <group>'; the group keeps its own source). Raises ConfigError for an unknown group."""
    if not situations:
        return dict(principles)
    checker = load_lexicon("checker").groups
    out = dict(principles)
    for key, names in situations.items():
        missing = [n for n in names if n not in checker]
        if missing:
            raise ConfigError(f"policy.yaml situations.{key}: no such checker.yaml group {missing}")
        terms = {**out[key].terms, **{f"checker: {n}": checker[n] for n in names}}
        out[key] = out[key].model_copy(update={"terms": terms})
    return out


PRINCIPLES: dict[str, Concept] = _with_situations(dict(_POLICY.principles), _POLICY.situations)
PRINCIPLE_KEYS: tuple[str, ...] = tuple(PRINCIPLES)
FIELD_PRINCIPLES: dict[str, str] = dict(_POLICY.draft_fields)
"""The principle each draft field serves (`draft_fields` of policy.yaml); a nested field not listed
takes its parent's."""
TOPICS: dict[str, Concept] = dict(_POLICY.topics)
ALL_CONCEPTS: tuple[Concept, ...] = (
    *AREAS.values(),
    *VALUES.values(),
    *PRINCIPLES.values(),
    *TOPICS.values(),
)


# --------------------------------------------------------------------------- lookups


@cache
def _matchers() -> tuple[tuple[Concept, Matcher], ...]:
    # One matcher per item: an item's hits never overlap, different items' hits may.
    return tuple((c, Matcher({c.key: c.all_terms})) for c in ALL_CONCEPTS if c.all_terms)


def match_concepts(text: str) -> list[tuple[Concept, int]]:
    """Items whose terms occur in `text` (lexicon syntax on `fold`ed text), with the number of hits,
    in `ALL_CONCEPTS` order."""
    folded = fold(text)
    hits = []
    for concept, matcher in _matchers():
        n = sum(1 for _ in matcher.finditer(folded))
        if n:
            hits.append((concept, n))
    return hits


@cache
def _corpus_passages() -> tuple[Passage, ...]:
    return tuple(p for p in load_passages() if p.retrievable)


def passage_for(ref: Ref) -> Passage:
    """The corpus passage a pointer names: its section, and the one holding `quote` where several share it.

    Raises `KeyError` when no passage of the shipped corpus matches.
    """
    candidates = [p for p in _corpus_passages() if p.source == ref.source and p.section == ref.section]
    if ref.quote:
        candidates = [p for p in candidates if ref.quote in p.text]
    if not candidates:
        raise KeyError(f"no passage {ref.source} :: {ref.section} holding {ref.quote[:40]!r}")
    return candidates[0]

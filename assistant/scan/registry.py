"""What a scan item is, how a rules module registers one, and how an item's citation is found.

An item is a pure function `(Facts) -> Ans`; it reads nothing but the draft's `Facts` (and, for a
composite criterion, the answers of items it combines, through `answer_of`). Its question is the
catalogue text `scan.q."<id>"`; its rationale `scan.why."<rule>"` formatted with the answer's
`params` (`assistant/data/messages/{nl,en}.toml`). Its citation is a policy principle's passage
(`cite="policy:<principle key>"`) or an entry of the scan's reference (`cite="ref:<entry key>"`);
`claim` is the words the cited text contains (tests/test_scan_sources.py proves both for every item).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from assistant.policy import PRINCIPLES, Citation, passage_for
from assistant.scan.facts import Facts, Hit
from assistant.scan.reference import reference_citation

__all__ = ["BY_ID", "Ans", "Item", "ItemFn", "registrar", "citation_for", "answer_of", "yes", "no", "unknown",
           "suggest", "person", "copied", "and3", "vulnerable_subjects"]  # fmt: skip


BY_ID: dict[str, Item] = {}
"""Every registered item by id (filled by `registrar`)."""


@dataclass(slots=True)
class Ans:
    """An item's answer: the value, its status, the fields read, the rule, the evidence span (treated
    as immutable; a plain slotted class because the scan makes some eighty per draft)."""

    answer: Any
    status: str
    fields: tuple[str, ...] = ()
    rule: str = ""
    evidence: str = ""
    params: Mapping[str, Any] | None = None
    """The rationale's parameters (None: none)."""


ItemFn = Callable[[Facts], Ans]


@dataclass(frozen=True)
class Item:
    """One question of the scan."""

    id: str
    section: str
    cite: str
    claim: str
    fn: ItemFn
    effort: int = 0
    """Screening items: 1 a fact the author fills in, 2 a suggestion to confirm, 3 a judgement."""
    settle: str = ""
    """Screening items: the catalogue key (`scan.settle.<key>`) of what settles an open answer."""


def registrar(items: list[Item], section: str):
    """A decorator factory appending each decorated function to `items` as an `Item` of `section`."""

    def item(item_id: str, cite: str, claim: str, *, effort: int = 0, settle: str = ""):
        def register(fn: ItemFn) -> ItemFn:
            items.append(Item(item_id, section, cite, claim, fn, effort, settle))
            BY_ID[item_id] = items[-1]
            return fn

        return register

    return item


@cache
def citation_for(cite: str) -> Citation:
    """The citation `cite` names ('policy:<principle>' or 'ref:<entry>'); KeyError when it names nothing."""
    kind, _, key = cite.partition(":")
    if kind == "ref":
        return reference_citation(key)
    if kind == "policy":
        passage = passage_for(PRINCIPLES[key].ref)
        return Citation(source=passage.source, section=passage.section, text=passage.text)
    raise KeyError(cite)


def answer_of(f: Facts, item_id: str) -> Ans:
    """The answer of another item (computed once per draft; screening items combine others)."""
    found = f.memo.get(item_id)
    if found is None:
        found = f.memo[item_id] = BY_ID[item_id].fn(f)
    return found


def yes(rule: str, *fields: str, evidence: str = "", **params: Any) -> Ans:
    """A 'yes' derived by `rule` from `fields`."""
    return Ans("yes", "derived", fields, rule, evidence, params)


def no(rule: str, *fields: str, **params: Any) -> Ans:
    """A 'no' derived by `rule` from `fields`."""
    return Ans("no", "derived", fields, rule, "", params)


def unknown(rule: str, *fields: str, **params: Any) -> Ans:
    """Not in the draft (the rationale says what would tell)."""
    return Ans("unknown", "unknown", fields, rule, "", params)


def suggest(rule: str, hit: Hit | None = None, *fields: str, answer: str = "yes", evidence: str = "",
            **params: Any) -> Ans:  # fmt: skip
    """A suggested answer resting on `hit` (its field and sentence) or on `evidence`."""
    if hit is not None:
        return Ans(
            answer, "suggested", (hit.field, *fields), rule, hit.evidence, {"term": hit.term, **params}
        )
    return Ans(answer, "suggested", fields, rule, evidence, params)


def vulnerable_subjects(f, given: str, word: str) -> Ans | None:
    """WP248 criterion 7 from the draft's words: 'yes' (rule `given`) when `data_subjects` names
    vulnerable subjects, a suggestion (rule `word`) when another field does, None when none does.
    Shared by the scan's question C2 and the screening's G-WP7."""
    hit = f.find("subjects vulnerable", "data_subjects")
    if hit:
        return yes(given, "data_subjects", evidence=hit.evidence, term=hit.term)
    hit = f.find("subjects vulnerable")
    return suggest(word, hit) if hit else None


def person(rule: str, *fields: str, **params: Any) -> Ans:
    """A question only a person answers: never pre-filled."""
    return Ans(None, "for_person", fields, rule, "", params)


def copied(value: Any, *fields: str, rule: str = "") -> Ans:
    """The draft's own value, or 'unknown' when the field is empty."""
    if value in (None, "", [], {}):
        return Ans(None, "unknown", fields, rule or "empty")
    return Ans(value, "from_draft", fields, rule)


def and3(rule: str, *parts: Ans) -> Ans:
    """Three-valued AND of yes/no answers: yes only when every part is a confirmed yes, no when any part is
    a confirmed no, otherwise unknown (read as no in the lower and yes in the upper verdict)."""
    fields = tuple(dict.fromkeys(f for p in parts for f in p.fields))
    if any(p.answer == "no" and p.status in ("derived", "from_draft") for p in parts):
        return Ans("no", "derived", fields, rule + ".no")
    if all(p.answer == "yes" and p.status in ("derived", "from_draft") for p in parts):
        return Ans("yes", "derived", fields, rule + ".yes")
    evidence = next((p.evidence for p in parts if p.evidence), "")
    return Ans("unknown", "unknown", fields, rule + ".open", evidence)

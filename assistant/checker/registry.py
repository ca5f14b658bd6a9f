"""What a rule is, how a rules module registers one, and what every rule may read (`Context`).

A rule is a pure function `(Draft, Context) -> Iterable[(field, message, fix)]`; it reads nothing but
the draft and the checker's term lists (`assistant/data/lexicons/checker.yaml`, see `checker_terms`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from assistant.checker.models import Severity
from assistant.lexicon import load_lexicon
from assistant.policy import PRINCIPLES, Ref
from assistant.proposal import Draft
from assistant.terms import describes_ai, is_blank, is_negated
from assistant.text import fold

__all__ = [
    "Hit",
    "Rule",
    "RuleFn",
    "Context",
    "registrar",
    "context",
    "ai_in_use",
    "checker_terms",
    "first_unnegated",
]

Hit = tuple[str, str, str]
"""What a rule yields per gap: (field, message, fix)."""


@dataclass(frozen=True)
class Context:
    """What several rules need, computed once per draft."""

    draft: Draft
    research: bool
    """The project type is research."""
    narrative: str
    """The draft's free text (title, summary, purposes, ...), folded (`text.fold`), parts joined by ' . '."""
    ai_used: bool
    ai_reason: str
    """Why AI counts as used (shown in findings), '' when it does not."""
    area4b: bool


RuleFn = Callable[[Draft, Context], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """One check: a pure function from a draft to (field, message, fix) hits, and the passage it rests on."""

    id: str
    principle: str
    severity: Severity
    description: str
    ref: Ref
    fn: RuleFn


def registrar(rules: list[Rule]):
    """A decorator factory that appends each decorated function to `rules` as a `Rule`.

    `ref` defaults to the principle's passage (`assistant.policy.PRINCIPLES`); an unknown principle
    raises `ValueError` on import.
    """

    def rule(rule_id: str, principle: str, severity: Severity, description: str, ref: Ref | None = None):
        if principle not in PRINCIPLES:
            raise ValueError(f"rule {rule_id}: unknown principle {principle!r}")

        def register(fn: RuleFn) -> RuleFn:
            rules.append(
                Rule(rule_id, principle, severity, description, ref or PRINCIPLES[principle].ref, fn)
            )
            return fn

        return register

    return rule


def checker_terms(group: str) -> tuple[str, ...]:
    """The terms of one group of `checker.yaml` (raises `KeyError` for an unknown group)."""
    return load_lexicon("checker").groups[group].terms


def first_unnegated(pattern: re.Pattern, norm: str) -> re.Match | None:
    """The first match of `pattern` in the folded text `norm` that is not negated (`terms.is_negated`)."""
    for m in pattern.finditer(norm):
        if not is_negated(norm, m.start()):
            return m
    return None


def _narrative(draft: Draft) -> str:
    parts = [
        draft.title,
        draft.summary,
        *draft.purposes,
        draft.necessity,
        draft.human_in_the_loop,
        draft.analysis_validation,
        draft.interests_weighed,
        *(item.name for item in draft.data),
    ]
    if draft.ai is not None:
        parts += [draft.ai.models, draft.ai.decision_process]
    return fold(" .\n".join(p for p in parts if p))


def _ai_use(draft: Draft, narrative: str) -> tuple[bool, str]:
    if draft.uses_ai:
        return True, "uses_ai is true"
    if draft.ai is not None and not is_blank(draft.ai.models):
        return True, "the ai block names a model"
    terms = describes_ai(narrative, draft.areas)
    if terms:
        return True, f"the text describes AI ('{terms[0]}')"
    return False, ""


def ai_in_use(draft: Draft) -> tuple[bool, str]:
    """(used, reason): AI counts as used when `uses_ai` is true, the ai block names a model, or the text
    describes AI (`terms.describes_ai`; in an area-4 project a predictive model is enough)."""
    return _ai_use(draft, _narrative(draft))


def context(draft: Draft) -> Context:
    """The `Context` of one draft."""
    narrative = _narrative(draft)
    used, reason = _ai_use(draft, narrative)
    return Context(
        draft=draft,
        research=draft.project_type == "research",
        narrative=narrative,
        ai_used=used,
        ai_reason=reason,
        area4b="4b" in draft.areas,
    )

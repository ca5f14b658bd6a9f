"""What a rule is, how a rules module registers one, and what every rule may read (`Context`).

A rule is a pure function `(Draft, Context) -> Iterable[Hit]`; it reads nothing but the draft, the
`Context` and the checker's term lists (`assistant/data/lexicons/checker.yaml`, see `checker_terms`).
A `Hit` names the field and the message and fix as keys of the message catalogues (`[check."<rule
id>"]` in `assistant/data/messages/{nl,en}.toml`), so the engine renders them in either language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.checker.models import Severity
from assistant.lexicon import load_lexicon
from assistant.messages import message
from assistant.policy import FIELD_PRINCIPLES, PRINCIPLES, Ref
from assistant.proposal import Draft
from assistant.terms import describes_ai, is_blank, is_negated
from assistant.text import fold, split_sentences

__all__ = [
    "BY_FIELD",
    "FIELD_PRINCIPLES",
    "Phrase",
    "Hit",
    "hit",
    "Rule",
    "RuleFn",
    "Context",
    "registrar",
    "context",
    "ai_in_use",
    "render",
    "checker_terms",
    "first_unnegated",
    "folded_sentences",
    "principle_of",
]

BY_FIELD = "(field)"
"""The `principle` of a rule whose findings take the principle (and passage) of their field."""


def principle_of(field_path: str) -> str:
    """The principle of a dotted field ('ai.models' -> ai_documentation, 'data.2.name' -> data_categories);
    unknown fields fall under accountability (the draft as a whole)."""
    parts = field_path.split(".")
    for n in range(len(parts), 0, -1):
        if (key := ".".join(parts[:n])) in FIELD_PRINCIPLES:
            return FIELD_PRINCIPLES[key]
    return "accountability"


@dataclass(frozen=True)
class Phrase:
    """A piece of a message that is itself translated: catalogue key `check.<key>` with `params`."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    """What a rule yields per gap: the field, and the catalogue keys (under `check."<rule id>".`) of
    the message and the fix, with the parameters both are formatted with."""

    field: str
    message: str = "message"
    fix: str = "fix"
    params: Mapping[str, Any] = field(default_factory=dict)


def hit(field_path: str, message: str = "message", fix: str = "fix", **params: Any) -> Hit:
    """A `Hit` for `field_path` (keyword arguments are the message parameters)."""
    return Hit(field_path, message, fix, params)


@dataclass(frozen=True)
class Context:
    """What several rules need, computed once per draft."""

    draft: Draft
    research: bool
    """The project type may be research: it is research, or it is not given (both types' rules run)."""
    implementation: bool
    """The project type may be implementation: it is implementation, or it is not given."""
    narrative: str
    """The draft's free text (title, summary, purposes, ...), folded (`text.fold`), parts joined by ' . '."""
    ai_used: bool
    ai_reason: Phrase | None
    """Why AI counts as used (shown in findings), None when it does not."""
    area4b: bool
    today: date
    """The day the retention horizon counts from."""
    horizon_years: int
    """A retention end later than this many years from `today` is past the horizon."""

    @property
    def type_known(self) -> bool:
        """The draft gives its project type."""
        return self.draft.project_type is not None


RuleFn = Callable[[Draft, Context], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """One check: a pure function from a draft to hits, and the passage it rests on.

    `principle` is a key of `assistant.policy.PRINCIPLES`, or `BY_FIELD` for a rule about the draft's
    form (its findings take the principle and passage of the field they are about). What a rule flags,
    in each language, is the catalogue text `check."<id>".flags` (`describe`)."""

    id: str
    principle: str
    severity: Severity
    ref: Ref | None
    fn: RuleFn

    def describe(self, lang: str = "en") -> str:
        """What the rule flags, in `lang` (the rule table's 'flags' column)."""
        return message(f"check.{self.id}.flags", lang)

    @property
    def description(self) -> str:
        """What the rule flags, in English."""
        return self.describe("en")


def registrar(rules: list[Rule]):
    """A decorator factory that appends each decorated function to `rules` as a `Rule`.

    `ref` defaults to the principle's passage (`assistant.policy.PRINCIPLES`); an unknown principle
    raises `ValueError` on import.
    """

    def rule(rule_id: str, principle: str, severity: Severity, ref: Ref | None = None):
        if principle not in PRINCIPLES and principle != BY_FIELD:
            raise ValueError(f"rule {rule_id}: unknown principle {principle!r}")
        if principle != BY_FIELD:
            ref = ref or PRINCIPLES[principle].ref

        def register(fn: RuleFn) -> RuleFn:
            rules.append(Rule(rule_id, principle, severity, ref, fn))
            return fn

        return register

    return rule


def checker_terms(group: str) -> tuple[str, ...]:
    """The terms of one group of `checker.yaml` (raises `KeyError` for an unknown group)."""
    return load_lexicon("checker").groups[group].terms


def folded_sentences(text: str) -> list[str]:
    """The sentences of `text`, each folded (`text.fold`): split first, since the split needs the capital
    after a full stop that folding removes."""
    return [fold(text[a:b]) for a, b in split_sentences(text or "")]


def sentence_at(norm: str, start: int, end: int) -> str:
    """The sentence of the folded text `norm` around the span `start`-`end`: from the '.' or line end before
    it to the '.' after it."""
    begin = max(norm.rfind(".", 0, start), norm.rfind("\n", 0, start)) + 1
    stop = norm.find(".", end)
    return norm[begin : stop if stop >= 0 else None]


_CLAUSE_END = re.compile(r"[.!?;:\n]+(?:\s|$)")  # not the dots inside 'u.s.e.' or a decimal point


def clauses(norm: str) -> list[str]:
    """The clauses of a folded text: split at . ! ? ; : and line ends followed by a space or the end."""
    return [part for part in _CLAUSE_END.split(norm) if part.strip()]


def first_unnegated(pattern: re.Pattern, norm: str) -> re.Match | None:
    """The first match of `pattern` in the folded text `norm` that is not negated (`terms.is_negated`)."""
    for m in pattern.finditer(norm):
        if not is_negated(norm, m.start()):
            return m
    return None


def _narrative_text(draft: Draft) -> str:
    """The draft's running text in its own case (names such as 'Bachelor Artificial Intelligence' are told
    by their capitals), parts joined by ' .' and a newline."""
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
    return " .\n".join(p for p in parts if p)


def _ai_use(draft: Draft, text: str) -> tuple[bool, Phrase | None]:
    """`text`: the draft's running text in its own case (`_narrative_text`)."""
    if draft.uses_ai:
        return True, Phrase("reason.uses_ai")
    if draft.ai is not None and not is_blank(draft.ai.models):
        return True, Phrase("reason.ai_block")
    terms = describes_ai(text, draft.areas)
    if terms:
        return True, Phrase("reason.text", {"term": terms[0]})
    return False, None


def render(value: Any, lang: str) -> Any:
    """`value` with a `Phrase` rendered in `lang` (catalogue key `check.<key>`); other values unchanged.
    Raises KeyError for a key missing from the catalogue (a bug the catalogue tests catch)."""
    if not isinstance(value, Phrase):
        return value
    return message(f"check.{value.key}", lang, **{k: render(v, lang) for k, v in value.params.items()})


def ai_in_use(draft: Draft, lang: str = "en") -> tuple[bool, str]:
    """(used, reason in `lang`): AI counts as used when `uses_ai` is true, the ai block names a model, or
    the text describes AI (`terms.describes_ai`; in an area-4b project a predictive model is enough)."""
    used, reason = _ai_use(draft, _narrative_text(draft))
    return used, render(reason, lang) if reason else ""


def context(draft: Draft, *, today: date, horizon_years: int) -> Context:
    """The `Context` of one draft."""
    text = _narrative_text(draft)
    narrative = fold(text)
    used, reason = _ai_use(draft, text)
    return Context(
        draft=draft,
        research=draft.project_type in ("research", None),
        implementation=draft.project_type in ("implementation", None),
        narrative=narrative,
        ai_used=used,
        ai_reason=reason,
        area4b="4b" in draft.areas,
        today=today,
        horizon_years=horizon_years,
    )

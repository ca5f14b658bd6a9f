"""Running the rules: `RULES` in the order they run, `check_draft`, `passed`, `check_result`.

Findings are rendered in the requested language, or in the draft's own (`draft_language`). The
retention horizon (`DEFAULT_RETENTION_HORIZON_YEARS`) and the day it counts from are passed in: the
checker reads no setting and no clock of its own unless `today` is left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache

from assistant.checker import (
    rules_ai,
    rules_answers,
    rules_basis,
    rules_ethics,
    rules_keys,
    rules_privacy,
    rules_purpose,
    rules_scope,
)
from assistant.checker.models import CheckResult, Citation, Finding
from assistant.checker.registry import BY_FIELD, Hit, Rule, context, principle_of, render
from assistant.errors import InputError
from assistant.language import detect_language
from assistant.messages import DEFAULT_LANG, LANGS, catalogues
from assistant.policy import PRINCIPLES, Ref, passage_for
from assistant.proposal import Draft, parse_draft

__all__ = [
    "DEFAULT_RETENTION_HORIZON_YEARS",
    "RULES",
    "citation",
    "draft_language",
    "draft_and_language",
    "check_draft",
    "passed",
    "check_result",
]

DEFAULT_RETENTION_HORIZON_YEARS = 10
"""A retention end more than this many years ahead is past any reasonable horizon (a product
setting: `assistant check --retention-horizon`, `ASSISTANT_RETENTION_HORIZON_YEARS`)."""

RULES: list[Rule] = [
    *rules_keys.RULES,
    *rules_answers.RULES,
    *rules_scope.RULES,
    *rules_basis.RULES,
    *rules_purpose.RULES,
    *rules_privacy.RULES,
    *rules_ai.RULES,
    *rules_ethics.RULES,
]
"""Every rule, in the order findings are reported (the draft's keys first, accountability last)."""


@cache
def citation(ref: Ref) -> Citation:
    """The passage `ref` points at, as a finding's citation (read from the corpus once per ref)."""
    passage = passage_for(ref)
    return Citation(source=passage.source, section=passage.section, text=passage.text)


def draft_language(draft: Draft) -> str:
    """'nl' or 'en': the language of the draft's free text (function words decide; `DEFAULT_LANG`
    when they do not, so the slow language model is never loaded by the checker)."""
    parts = [draft.title, draft.summary, *draft.purposes, draft.necessity, draft.retention,
             draft.human_in_the_loop, draft.interests_weighed, draft.analysis_validation]  # fmt: skip
    return detect_language(" ".join(p for p in parts if p), DEFAULT_LANG, model=False)


def draft_and_language(draft: Draft | dict, lang: str | None) -> tuple[Draft, str]:
    """(`draft` validated, the language to report in): a dict goes through `proposal.parse_draft`
    (raises `InputError` naming the field); `lang` None is the draft's own (`draft_language`), another
    value than 'nl' or 'en' raises `InputError`. The way into the checker and the privacy scan."""
    if not isinstance(draft, Draft):
        draft = parse_draft(draft)
    if lang is None:
        return draft, draft_language(draft)
    if lang not in LANGS:
        raise InputError(f"lang: must be one of {', '.join(LANGS)} (got {lang!r})")
    return draft, lang


def _finding(rule: Rule, h: Hit, lang: str) -> Finding:
    texts = catalogues()
    params = {k: render(v, lang) for k, v in h.params.items()}
    principle = principle_of(h.field) if rule.principle == BY_FIELD else rule.principle
    return Finding(
        rule=rule.id,
        principle=principle,
        severity=rule.severity,
        field=h.field,
        message=texts.text(f"check.{rule.id}.{h.message}", lang).format(**params),
        citation=citation(rule.ref or PRINCIPLES[principle].ref),
        fix=texts.text(f"check.{rule.id}.{h.fix}", lang).format(**params),
    )


def check_draft(
    draft: Draft | dict,
    *,
    lang: str | None = None,
    retention_horizon_years: int = DEFAULT_RETENTION_HORIZON_YEARS,
    today: date | None = None,
) -> list[Finding]:
    """All findings for one draft, in rule order (deterministic for a given `today`).

    A dict is validated first (`proposal.parse_draft`; raises `InputError` naming the field).
    `lang` is 'nl' or 'en' (None: the draft's language); another value raises `InputError`.
    `today` defaults to the current date."""
    draft, lang = draft_and_language(draft, lang)
    ctx = context(draft, today=today or date.today(), horizon_years=retention_horizon_years)
    return [_finding(rule, h, lang) for rule in RULES for h in rule.fn(draft, ctx)]


def passed(findings: Iterable[Finding]) -> bool:
    """True when there is no blocker and no major finding."""
    return not any(f.severity in ("blocker", "major") for f in findings)


def check_result(
    file: str,
    draft: Draft | dict,
    *,
    lang: str | None = None,
    retention_horizon_years: int = DEFAULT_RETENTION_HORIZON_YEARS,
    today: date | None = None,
) -> CheckResult:
    """The `check --json` object for one draft file (arguments as `check_draft`)."""
    findings = check_draft(draft, lang=lang, retention_horizon_years=retention_horizon_years, today=today)
    return CheckResult(file=str(file), passed=passed(findings), findings=findings)

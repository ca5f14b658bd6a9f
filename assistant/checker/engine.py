"""Running the rules: `RULES` in the order they run, `check_draft`, `passed`, `check_result`."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from assistant.checker import rules_ai, rules_basis, rules_ethics, rules_privacy, rules_purpose, rules_scope
from assistant.checker.models import CheckResult, Citation, Finding
from assistant.checker.registry import Rule, context
from assistant.policy import Ref, passage_for
from assistant.proposal import Draft, parse_draft

__all__ = ["RULES", "citation", "check_draft", "passed", "check_result"]

RULES: list[Rule] = [
    *rules_scope.RULES,
    *rules_basis.RULES,
    *rules_purpose.RULES,
    *rules_privacy.RULES,
    *rules_ai.RULES,
    *rules_ethics.RULES,
]
"""Every rule, in the order findings are reported (area first, accountability last)."""


@cache
def citation(ref: Ref) -> Citation:
    """The passage `ref` points at, as a finding's citation (read from the corpus once per ref)."""
    passage = passage_for(ref)
    return Citation(source=passage.source, section=passage.section, text=passage.text)


def check_draft(draft: Draft | dict) -> list[Finding]:
    """All findings for one draft, in rule order (deterministic). A dict is validated first
    (`proposal.parse_draft`; raises `InputError` naming the field)."""
    if not isinstance(draft, Draft):
        draft = parse_draft(draft)
    ctx = context(draft)
    return [
        Finding(
            rule=rule.id,
            principle=rule.principle,
            severity=rule.severity,
            field=field,
            message=message,
            citation=citation(rule.ref),
            fix=fix,
        )
        for rule in RULES
        for field, message, fix in rule.fn(draft, ctx)
    ]


def passed(findings: Iterable[Finding]) -> bool:
    """True when there is no blocker and no major finding."""
    return not any(f.severity in ("blocker", "major") for f in findings)


def check_result(file: str, draft: Draft | dict) -> CheckResult:
    """The `check --json` object for one draft file."""
    findings = check_draft(draft)
    return CheckResult(file=str(file), passed=passed(findings), findings=findings)

"""The checker's result types (contract: DESIGN.md, `check --json`) and what each severity means."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from assistant.messages import message
from assistant.policy import Citation

__all__ = [
    "Severity",
    "SEVERITIES",
    "SEVERITY_MEANING",
    "severity_meaning",
    "Citation",
    "Finding",
    "CheckResult",
]

Severity = Literal["blocker", "major", "minor"]
SEVERITIES: tuple[str, ...] = ("blocker", "major", "minor")


def severity_meaning(lang: str = "en") -> dict[str, str]:
    """What each severity means, in `lang` (catalogue keys `check.severity.<name>`): a product decision,
    the same for every rule of a kind (shown in docs/rules.md)."""
    return {name: message(f"check.severity.{name}", lang) for name in SEVERITIES}


SEVERITY_MEANING: dict[str, str] = severity_meaning("en")
"""What each severity means, in English (`severity_meaning` for another language)."""


class Finding(BaseModel):
    """One gap in a draft (contract: DESIGN.md, `check --json`)."""

    rule: str
    """The rule id, e.g. `storage_limitation.missing`."""
    principle: str
    """The policy principle key (`assistant.policy.PRINCIPLE_KEYS`)."""
    severity: Severity
    field: str
    """The draft field the finding is about, dotted for nested fields (`data.0.name`)."""
    message: str
    """What is wrong, in one sentence, in the requested language."""
    citation: Citation
    fix: str
    """What to add or change, in the requested language."""


class CheckResult(BaseModel):
    """The checker's verdict on one draft file."""

    file: str
    passed: bool
    """True when there is no blocker and no major finding."""
    findings: list[Finding]
    """In rule order (`RULES`)."""

"""The checker's result types (contract: DESIGN.md, `check --json`) and what each severity means."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["Severity", "SEVERITIES", "SEVERITY_MEANING", "Citation", "Finding", "CheckResult"]

Severity = Literal["blocker", "major", "minor"]
SEVERITIES: tuple[str, ...] = ("blocker", "major", "minor")

SEVERITY_MEANING: dict[str, str] = {
    "blocker": "the draft as written conflicts with the policy or lacks what makes processing lawful at all "
    "(no area, special or sensitive data, no or the wrong lawful basis, research without informed consent, "
    "a prohibited AI practice, students flagged by a model with nobody deciding). It cannot be approved as is.",
    "major": "a required element of the policy is missing or too vague to assess (purpose, necessity, "
    "retention, privacy statement, security, privacy scan, AI documentation and AI officer, human in the "
    "loop, weighing of interests, validation, a responsible person), or a term list suggests a problem a "
    "reviewer must confirm. It must be resolved, or explicitly accepted by a reviewer.",
    "minor": "advice; it does not block approval.",
}
"""What each severity means: a product decision, the same for every rule of a kind (shown in docs/rules.md)."""


class Citation(BaseModel):
    """The policy passage a finding rests on, as stored in the corpus."""

    model_config = ConfigDict(frozen=True)

    source: str
    """The corpus file, e.g. `uu-learning-analytics-beleid.md`."""
    section: str
    """The section path of the passage, e.g. `3.2 Privacy-principes > Opslagbeperking`."""
    text: str
    """The passage, verbatim."""


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
    """What is wrong, in one sentence."""
    citation: Citation
    fix: str
    """What to add or change."""


class CheckResult(BaseModel):
    """The checker's verdict on one draft file."""

    file: str
    passed: bool
    """True when there is no blocker and no major finding."""
    findings: list[Finding]
    """In rule order (`RULES`)."""

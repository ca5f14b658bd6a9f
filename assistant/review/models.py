"""The review workflow's vocabulary (statuses, verdicts, decisions) and the views it returns:
proposal, findings with verdicts, action plan, history.

Plain pydantic models, no database types; `views.py` builds them from the store's rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from assistant.policy import Citation

__all__ = [
    "STATUSES",
    "VERDICTS",
    "DECISIONS",
    "Citation",
    "Evaluation",
    "FindingView",
    "ActionItem",
    "HistoryEntry",
    "DecisionView",
    "VersionInfo",
    "ProposalSummary",
    "ProposalView",
]

STATUSES = ("submitted", "in_review", "approved", "changes_requested", "rejected")
"""A proposal's statuses: submitted -> in_review -> approved | changes_requested | rejected."""
VERDICTS = ("acceptable", "improvable", "to_fix")
"""A reviewer's verdict on one finding."""
DECISIONS = ("approved", "changes_requested", "rejected")
"""A reviewer's decision on one version (the statuses a decision leads to)."""


class Evaluation(BaseModel):
    """The current verdict on a finding."""

    verdict: str = Field(description="acceptable | improvable | to_fix")
    comment: str | None = Field(None, description="Reason (required for an acceptable blocker) or remark.")
    action: str | None = Field(None, description="What will be done (improvable).")
    owner: str | None = Field(None, description="Who does it (improvable).")
    due: date | None = Field(None, description="By when (improvable).")
    reviewer: str = Field(description="Who gave the verdict.")
    at: datetime = Field(description="When (UTC).")


class FindingView(BaseModel):
    """A checker finding of the shown version, with its current verdict (if any)."""

    id: int = Field(description="Finding id; `evaluate` accepts it where a rule occurs twice.")
    rule: str = Field(description="Checker rule id.")
    principle: str = Field(description="Policy principle key.")
    severity: str = Field(description="blocker | major | minor")
    field: str = Field("", description="Draft field the finding is about.")
    message: str = Field("", description="What is missing or wrong.")
    citation: Citation = Field(default_factory=Citation, description="Policy passage.")
    fix: str = Field("", description="How to fix it.")
    verdict: str | None = Field(None, description="Current verdict, None when not evaluated yet.")
    evaluation: Evaluation | None = Field(None, description="Details of the current verdict.")


class ActionItem(BaseModel):
    """One row of the action plan (an `improvable` verdict)."""

    finding_id: int
    rule: str
    severity: str
    what: str = Field(description="The action.")
    owner: str
    due: date
    reviewer: str
    comment: str | None = None


class HistoryEntry(BaseModel):
    """One audit-log entry."""

    action: str = Field(description="submit | resubmit | evaluate | decide | scan_mark | scan_signoff")
    actor: str
    at: datetime
    version: int | None
    details: dict[str, Any] = Field(default_factory=dict)


class DecisionView(BaseModel):
    """A decision on one version."""

    decision: str
    reviewer: str
    comment: str | None
    version: int
    at: datetime


class VersionInfo(BaseModel):
    """One submitted version of the draft."""

    version: int
    submitted_at: datetime
    findings: int


class ProposalSummary(BaseModel):
    """A row of the review queue."""

    id: int
    title: str
    author: str
    status: str = Field(description="submitted | in_review | approved | changes_requested | rejected")
    version: int = Field(description="Current draft version.")
    row_version: int = Field(description="Changes with every action; pass it back as expected_row_version.")
    created_at: datetime
    updated_at: datetime
    severities: dict[str, int] = Field(
        default_factory=dict, description="Findings per severity (current version)."
    )


class ProposalView(ProposalSummary):
    """Everything about one proposal: draft, findings with verdicts, action plan, decision, history."""

    shown_version: int = Field(description="The version whose draft and findings are shown.")
    draft: dict[str, Any]
    findings: list[FindingView]
    action_plan: list[ActionItem]
    decision: DecisionView | None = Field(None, description="The latest decision, if any.")
    decisions: list[DecisionView] = Field(default_factory=list)
    versions: list[VersionInfo] = Field(default_factory=list)
    history: list[HistoryEntry] = Field(default_factory=list)
    approval_blockers: list[str] = Field(default_factory=list, description="Why `approved` is refused now.")

"""Reading the review store into views: the queue row, one proposal with its findings, verdicts,
action plan, decisions and history, and the approval rules' open points.

Functions over an open SQLAlchemy session and the store's rows; they never write.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from assistant.errors import InputError
from assistant.proposal import DRAFT_FIELDS
from assistant.review.models import (
    ActionItem,
    Citation,
    DecisionView,
    Evaluation,
    FindingView,
    HistoryEntry,
    ProposalSummary,
    ProposalView,
    VersionInfo,
)
from assistant.review.store import AuditEntry, Decision, FindingRow, Proposal, Version

__all__ = [
    "SEVERITY_RANK",
    "title_of",
    "summary",
    "current_findings",
    "approval_problems",
    "proposal_view",
    "FieldChange",
    "field_changes",
]

SEVERITY_RANK = {"blocker": 0, "major": 1, "minor": 2}
"""Sort order of findings and of severity counts (the checker's severities, DESIGN.md)."""


def title_of(data: dict) -> str:
    """A draft's title for the queue (at most 500 characters, the column's size)."""
    return (str(data.get("title") or "").strip() or "(untitled)")[:500]


def summary(p: Proposal, counts: dict[str, int]) -> ProposalSummary:
    """The queue row of `p`; `counts` are its current version's findings per severity."""
    return ProposalSummary(
        id=p.id,
        title=p.title,
        author=p.author,
        status=p.status,
        version=p.current_version,
        row_version=p.row_version,
        created_at=p.created_at,
        updated_at=p.updated_at,
        severities=dict(sorted(counts.items(), key=lambda kv: SEVERITY_RANK.get(kv[0], 9))),
    )


def current_findings(s: Session, p: Proposal) -> list[FindingRow]:
    """The findings of `p`'s current version with their verdicts, in the checker's order."""
    return list(
        s.scalars(
            select(FindingRow)
            .join(Version)
            .where(Version.proposal_id == p.id, Version.version == p.current_version)
            .options(selectinload(FindingRow.verdicts))
            .order_by(FindingRow.position)
        )
    )


def approval_problems(findings: Iterable[FindingRow]) -> list[str]:
    """Why `approved` is refused: a blocker or major finding without a verdict, or any `to_fix`."""
    problems = []
    for f in findings:
        verdict = f.verdicts[-1].verdict if f.verdicts else None
        if verdict is None and f.severity in ("blocker", "major"):
            problems.append(f"{f.severity} finding {f.rule} has no verdict")
        elif verdict == "to_fix":
            problems.append(f"finding {f.rule} is marked to_fix")
    return problems


def proposal_view(s: Session, p: Proposal, version: int | None = None) -> ProposalView:
    """Everything about `p`, showing `version` (default: the current one). Raises InputError for a
    version that does not exist."""
    shown = version or p.current_version
    v = s.scalar(
        select(Version)
        .where(Version.proposal_id == p.id, Version.version == shown)
        .options(selectinload(Version.findings).selectinload(FindingRow.verdicts))
    )
    if v is None:
        raise InputError(
            key="error.review.no_version", field="version", id=p.id, version=shown, current=p.current_version
        )
    versions = s.execute(
        select(Version.version, Version.submitted_at, func.count(FindingRow.id))
        .outerjoin(FindingRow, FindingRow.version_id == Version.id)
        .where(Version.proposal_id == p.id)
        .group_by(Version.id)
        .order_by(Version.version)
    ).all()
    decisions = s.scalars(select(Decision).where(Decision.proposal_id == p.id).order_by(Decision.id)).all()
    audit = s.scalars(select(AuditEntry).where(AuditEntry.proposal_id == p.id).order_by(AuditEntry.id)).all()
    findings = sorted(v.findings, key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.position))
    views = [_finding_view(f) for f in findings]
    decision_views = [
        DecisionView(decision=d.decision, reviewer=d.reviewer, comment=d.comment, version=d.version, at=d.at)
        for d in decisions
    ]
    current = shown == p.current_version
    counts: dict[str, int] = {}
    for f in v.findings if current else current_findings(s, p):
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return ProposalView(
        **summary(p, counts).model_dump(),
        shown_version=shown,
        draft=v.draft_json,
        findings=views,
        action_plan=[_action(f) for f in views if f.verdict == "improvable"],
        decision=decision_views[-1] if decision_views else None,
        decisions=decision_views,
        versions=[VersionInfo(version=n, submitted_at=at, findings=c) for n, at, c in versions],
        history=[
            HistoryEntry(
                action=a.action,
                actor=a.actor,
                at=a.at,
                version=a.version,
                details={k: val for k, val in a.details.items() if val is not None},
            )
            for a in audit
        ],
        approval_blockers=approval_problems(findings) if current else [],
    )


class FieldChange(NamedTuple):
    """One field that differs between two versions of a draft (values as in the exchange format)."""

    field: str
    before: Any
    after: Any


def _blank(value: Any) -> Any:
    return None if value in (None, "", [], {}) else value


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    """The fields whose value differs from `before` to `after` (two exchange-format dicts), in the
    draft format's field order, then any extra keys alphabetically. An empty value, None, '' and []
    count as the same 'not filled in'."""
    extra = sorted((set(before) | set(after)) - set(DRAFT_FIELDS))
    return [
        FieldChange(name, before.get(name), after.get(name))
        for name in (*DRAFT_FIELDS, *extra)
        if _blank(before.get(name)) != _blank(after.get(name))
    ]


def _finding_view(f: FindingRow) -> FindingView:
    last = f.verdicts[-1] if f.verdicts else None
    evaluation = None
    if last is not None:
        evaluation = Evaluation(
            verdict=last.verdict,
            comment=last.comment,
            action=last.action,
            owner=last.owner,
            due=last.due,
            reviewer=last.reviewer,
            at=last.at,
        )
    return FindingView(
        id=f.id,
        rule=f.rule,
        principle=f.principle,
        severity=f.severity,
        field=f.field,
        message=f.message,
        citation=Citation(**f.citation),
        fix=f.fix,
        verdict=last.verdict if last else None,
        evaluation=evaluation,
    )


def _action(f: FindingView) -> ActionItem:
    e = f.evaluation
    assert e is not None and e.action and e.owner and e.due  # an improvable verdict always has all three
    return ActionItem(
        finding_id=f.id,
        rule=f.rule,
        severity=f.severity,
        what=e.action,
        owner=e.owner,
        due=e.due,
        reviewer=e.reviewer,
        comment=e.comment,
    )

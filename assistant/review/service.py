"""The review workflow: submit, evaluate findings, decide; roles, approval rules, history.

Statuses: submitted -> in_review (first evaluation) -> approved | changes_requested | rejected.
A proposal that is `submitted` or `changes_requested` goes back to `submitted` when its author
resubmits a changed draft as a new version. A decision may also be taken straight from `submitted`
(e.g. a draft without findings). `approved` and `rejected` are final.

Every change is one transaction with a compare-and-set on `proposals.row_version`; pass
`expected_row_version` (from `show`) to refuse acting on a stale view.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from assistant.errors import ConfigError, ConflictError, InputError, ReviewError
from assistant.review.models import (  # re-exported (`__all__`): callers import the views from here
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
from assistant.review.store import AuditEntry, Decision, FindingRow, Proposal, Store, Verdict, Version, utcnow

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
    "ReviewService",
]

STATUSES = ("submitted", "in_review", "approved", "changes_requested", "rejected")
VERDICTS = ("acceptable", "improvable", "to_fix")
DECISIONS = ("approved", "changes_requested", "rejected")
_OPEN = ("submitted", "in_review")
_RESUBMITTABLE = ("submitted", "changes_requested")
_SEVERITY_RANK = {"blocker": 0, "major": 1, "minor": 2}


# --------------------------------------------------------------------------- helpers


def _name(value: str | None, what: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise InputError(f"A {what} name is required.")
    return name


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    norm = (value or "").strip().lower().replace("-", "_").replace(" ", "_")
    if norm not in allowed:
        raise InputError(f"Unknown {what} {value!r}; use one of: {', '.join(allowed)}.")
    return norm


def _due(value: str | date) -> date:
    if isinstance(value, date):
        return value
    value = value.strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"Due date {value!r} is not a date in the form YYYY-MM-DD.") from None


def _as_dict(obj: Any) -> dict[str, Any]:
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    return dict(obj)


def _default_checker(draft: Any) -> list[Any]:
    from assistant.checker.rules import check_draft

    return check_draft(draft)


def _coerce_draft(draft: Any) -> Any:
    if isinstance(draft, Mapping | str | bytes):
        from assistant.proposal import parse_draft

        return parse_draft(dict(draft) if isinstance(draft, Mapping) else draft)
    if hasattr(draft, "model_dump"):
        return draft
    raise InputError("A draft must be a Draft, a mapping or JSON text in the draft exchange format.")


# --------------------------------------------------------------------------- the service


class ReviewService:
    """The review workflow over a `Store`. `reviewers` are the names allowed to evaluate and decide."""

    def __init__(
        self,
        store: Store,
        reviewers: Iterable[str],
        *,
        checker: Callable[[Any], list[Any]] | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.reviewers = {" ".join(r.split()).casefold() for r in reviewers if r.strip()}
        self.checker = checker or _default_checker
        self.clock = clock

    @classmethod
    def from_settings(cls, settings, **kwargs: Any) -> ReviewService:
        """Open the configured database (ASSISTANT_DB_URL or SQLite in ASSISTANT_HOME)."""
        return cls(Store.from_settings(settings), settings.reviewer_names(), **kwargs)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> ReviewService:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ----------------------------------------------------------------------- author actions

    def submit(self, draft: Any, author: str) -> ProposalView:
        """Store a new proposal (version 1) with the checker's findings; status `submitted`."""
        author = _name(author, "author")
        draft = _coerce_draft(draft)
        data, findings = _as_dict(draft), [_as_dict(f) for f in self.checker(draft)]
        now = self.clock()
        with self.store.write() as s:
            p = Proposal(
                title=_title(data),
                author=author,
                status="submitted",
                current_version=1,
                row_version=1,
                created_at=now,
                updated_at=now,
            )
            s.add(p)
            s.flush()
            self._add_version(s, p.id, 1, data, findings, now)
            self._audit(s, now, author, "submit", p.id, 1, {"findings": len(findings)})
            pid = p.id
        return self.show(pid)

    def resubmit(
        self, proposal_id: int, draft: Any, author: str, *, expected_row_version: int | None = None
    ) -> ProposalView:
        """The author submits a changed draft as a new version; findings are checked again."""
        author = _name(author, "author")
        draft = _coerce_draft(draft)
        data, findings = _as_dict(draft), [_as_dict(f) for f in self.checker(draft)]
        now = self.clock()
        with self.store.write() as s:
            p = self._load(s, proposal_id, expected_row_version)
            if author.casefold() != p.author.casefold():
                raise ReviewError(f"Only the author ({p.author}) can resubmit proposal {p.id}.")
            if p.status not in _RESUBMITTABLE:
                raise ReviewError(
                    f"Proposal {p.id} is {p.status}; a new version can be submitted only while "
                    "it is submitted or after changes were requested."
                )
            version = p.current_version + 1
            self._add_version(s, p.id, version, data, findings, now)
            Store.bump_row_version(
                s,
                p.id,
                p.row_version,
                status="submitted",
                current_version=version,
                title=_title(data),
                updated_at=now,
            )
            self._audit(
                s,
                now,
                author,
                "resubmit",
                p.id,
                version,
                {"findings": len(findings), "previous_status": p.status},
            )
        return self.show(proposal_id)

    # ----------------------------------------------------------------------- reviewer actions

    def evaluate(
        self,
        proposal_id: int,
        finding_rule: str | int,
        verdict: str,
        reviewer: str,
        comment: str | None = None,
        action: str | None = None,
        owner: str | None = None,
        due: str | date | None = None,
        expected_row_version: int | None = None,
    ) -> ProposalView:
        """Give a verdict on one finding of the current version (by rule id, or by finding id)."""
        verdict = _choice(verdict, VERDICTS, "verdict")
        reviewer, comment, action, owner = (
            _name(reviewer, "reviewer"),
            _text(comment),
            _text(action),
            _text(owner),
        )
        due_str = due.isoformat() if isinstance(due, date) else _text(due)
        now = self.clock()
        with self.store.write() as s:
            p = self._load(s, proposal_id, expected_row_version)
            self._check_reviewer(p, reviewer)
            if p.status not in _OPEN:
                hint = " The author must resubmit first." if p.status == "changes_requested" else ""
                raise ReviewError(
                    f"Proposal {p.id} is {p.status}; findings can be evaluated only while it is "
                    f"submitted or in review.{hint}"
                )
            finding = self._finding(s, p, finding_rule)
            if verdict == "acceptable" and finding.severity == "blocker" and not comment:
                raise ReviewError(
                    f"Finding {finding.rule} is a blocker: `acceptable` needs a reason (--comment), "
                    "e.g. the accepted risk and why it is acceptable."
                )
            due_date = None
            if verdict == "improvable":
                missing = [
                    n for n, v in (("--action", action), ("--owner", owner), ("--due", due_str)) if not v
                ]
                if missing:
                    raise ReviewError(
                        "`improvable` needs an action plan entry: what (--action), who (--owner) and "
                        f"by when (--due YYYY-MM-DD); missing {', '.join(missing)}."
                    )
                due_date = _due(due_str)
            elif action or owner or due_str:
                raise ReviewError("--action, --owner and --due belong to an `improvable` verdict only.")
            previous = finding.verdicts[-1].verdict if finding.verdicts else None
            Store.bump_row_version(s, p.id, p.row_version, status="in_review", updated_at=now)
            s.add(
                Verdict(
                    finding_id=finding.id,
                    verdict=verdict,
                    comment=comment,
                    action=action,
                    owner=owner,
                    due=due_date,
                    reviewer=reviewer,
                    at=now,
                )
            )
            self._audit(
                s,
                now,
                reviewer,
                "evaluate",
                p.id,
                p.current_version,
                {
                    "finding": finding.id,
                    "rule": finding.rule,
                    "severity": finding.severity,
                    "verdict": verdict,
                    "previous": previous,
                    "comment": comment,
                    "action": action,
                    "owner": owner,
                    "due": due_date.isoformat() if due_date else None,
                },
            )
        return self.show(proposal_id)

    def decide(
        self,
        proposal_id: int,
        reviewer: str,
        decision: str,
        comment: str | None = None,
        expected_row_version: int | None = None,
    ) -> ProposalView:
        """Decide on the current version: approved (approval rules apply), changes_requested or rejected."""
        decision = _choice(decision, DECISIONS, "decision")
        reviewer, comment = _name(reviewer, "reviewer"), _text(comment)
        now = self.clock()
        with self.store.write() as s:
            p = self._load(s, proposal_id, expected_row_version)
            self._check_reviewer(p, reviewer)
            if p.status not in _OPEN:
                raise ReviewError(
                    f"Proposal {p.id} is already {p.status}; it cannot be decided again"
                    + (" until the author resubmits." if p.status == "changes_requested" else ".")
                )
            if decision == "approved":
                problems = _approval_problems(self._current_findings(s, p))
                if problems:
                    raise ReviewError(f"Proposal {p.id} cannot be approved: " + "; ".join(problems) + ".")
            Store.bump_row_version(s, p.id, p.row_version, status=decision, updated_at=now)
            s.add(
                Decision(
                    proposal_id=p.id,
                    version=p.current_version,
                    decision=decision,
                    reviewer=reviewer,
                    comment=comment,
                    at=now,
                )
            )
            self._audit(
                s,
                now,
                reviewer,
                "decide",
                p.id,
                p.current_version,
                {"decision": decision, "comment": comment, "previous_status": p.status},
            )
        return self.show(proposal_id)

    # ----------------------------------------------------------------------- queries

    def list(self, status: str | None = None, author: str | None = None) -> list[ProposalSummary]:
        """The review queue, newest change first; optionally one status or one author."""
        with self.store.read() as s:
            q = select(Proposal).order_by(Proposal.updated_at.desc(), Proposal.id.desc())
            if status:
                q = q.where(Proposal.status == _choice(status, STATUSES, "status"))
            if author:
                q = q.where(func.lower(Proposal.author) == author.strip().lower())
            proposals = s.scalars(q).all()
            counts: dict[int, dict[str, int]] = {}
            rows = s.execute(
                select(Version.proposal_id, FindingRow.severity, func.count())
                .join(FindingRow, FindingRow.version_id == Version.id)
                .join(
                    Proposal,
                    and_(Proposal.id == Version.proposal_id, Proposal.current_version == Version.version),
                )
                .group_by(Version.proposal_id, FindingRow.severity)
            )
            for pid, severity, n in rows:
                counts.setdefault(pid, {})[severity] = n
            return [_summary(p, counts.get(p.id, {})) for p in proposals]

    def show(self, proposal_id: int, version: int | None = None) -> ProposalView:
        """Draft, findings with verdicts, action plan, decisions and history of one proposal."""
        with self.store.read() as s:
            p = self._load(s, proposal_id)
            shown = version or p.current_version
            v = s.scalar(
                select(Version)
                .where(Version.proposal_id == p.id, Version.version == shown)
                .options(selectinload(Version.findings).selectinload(FindingRow.verdicts))
            )
            if v is None:
                raise InputError(f"Proposal {p.id} has no version {shown} (versions 1..{p.current_version}).")
            versions = s.execute(
                select(Version.version, Version.submitted_at, func.count(FindingRow.id))
                .outerjoin(FindingRow, FindingRow.version_id == Version.id)
                .where(Version.proposal_id == p.id)
                .group_by(Version.id)
                .order_by(Version.version)
            ).all()
            decisions = s.scalars(
                select(Decision).where(Decision.proposal_id == p.id).order_by(Decision.id)
            ).all()
            audit = s.scalars(
                select(AuditEntry).where(AuditEntry.proposal_id == p.id).order_by(AuditEntry.id)
            ).all()
            findings = sorted(v.findings, key=lambda f: (_SEVERITY_RANK.get(f.severity, 9), f.position))
            views = [_finding_view(f) for f in findings]
            decision_views = [
                DecisionView(
                    decision=d.decision, reviewer=d.reviewer, comment=d.comment, version=d.version, at=d.at
                )
                for d in decisions
            ]
            counts: dict[str, int] = {}
            for f in v.findings if shown == p.current_version else self._current_findings(s, p):
                counts[f.severity] = counts.get(f.severity, 0) + 1
            return ProposalView(
                **_summary(p, counts).model_dump(),
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
                approval_blockers=_approval_problems(findings) if shown == p.current_version else [],
            )

    def action_plan(self, proposal_id: int) -> list[ActionItem]:
        """The `improvable` verdicts of the current version: what, owner, due."""
        return self.show(proposal_id).action_plan

    # ----------------------------------------------------------------------- internals

    def _load(self, s: Session, proposal_id: int, expected_row_version: int | None = None) -> Proposal:
        try:
            pid = int(proposal_id)
        except (TypeError, ValueError):
            raise InputError(f"A proposal id is a number, not {proposal_id!r}.") from None
        p = s.get(Proposal, pid)
        if p is None:
            raise ReviewError(f"There is no proposal with id {pid} (see `assistant review list`).")
        if expected_row_version is not None and int(expected_row_version) != p.row_version:
            raise ConflictError(
                f"Proposal {pid} changed meanwhile (it is now {p.status}); reload it and try again."
            )
        return p

    def _check_reviewer(self, p: Proposal, reviewer: str) -> None:
        if not self.reviewers:
            raise ConfigError(
                "No reviewers are configured: set ASSISTANT_REVIEWERS (comma-separated names) "
                "or ASSISTANT_ROLES_FILE."
            )
        if reviewer.casefold() not in self.reviewers:
            raise ReviewError(
                f"{reviewer} is not a configured reviewer (ASSISTANT_REVIEWERS / roles file); "
                "only reviewers can evaluate and decide."
            )
        if reviewer.casefold() == p.author.casefold():
            raise ReviewError(
                f"{reviewer} is the author of proposal {p.id} and cannot review it (separation of duties)."
            )

    def _current_findings(self, s: Session, p: Proposal) -> list[FindingRow]:
        return list(
            s.scalars(
                select(FindingRow)
                .join(Version)
                .where(Version.proposal_id == p.id, Version.version == p.current_version)
                .options(selectinload(FindingRow.verdicts))
                .order_by(FindingRow.position)
            )
        )

    def _finding(self, s: Session, p: Proposal, selector: str | int) -> FindingRow:
        findings = self._current_findings(s, p)
        key = str(selector).strip().lstrip("#")
        matches = [f for f in findings if f.rule.casefold() == key.casefold()]
        if not matches and key.isdigit():
            matches = [f for f in findings if f.id == int(key)]
        if len(matches) == 1:
            return matches[0]
        listing = ", ".join(f"{f.rule} (id {f.id}, {f.severity})" for f in findings) or "none"
        if matches:
            raise InputError(
                f"Rule {key} has {len(matches)} findings in proposal {p.id}; pass the finding id "
                f"instead: {listing}."
            )
        raise InputError(
            f"Proposal {p.id} (version {p.current_version}) has no finding {key!r}; its findings: {listing}."
        )

    @staticmethod
    def _add_version(
        s: Session, pid: int, version: int, data: dict, findings: list[dict], now: datetime
    ) -> None:
        v = Version(proposal_id=pid, version=version, draft_json=data, submitted_at=now)
        s.add(v)
        s.flush()
        for i, f in enumerate(findings):
            citation = f.get("citation") or {}
            s.add(
                FindingRow(
                    version_id=v.id,
                    position=i,
                    rule=str(f["rule"]),
                    principle=str(f.get("principle") or ""),
                    severity=str(f.get("severity") or "minor"),
                    field=str(f.get("field") or ""),
                    message=str(f.get("message") or ""),
                    fix=str(f.get("fix") or ""),
                    citation={k: str(citation.get(k) or "") for k in ("source", "section", "text")},
                )
            )

    @staticmethod
    def _audit(
        s: Session,
        now: datetime,
        actor: str,
        action: str,
        pid: int,
        version: int | None,
        details: dict[str, Any],
    ) -> None:
        s.add(
            AuditEntry(at=now, actor=actor, action=action, proposal_id=pid, version=version, details=details)
        )


def _title(data: dict) -> str:
    return (str(data.get("title") or "").strip() or "(untitled)")[:500]


def _summary(p: Proposal, counts: dict[str, int]) -> ProposalSummary:
    return ProposalSummary(
        id=p.id,
        title=p.title,
        author=p.author,
        status=p.status,
        version=p.current_version,
        row_version=p.row_version,
        created_at=p.created_at,
        updated_at=p.updated_at,
        severities=dict(sorted(counts.items(), key=lambda kv: _SEVERITY_RANK.get(kv[0], 9))),
    )


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
    assert e is not None and e.action and e.owner and e.due
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


def _approval_problems(findings: Iterable[FindingRow]) -> list[str]:
    problems = []
    for f in findings:
        verdict = f.verdicts[-1].verdict if f.verdicts else None
        if verdict is None and f.severity in ("blocker", "major"):
            problems.append(f"{f.severity} finding {f.rule} has no verdict")
        elif verdict == "to_fix":
            problems.append(f"finding {f.rule} is marked to_fix")
    return problems

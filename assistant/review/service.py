"""The review workflow: submit, evaluate findings, decide; roles, approval rules, history.

Statuses: submitted -> in_review (first evaluation) -> approved | changes_requested | rejected.
A proposal that is `submitted` or `changes_requested` goes back to `submitted` when its author
resubmits a changed draft as a new version. A decision may also be taken straight from `submitted`
(e.g. a draft without findings). `approved` and `rejected` are final.

Every change is one transaction with a compare-and-set on `proposals.row_version`; pass
`expected_row_version` (from `show`) to refuse acting on a stale view. Errors name the parameter
they are about in `field` (e.g. `comment`), never a CLI flag (see `assistant.errors`).
The views come from `assistant.review.models`, the input checks from `assistant.review.validate`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from assistant.errors import ConfigError, ConflictError, InputError, Name, ReviewError
from assistant.review import validate
from assistant.review.models import DECISIONS, STATUSES, VERDICTS, ActionItem, ProposalSummary, ProposalView
from assistant.review.redaction import redact_data
from assistant.review.store import AuditEntry, Decision, FindingRow, Proposal, Store, Verdict, Version, utcnow
from assistant.review.views import approval_problems, current_findings, proposal_view, summary, title_of

__all__ = ["ReviewService"]

_OPEN = ("submitted", "in_review")
_RESUBMITTABLE = ("submitted", "changes_requested")
_PLAN = ("action", "owner", "due")  # the action-plan entry of an `improvable` verdict


def _default_checker(draft: Any) -> list[Any]:
    # Imported on first submit: `review list/show/decide` never load the checker's word lists.
    from assistant.checker import check_draft

    return check_draft(draft)


def _redacted(draft: Any, lang: str) -> tuple[Any, dict[str, Any]]:
    """`draft` with its personal data redacted (the same model type), and the audit details that say
    where: `{"redacted": {field: [kinds]}}`, or `{}` when there was none."""
    data, found = redact_data(draft, lang)
    if not found:
        return draft, {}
    return type(draft).model_validate(data), {"redacted": {f.field: list(f.kinds) for f in found}}


class ReviewService:
    """The review workflow over a `Store`. `reviewers` are the names allowed to evaluate and decide.

    Every action returns the proposal's `ProposalView` after the change. Errors: InputError for input
    that cannot be used (names, choices, dates, ids; `field` says which parameter), ReviewError for
    a workflow rule (role, state, approval rules), ConflictError when `expected_row_version` is stale
    or another writer got there first, ConfigError when no reviewers are configured.
    """

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
        """Open the configured database (`settings.database_url`) with the configured reviewers."""
        return cls(Store.from_settings(settings), settings.reviewer_names(), **kwargs)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> ReviewService:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ----------------------------------------------------------------------- author actions

    def submit(self, draft: Any, author: str, *, lang: str = "en") -> ProposalView:
        """Store a new proposal (version 1) with the checker's findings; status `submitted`.

        Personal data in any text of the draft is redacted first (labels in `lang`,
        `assistant.review.redaction`); the audit entry names the fields and kinds, never the values."""
        author = validate.name(author, "author")
        draft, redacted = _redacted(validate.coerce_draft(draft), lang)
        data, findings = validate.as_dict(draft), [validate.as_dict(f) for f in self.checker(draft)]
        now = self.clock()
        with self.store.write() as s:
            p = Proposal(
                title=title_of(data),
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
            self._audit(s, now, author, "submit", p.id, 1, {"findings": len(findings)} | redacted)
            pid = p.id
        return self.show(pid)

    def resubmit(
        self,
        proposal_id: int,
        draft: Any,
        author: str,
        *,
        expected_row_version: int | None = None,
        lang: str = "en",
    ) -> ProposalView:
        """The author submits a changed draft as a new version; findings are checked again and
        personal data is redacted as in `submit`."""
        author = validate.name(author, "author")
        draft, redacted = _redacted(validate.coerce_draft(draft), lang)
        data, findings = validate.as_dict(draft), [validate.as_dict(f) for f in self.checker(draft)]
        now = self.clock()
        with self.store.write() as s:
            p = self._load(s, proposal_id, expected_row_version)
            if author.casefold() != p.author.casefold():
                raise ReviewError(key="error.review.not_author", field="author", author=p.author, id=p.id)
            if p.status not in _RESUBMITTABLE:
                raise ReviewError(key="error.review.not_resubmittable", id=p.id, status=p.status)
            version = p.current_version + 1
            self._add_version(s, p.id, version, data, findings, now)
            Store.bump_row_version(
                s,
                p.id,
                p.row_version,
                status="submitted",
                current_version=version,
                title=title_of(data),
                updated_at=now,
            )
            self._audit(
                s,
                now,
                author,
                "resubmit",
                p.id,
                version,
                {"findings": len(findings), "previous_status": p.status} | redacted,
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
        *,
        accept_risk: bool = False,
    ) -> ProposalView:
        """Give a verdict on one finding of the current version (by rule id, or by finding id).

        `acceptable` on a blocker accepts its risk: it needs a `comment` of substance (at least
        `validate.MIN_REASON_WORDS` distinct words) and `accept_risk=True`, and the audit entry records
        `risk_accepted`. `improvable` needs `action`, `owner` and `due` (YYYY-MM-DD), which no other
        verdict takes. ReviewError naming the field otherwise. Giving the same verdict again (same
        reviewer, comment and plan) changes nothing and returns the view, even from a stale view."""
        verdict = validate.choice(verdict, VERDICTS, "verdict")
        reviewer, comment, action, owner = (
            validate.name(reviewer, "reviewer"),
            validate.optional_text(comment),
            validate.optional_text(action),
            validate.optional_text(owner),
        )
        due_str = due.isoformat() if isinstance(due, date) else validate.optional_text(due)
        now = self.clock()
        with self.store.write() as s:
            finding = self._finding(s, self._load(s, proposal_id), finding_rule)
            last = finding.verdicts[-1] if finding.verdicts else None
            wanted = (verdict, comment, action, owner, due_str, reviewer.casefold())
            if last is None or wanted != (
                last.verdict,
                last.comment,
                last.action,
                last.owner,
                last.due.isoformat() if last.due else None,
                last.reviewer.casefold(),
            ):
                p = self._open_for(
                    s,
                    proposal_id,
                    expected_row_version,
                    reviewer,
                    ("error.review.not_open", "error.review.not_open_resubmit"),
                )
                self._record_verdict(s, p, finding, reviewer, wanted, accept_risk, now)
        return self.show(proposal_id)

    @staticmethod
    def _record_verdict(
        s: Session, p: Proposal, finding: FindingRow, reviewer: str, wanted: tuple, accept_risk: bool, now
    ) -> None:
        """Check and store one new verdict (see `evaluate`) with its audit entry."""
        verdict, comment, action, owner, due_str = wanted[:5]
        risk = verdict == "acceptable" and finding.severity == "blocker"
        if risk and not comment:
            raise ReviewError(key="error.review.blocker_needs_reason", field="comment", rule=finding.rule)
        if risk and (words := validate.reason_words(comment)) < validate.MIN_REASON_WORDS:
            raise ReviewError(
                key="error.review.reason_too_short",
                field="comment",
                rule=finding.rule,
                words=words,
                n=validate.MIN_REASON_WORDS,
            )
        if risk and not accept_risk:
            raise ReviewError(key="error.review.risk_not_accepted", field="accept_risk", rule=finding.rule)
        due_date = None
        plan = dict(zip(_PLAN, (action, owner, due_str), strict=True))
        names = {n: Name(n) for n in _PLAN}
        if verdict == "improvable":
            if missing := [Name(n) for n, v in plan.items() if not v]:
                raise ReviewError(
                    key="error.review.improvable_needs_plan", field=missing[0].field, missing=missing, **names
                )
            due_date = validate.due_date(due_str)
        elif given := [n for n, v in plan.items() if v]:
            raise ReviewError(key="error.review.plan_only_improvable", field=given[0], **names)
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
        ReviewService._audit(
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
                "risk_accepted": True if risk else None,
            },
        )

    def decide(
        self,
        proposal_id: int,
        reviewer: str,
        decision: str,
        comment: str | None = None,
        expected_row_version: int | None = None,
    ) -> ProposalView:
        """Decide on the current version: approved (approval rules apply), changes_requested or rejected.

        The same decision again (same reviewer and comment, on the same version, still in force) changes
        nothing and returns the view, even from a stale view: a double-clicked button is no conflict."""
        decision = validate.choice(decision, DECISIONS, "decision")
        reviewer, comment = validate.name(reviewer, "reviewer"), validate.optional_text(comment)
        now = self.clock()
        with self.store.write() as s:
            p = self._load(s, proposal_id)
            last = s.scalar(select(Decision).where(Decision.proposal_id == p.id).order_by(Decision.id.desc()))
            repeat = (
                last is not None
                and p.status == decision
                and (last.version, last.decision, last.reviewer.casefold(), last.comment)
                == (p.current_version, decision, reviewer.casefold(), comment)
            )
            if not repeat:
                p = self._open_for(
                    s,
                    proposal_id,
                    expected_row_version,
                    reviewer,
                    ("error.review.already_decided", "error.review.already_decided_resubmit"),
                )
                self._record_decision(s, p, reviewer, decision, comment, now)
        return self.show(proposal_id)

    def _record_decision(
        self, s: Session, p: Proposal, reviewer: str, decision: str, comment: str | None, now: datetime
    ) -> None:
        if decision == "approved" and (problems := approval_problems(current_findings(s, p))):
            raise ReviewError(
                key="error.review.not_approvable", field="decision", id=p.id, problems="; ".join(problems)
            )
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

    # ----------------------------------------------------------------------- queries

    def list(self, status: str | None = None, author: str | None = None) -> list[ProposalSummary]:
        """The review queue, newest change first; optionally one status or one author."""
        with self.store.read() as s:
            q = select(Proposal).order_by(Proposal.updated_at.desc(), Proposal.id.desc())
            if status:
                q = q.where(Proposal.status == validate.choice(status, STATUSES, "status"))
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
            return [summary(p, counts.get(p.id, {})) for p in proposals]

    def show(self, proposal_id: int, version: int | None = None) -> ProposalView:
        """Draft, findings with verdicts, action plan, decisions and history of one proposal."""
        with self.store.read() as s:
            return proposal_view(s, self._load(s, proposal_id), version)

    def action_plan(self, proposal_id: int) -> list[ActionItem]:
        """The `improvable` verdicts of the current version: what, owner, due."""
        return self.show(proposal_id).action_plan

    # ----------------------------------------------------------------------- internals

    def _open_for(
        self,
        s: Session,
        proposal_id: int,
        expected_row_version: int | None,
        reviewer: str,
        closed_keys: tuple[str, str],
    ) -> Proposal:
        """The proposal, for a reviewer to act on. When it is no longer open: `ReviewError` with the first
        of `closed_keys`, or the second when the author can still resubmit it."""
        p = self._load(s, proposal_id, expected_row_version)
        self._check_reviewer(p, reviewer)
        if p.status not in _OPEN:
            key = closed_keys[p.status == "changes_requested"]
            raise ReviewError(key=key, id=p.id, status=p.status)
        return p

    def _load(self, s: Session, proposal_id: int, expected_row_version: int | None = None) -> Proposal:
        pid = validate.proposal_id(proposal_id)
        p = s.get(Proposal, pid)
        if p is None:
            raise ReviewError(key="error.review.no_proposal", field="proposal_id", id=pid)
        if expected_row_version is not None and int(expected_row_version) != p.row_version:
            raise ConflictError(key="error.review.stale", id=pid, status=p.status)
        return p

    def _check_reviewer(self, p: Proposal, reviewer: str) -> None:
        roles_file = Name("roles_file", setting=True)
        if not self.reviewers:
            raise ConfigError(key="error.review.no_reviewers", field="reviewers", roles_file=roles_file)
        if reviewer.casefold() not in self.reviewers:
            raise ReviewError(
                key="error.review.not_reviewer",
                field="reviewer",
                reviewer=reviewer,
                setting=Name("reviewers", setting=True),
                roles_file=roles_file,
            )
        if reviewer.casefold() == p.author.casefold():
            raise ReviewError(key="error.review.own_proposal", field="reviewer", reviewer=reviewer, id=p.id)

    def _finding(self, s: Session, p: Proposal, selector: str | int) -> FindingRow:
        findings = current_findings(s, p)
        key = str(selector).strip().lstrip("#")
        matches = [f for f in findings if f.rule.casefold() == key.casefold()]
        if not matches and key.isdigit():
            matches = [f for f in findings if f.id == int(key)]
        if len(matches) == 1:
            return matches[0]
        listing = ", ".join(f"{f.rule} (id {f.id}, {f.severity})" for f in findings) or "none"
        if matches:
            raise InputError(
                key="error.review.ambiguous_rule",
                field="finding",
                rule=key,
                n=len(matches),
                id=p.id,
                listing=listing,
            )
        raise InputError(
            key="error.review.no_finding",
            field="finding",
            id=p.id,
            version=p.current_version,
            finding=repr(key),
            listing=listing,
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

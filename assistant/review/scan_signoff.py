"""The privacy scan in review (issue 21, point 7): reviewers mark each scan item, then sign the scan off.

Stored without a schema change, as entries of the append-only audit log of the proposal's current
version: `scan_mark` {"item": id, "mark": right | correct | privacy_officer} (a later mark on the same
item supersedes) and `scan_signoff` {"verdict", "ai_class", "marks": {mark: count}, "unmarked"}.
The proposal's `privacy_scan` counts as done only when a reviewer has signed off the scan of the
version shown (policy 3.2, *Privacyscan*; a resubmitted version needs a new sign-off); the tool never
sets it. Errors as `ReviewService.evaluate`: InputError for an unknown item or mark, ReviewError for a
user who is not a reviewer, the author, or a proposal no longer open, ConflictError for a stale view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from assistant.errors import InputError
from assistant.review import validate
from assistant.review.models import ProposalView

if TYPE_CHECKING:
    from assistant.review.service import ReviewService
    from assistant.scan.models import ScanResult

__all__ = ["students_vulnerable", "MARKS", "MARK_ACTION", "SIGNOFF_ACTION", "ScanReview", "scan_review", "scan_of", "mark_item",
           "sign_off"]  # fmt: skip

MARKS: tuple[str, ...] = ("right", "correct", "privacy_officer")
"""A reviewer's mark on one scan item: right, to correct, for the privacy officer."""
MARK_ACTION = "scan_mark"
SIGNOFF_ACTION = "scan_signoff"
_CLOSED = ("error.review.not_open", "error.review.not_open_resubmit")


@dataclass
class ScanReview:
    """The reviewers' marks and sign-off of one version's scan, read from the proposal's history."""

    version: int
    marks: dict[str, str] = field(default_factory=dict)
    """Item id -> its latest mark (one of `MARKS`)."""
    marked_by: dict[str, str] = field(default_factory=dict)
    """Item id -> the reviewer who gave the latest mark."""
    signed_off_by: str | None = None
    signed_off_at: datetime | None = None

    @property
    def done(self) -> bool:
        """True only after a reviewer signed off this version's scan: then `privacy_scan` counts as done."""
        return self.signed_off_by is not None


def scan_review(view: ProposalView, version: int | None = None) -> ScanReview:
    """Marks and sign-off of `version` (default: the version `view` shows), from `view.history`."""
    version = version or view.shown_version
    out = ScanReview(version)
    for h in view.history:
        if h.version != version:
            continue
        if h.action == MARK_ACTION and h.details.get("mark") in MARKS:
            out.marks[str(h.details.get("item"))] = h.details["mark"]
            out.marked_by[str(h.details.get("item"))] = h.actor
        elif h.action == SIGNOFF_ACTION:
            out.signed_off_by, out.signed_off_at = h.actor, h.at
    return out


def students_vulnerable() -> bool | None:
    """UU's decision whether students count as vulnerable data subjects (WP248 criterion 7), read as
    `assistant scan` reads it: `ASSISTANT_STUDENTS_VULNERABLE` yes / no; anything else (default `ask`)
    leaves the criterion open (None)."""
    import os

    return {"yes": True, "no": False}.get(os.environ.get("ASSISTANT_STUDENTS_VULNERABLE", "").strip().lower())


def scan_of(view: ProposalView, lang: str) -> ScanResult:
    """The scan of the draft `view` shows, in `lang` (`students_vulnerable()` decides WP248 criterion 7)."""
    from assistant.scan import scan_draft

    file = f"#{view.id} v{view.shown_version}"
    return scan_draft(
        view.draft, file=file, lang=lang, students_vulnerable=students_vulnerable(), principles=False
    )


def mark_item(
    svc: ReviewService,
    proposal_id: int,
    item_id: str,
    mark: str,
    reviewer: str,
    *,
    expected_row_version: int | None = None,
) -> ProposalView:
    """Record a reviewer's mark on one scan item of the current version (`scan_mark` audit entry).
    The same mark again by the same reviewer changes nothing. Returns the view after the change."""
    from assistant.scan.engine import ITEMS_BY_ID

    if str(item_id).strip() not in ITEMS_BY_ID:
        raise InputError(key="error.review.unknown_scan_item", field="item", value=repr(item_id))
    item_id = str(item_id).strip()
    if mark not in MARKS:
        raise InputError(
            key="error.review.unknown_mark", field="mark", value=repr(mark), allowed=", ".join(MARKS)
        )
    reviewer = validate.name(reviewer, "reviewer")
    now = svc.clock()
    with svc.store.write() as s:
        p = svc._open_for(s, proposal_id, expected_row_version, reviewer, _CLOSED)
        current = scan_review(_history_view(s, p))
        same = (
            current.marks.get(item_id) == mark
            and current.marked_by.get(item_id, "").casefold() == reviewer.casefold()
        )
        if not same:
            svc.store.bump_row_version(s, p.id, p.row_version, updated_at=now)
            svc._audit(
                s, now, reviewer, MARK_ACTION, p.id, p.current_version, {"item": item_id, "mark": mark}
            )
    return svc.show(proposal_id)


def sign_off(
    svc: ReviewService,
    proposal_id: int,
    reviewer: str,
    *,
    expected_row_version: int | None = None,
) -> ProposalView:
    """A reviewer signs off the current version's scan (`scan_signoff` audit entry with the scan's DPIA
    verdict, AI Act class and the marks given); from then on its `privacy_scan` counts as done. Signing
    off an already signed-off version changes nothing. Returns the view after the change."""
    reviewer = validate.name(reviewer, "reviewer")
    now = svc.clock()
    with svc.store.write() as s:
        p = svc._open_for(s, proposal_id, expected_row_version, reviewer, _CLOSED)
        view = _history_view(s, p)
        current = scan_review(view)
        if not current.done:
            scan = scan_of(view, "en")
            details = {
                "verdict": scan.verdict.dpia,
                "ai_class": scan.ai_act.ai_class,
                "marks": {m: sum(1 for v in current.marks.values() if v == m) for m in MARKS},
                "unmarked": sum(1 for i in scan.items if i.id not in current.marks),
            }
            svc.store.bump_row_version(s, p.id, p.row_version, updated_at=now)
            svc._audit(s, now, reviewer, SIGNOFF_ACTION, p.id, p.current_version, details)
    return svc.show(proposal_id)


def _history_view(s, p) -> ProposalView:
    """The current view of `p` (its draft and history) inside the write transaction."""
    from assistant.review.views import proposal_view

    return proposal_view(s, p, None)

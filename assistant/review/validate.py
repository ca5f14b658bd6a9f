"""Checking and normalising the review workflow's inputs: names, choices, due dates, drafts.

Every function raises InputError (with the `field` it is about) for input it cannot use.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from assistant.errors import InputError
from assistant.proposal import parse_draft

__all__ = [
    "MIN_REASON_WORDS",
    "name",
    "optional_text",
    "reason_words",
    "choice",
    "due_date",
    "proposal_id",
    "coerce_draft",
    "as_dict",
]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WORD = re.compile(r"[^\W\d_]{2,}")  # a run of two or more letters, in any script

MIN_REASON_WORDS = 6
"""The fewest distinct words a reason for accepting a blocker may have. Such a reason states the risk
that remains and why it is acceptable (policy: the reviewer weighs the interests and records it, as
the GDPR's accountability principle, art. 5(2), asks): a subject, a verb and an object for each half
is six words at least ("Pilot only; the privacy officer agreed." has seven). A stock reply
("ok", "prima", "fine", "looks good to me", "akkoord, geen bezwaar") has fewer, and repeating a word
does not count twice."""
_REQUIRED = {"author": "error.review.author_required", "reviewer": "error.review.reviewer_required"}
_UNKNOWN = {
    "verdict": "error.review.unknown_verdict",
    "decision": "error.review.unknown_decision",
    "status": "error.review.unknown_status",
}


def name(value: str | None, field: str) -> str:
    """A person's name with its whitespace collapsed; `field` is `author` or `reviewer`.
    Raises InputError when it is empty."""
    text = " ".join((value or "").split())
    if not text:
        raise InputError(key=_REQUIRED[field], field=field)
    return text


def optional_text(value: str | None) -> str | None:
    """Stripped text, or None for a missing or blank value."""
    value = (value or "").strip()
    return value or None


def reason_words(text: str | None) -> int:
    """How many distinct words (runs of two or more letters, case-folded) `text` has."""
    return len({w.casefold() for w in _WORD.findall(text or "")})


def choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    """`value` folded to one of `allowed` (case, `-` and spaces as `_`: "to-fix" -> "to_fix");
    `field` is verdict, decision or status. Raises InputError listing the allowed values."""
    norm = (value or "").strip().lower().replace("-", "_").replace(" ", "_")
    if norm not in allowed:
        raise InputError(key=_UNKNOWN[field], field=field, value=repr(value), allowed=", ".join(allowed))
    return norm


def due_date(value: str | date) -> date:
    """A date, or text in ISO 8601 calendar form YYYY-MM-DD; raises InputError otherwise."""
    if isinstance(value, date):
        return value
    value = value.strip()
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(key="error.review.bad_due", field="due", value=repr(value)) from None


def proposal_id(value: Any) -> int:
    """A proposal id as an int; raises InputError for anything that is not a whole number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InputError(key="error.review.bad_id", field="proposal_id", value=repr(value)) from None


def coerce_draft(draft: Any) -> Any:
    """A draft model: a pydantic model is kept, a mapping or JSON text is parsed (exchange format v1).
    Raises InputError for anything else, or as `assistant.proposal.parse_draft` does."""
    if isinstance(draft, Mapping | str | bytes):
        return parse_draft(dict(draft) if isinstance(draft, Mapping) else draft)
    if hasattr(draft, "model_dump"):
        return draft
    raise InputError(key="error.review.bad_draft", field="draft")


def as_dict(obj: Any) -> dict[str, Any]:
    """A JSON-ready dict of a pydantic model (or of a mapping)."""
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    return dict(obj)

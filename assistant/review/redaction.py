"""Personal data kept out of drafts: the chat's detector (`assistant.pii`: e-mail addresses, student
numbers, BSNs, phone numbers, IBANs) run over every text of a draft, and the texts redacted.

Used by `ReviewService.submit` / `resubmit` (so the web UI and `assistant review submit` store no
personal data), by the review export and by the Draft page (its warning, downloads and upload).
A draft describes a project, never an individual, so nothing the detector finds is needed in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.messages import message
from assistant.pii import find_pii, redact

__all__ = ["PiiInField", "find_in_draft", "redact_data", "describe"]


@dataclass(frozen=True)
class PiiInField:
    """Personal data found in one field: `field` is a dotted path of the exchange format (`purposes`,
    `data.source`, `ai.models`), `kinds` the detector's kinds (email, student_number, ...), sorted."""

    field: str
    kinds: tuple[str, ...]


def _walk(value: Any, path: str, lang: str, found: dict[str, set[str]], *, apply: bool) -> Any:
    if isinstance(value, str):
        if apply:
            text, matches = redact(value, lang)
        else:
            text, matches = value, find_pii(value)
        if matches:
            found.setdefault(path, set()).update(m.kind for m in matches)
        return text
    if isinstance(value, list | tuple):
        return [_walk(v, path, lang, found, apply=apply) for v in value]
    if isinstance(value, dict):
        return {
            k: _walk(v, f"{path}.{k}" if path else str(k), lang, found, apply=apply) for k, v in value.items()
        }
    return value


def _as_data(draft: Any) -> dict[str, Any]:
    if hasattr(draft, "model_dump"):
        return draft.model_dump(mode="json")
    return dict(draft)


def _listing(found: dict[str, set[str]]) -> list[PiiInField]:
    return [PiiInField(field, tuple(sorted(kinds))) for field, kinds in found.items()]


def find_in_draft(draft: Any) -> list[PiiInField]:
    """Where `draft` (a Draft model or an exchange-format dict) holds personal data, field by field
    in the draft's order; empty when it holds none."""
    found: dict[str, set[str]] = {}
    _walk(_as_data(draft), "", "en", found, apply=False)
    return _listing(found)


def redact_data(draft: Any, lang: str = "en") -> tuple[dict[str, Any], list[PiiInField]]:
    """The exchange-format dict of `draft` with every match replaced by its bracketed label in `lang`
    (`[EMAIL]`, `[STUDENTNUMMER]`: `assistant.pii.redact`), and where they were. Choice fields
    (areas, project type, ...) hold no free text and come back unchanged."""
    found: dict[str, set[str]] = {}
    data = _walk(_as_data(draft), "", lang, found, apply=True)
    return data, _listing(found)


def describe(found: list[PiiInField], lang: str, label: Callable[[str], str] | None = None) -> str:
    """`found` as one phrase in `lang`: 'e-mail address, student number in Purposes; phone number in
    Summary'. `label(field)` names a field (default: the dotted path)."""
    label = label or (lambda field: field)
    return "; ".join(
        message(
            "redact.item",
            lang,
            kinds=", ".join(message(f"draft.pii.{k}", lang) for k in item.kinds),
            field=label(item.field),
        )
        for item in found
    )

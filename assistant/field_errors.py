"""Readable one-line messages for the validation errors of a draft (`assistant.proposal.parse_draft`):
'data.0.category: must be one of general, sensitive, special (got 'medical')', never a pydantic dump."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

__all__ = ["format_validation_error", "got"]

_TYPE_NAMES = {
    "str": "text",
    "dict": "an object",
    "list": "a list",
    "int": "a number",
    "float": "a number",
    "bool": "true/false",
    "NoneType": "null",
}


def got(value: Any) -> str:
    """A value as an error message shows it: its kind for a list or object, else its repr (cut at 60)."""
    if isinstance(value, (dict, list)):
        return _TYPE_NAMES[type(value).__name__]
    return repr(value) if not isinstance(value, str) or len(value) < 60 else repr(value[:57] + "...")


def _message(err: dict) -> str:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"must be one of {', '.join(allowed)} (got {got(value)})"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of the draft format"
    if kind in ("string_type", "string_unicode"):
        return f"must be text (got {got(value)})"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false (got {got(value)})"
    if kind == "list_type":
        return f"must be a list (got {got(value)})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be an object (got {got(value)})"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return f"{err['msg']} (got {got(value)})"


def format_validation_error(exc: ValidationError) -> list[str]:
    """One 'path: problem' line per wrong field, e.g. 'data.0.category: must be one of ...'."""
    lines = []
    for err in exc.errors(include_url=False):
        path = ".".join(str(p) for p in err["loc"]) or "(draft)"
        line = f"{path}: {_message(err)}"
        if line not in lines:
            lines.append(line)
    return lines

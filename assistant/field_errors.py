"""Readable one-line messages for the validation errors of a draft (`assistant.proposal.parse_draft`):
'data.0.category: must be one of general, sensitive, special (got 'medical')', never a pydantic dump."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from assistant.messages import message

__all__ = ["format_validation_error", "got"]

_KINDS = {"str": "text", "dict": "object", "list": "list", "int": "number", "float": "number"}


def got(value: Any, lang: str = "en") -> str:
    """A value as an error message shows it, in JSON's terms (the format the user wrote): its kind for a
    list or object, else its JSON text ('null', 'true', '"medical"', cut at 60 characters)."""
    if isinstance(value, (dict, list)):
        return message(f"input.kind.{_KINDS[type(value).__name__]}", lang)
    if isinstance(value, str) and len(value) >= 60:
        value = value[:57] + "..."
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _message(err: dict, lang: str) -> str:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    shown = got(value, lang)
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return message("input.field.literal", lang, allowed=", ".join(allowed), got=shown)
    if kind == "missing":
        return message("input.field.required", lang)
    if kind == "extra_forbidden":
        return message("input.field.extra", lang)
    if kind in ("string_type", "string_unicode"):
        return message("input.field.text", lang, got=shown)
    if kind in ("bool_type", "bool_parsing"):
        return message("input.field.bool", lang, got=shown)
    if kind == "list_type":
        return message("input.field.list", lang, got=shown)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return message("input.field.object", lang, got=shown)
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return message("input.field.other", lang, detail=err["msg"], got=shown)


def format_validation_error(exc: ValidationError, lang: str = "en") -> list[str]:
    """One 'path: problem' line per wrong field in `lang` ('nl' or 'en'), e.g. 'data.0.category: must be
    one of general, sensitive, special (got "medical")'. A validator's own message (`value_error`) is
    given as it is written."""
    lines = []
    for err in exc.errors(include_url=False):
        path = ".".join(str(p) for p in err["loc"]) or "(draft)"
        line = f"{path}: {_message(err, lang)}"
        if line not in lines:
            lines.append(line)
    return lines

"""The optional draft fields of the privacy scan: facts that settle most of its open questions.

Draft format v1 allows extra fields; these are the ones the scan (`assistant.scan`) understands:

```
scale:            {data_subjects: int | null, scope: "course"|"programme"|"faculty"|"institution"|null}
data_subjects:    [str]          # "students", "staff", "applicants", "alumni", "minors", ...
frequency:        "once" | "periodic" | "continuous" | null
processors:       [{name: str, role: "processor"|"joint_controller"|"recipient"|null,
                    eea: bool|null, agreement: bool|null}]
rights_procedure: str            # how students exercise access, rectification and objection
effects:          str            # what can happen to a student because of the output
existing_dpia:    str | null     # a DPIA (reference) this project relies on
ai_role:          "provider" | "deployer" | "both" | null   # also read as `ai.role`
```

`read_extras(top, ai)` reads them from a parsed draft's extra fields (`Draft.model_extra`, and the
`ai` block's) as tolerantly as the parser reads the contract fields: keys in any case or with other
separators, enum values in Dutch or English words (`assistant/data/lexicons/scan.yaml`), yes/no words
for true/false, a number given as text. A value that still cannot be read is left out and named in
`Extras.problems` (the scan reports it; a draft is never refused for an optional field). A value the
drafter only suggests (`suggested.<field>`) is read too and listed in `Extras.suggested`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.lexicon import compile_terms, load_lexicon
from assistant.terms import is_blank
from assistant.text import fold

__all__ = ["SCAN_FIELDS", "Scope", "Frequency", "AIRole", "Scale", "Processor", "Extras", "read_extras",
           "add_to_schema"]  # fmt: skip

Scope = Literal["course", "programme", "faculty", "institution"]
Frequency = Literal["once", "periodic", "continuous"]
AIRole = Literal["provider", "deployer", "both"]
ProcessorRole = Literal["processor", "joint_controller", "recipient"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class Scale(_Strict):
    """How many people the processing concerns, and at what level."""

    data_subjects: int | None = Field(None, ge=0, description="Number of people whose data is processed.")
    scope: Scope | None = Field(
        None, description="Level of use: 'course', 'programme', 'faculty' or 'institution'."
    )


class Processor(_Strict):
    """A party that receives or processes the data (an LMS vendor, a dashboard or cloud provider)."""

    name: str = Field("", description="Who the party is.")
    role: ProcessorRole | None = Field(
        None, description="'processor' (GDPR Art. 28), 'joint_controller' or 'recipient'."
    )
    eea: bool | None = Field(None, description="True when the data stays inside the EEA.")
    agreement: bool | None = Field(None, description="True when a processing agreement is in place.")


class Extras(_Strict):
    """The optional scan fields of one draft (all optional; None or empty = not given)."""

    scale: Scale | None = Field(None, description="Scale and scope of the processing (privacy scan).")
    data_subjects: list[str] = Field(
        default_factory=list,
        description="Whose data is processed: students, staff, applicants, alumni, minors ... (privacy scan).",
    )
    frequency: Frequency | None = Field(
        None, description="How often data is collected: 'once', 'periodic' or 'continuous' (privacy scan)."
    )
    processors: list[Processor] = Field(
        default_factory=list, description="Processors and recipients of the data (privacy scan)."
    )
    rights_procedure: str = Field(
        "", description="How students exercise their rights, objection included (privacy scan)."
    )
    effects: str = Field("", description="What can happen to a student because of the output (privacy scan).")
    existing_dpia: str | None = Field(
        None, description="Reference to an existing DPIA this project relies on (privacy scan)."
    )
    ai_role: AIRole | None = Field(
        None, description="The university's AI Act role: 'provider', 'deployer' or 'both' (privacy scan)."
    )

    problems: list[str] = Field(default_factory=list, exclude=True)
    """'field: why' for each value that could not be read (left out)."""
    suggested: list[str] = Field(default_factory=list, exclude=True)
    """Fields whose value comes from the draft's `suggested` (not confirmed by the author)."""

    def given(self, name: str) -> bool:
        """The field has a value (confirmed or suggested)."""
        value = getattr(self, name)
        return value not in (None, "", []) and not (isinstance(value, Scale) and value == Scale())


SCAN_FIELDS: tuple[str, ...] = tuple(f for f in Extras.model_fields if f not in ("problems", "suggested"))

_LEX = load_lexicon("scan").groups
_GENERAL = load_lexicon("general").groups
_YES = compile_terms(_GENERAL["yes"].terms)
_NO = compile_terms(_GENERAL["no"].terms)


@cache
def _values(prefix: str) -> tuple[tuple[str, re.Pattern], ...]:
    """(value, pattern) for the lexicon groups named `<prefix> <value>`."""
    return tuple(
        (name.removeprefix(prefix).strip(), compile_terms(g.terms))
        for name, g in _LEX.items()
        if name.startswith(prefix)
    )


def _enum(value: Any, prefix: str, allowed: tuple[str, ...]) -> Any:
    if not isinstance(value, str):
        return value
    norm = fold(value).strip().rstrip(".")
    key = re.sub(r"[\s\-]+", "_", norm)
    if key in allowed:
        return key
    if is_blank(value):
        return None
    found = {v for v, pattern in _values(prefix) if pattern.search(norm)}
    if prefix == "role " and ("both" in found or {"provider", "deployer"} <= found):
        return "both"
    return found.pop() if len(found) == 1 else value


def _bool(value: Any) -> Any:
    if isinstance(value, str):
        norm = fold(value).strip().rstrip(".!")
        return True if _YES.fullmatch(norm) else False if _NO.fullmatch(norm) else None if is_blank(value) else value  # fmt: skip
    return value


def _number(value: Any) -> Any:
    if isinstance(value, str):
        digits = re.sub(r"(?<=\d)[.,\s](?=\d{3}\b)", "", value.strip())
        m = re.fullmatch(r"[~±>≥<]?\s*(?:about |ca\.? |circa |ongeveer )?(\d+)\s*\+?", digits.lower())
        return int(m.group(1)) if m else (None if is_blank(value) else value)
    return value


def _prepare(name: str, value: Any) -> Any:
    """`value` of field `name` normalised the tolerant way (see the module docstring)."""
    if name == "scale":
        if isinstance(value, (int, str)) and not isinstance(value, bool):
            number = _number(value)
            if isinstance(number, int):
                return {"data_subjects": number}
            return {"scope": _enum(value, "scope ", Scope.__args__)}
        if isinstance(value, Mapping):
            return {
                "data_subjects": _number(value.get("data_subjects", value.get("n"))),
                "scope": _enum(value.get("scope"), "scope ", Scope.__args__),
            }
    if name == "frequency":
        return _enum(value, "frequency ", Frequency.__args__)
    if name == "ai_role":
        return _enum(value, "role ", AIRole.__args__)
    if name == "data_subjects" and isinstance(value, str):
        return [part.strip() for part in re.split(r"[,;/]|\s+(?:and|en)\s+", value) if part.strip()]
    if name == "processors":
        items = value if isinstance(value, list) else [value] if value not in (None, "") else []
        out = []
        for item in items:
            if isinstance(item, str):
                item = {"name": item}
            if isinstance(item, Mapping):
                item = {
                    **item,
                    "role": _enum(item.get("role"), "processor role ", ProcessorRole.__args__),
                    "eea": _bool(item.get("eea")),
                    "agreement": _bool(item.get("agreement")),
                }
            out.append(item)
        return out
    if name in ("rights_procedure", "effects", "existing_dpia") and isinstance(value, str):
        return None if is_blank(value) else value
    return value


def _canon(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


_CANON = {_canon(f): f for f in SCAN_FIELDS} | {"role": "ai_role", "airole": "ai_role"}


def _pick(source: Mapping[str, Any] | None, top: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (source or {}).items():
        field = _CANON.get(_canon(key)) if isinstance(key, str) else None
        if field and (top or field == "ai_role") and value is not None:
            out.setdefault(field, value)
    return out


def read_extras(top: Mapping[str, Any] | None, ai: Mapping[str, Any] | None = None) -> Extras:
    """The scan fields found in a draft's extra fields `top` (and the `ai` block's extra fields),
    then in `top["suggested"]` for fields not given; never raises (unreadable values go to `problems`)."""
    given = _pick(top, True) | {k: v for k, v in _pick(ai, False).items() if k not in _pick(top, True)}
    suggested = top.get("suggested") if top else None
    from_suggested = {k: v for k, v in _pick(suggested if isinstance(suggested, Mapping) else None, True).items()
                      if k not in given}  # fmt: skip
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, raw in {**given, **from_suggested}.items():
        value = _prepare(name, raw)
        try:
            Extras.model_validate({name: value})
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in err["loc"])
            problems.append(f"{where}: {err['msg']} (got {raw!r})"[:200])
            continue
        values[name] = value
    extras = Extras.model_validate(values)
    extras.problems = problems
    extras.suggested = [k for k in from_suggested if k in values]
    return extras


def add_to_schema(schema: dict) -> dict:
    """`schema` (the draft's JSON Schema) with the optional scan fields added as properties."""
    extra = Extras.model_json_schema()
    schema.setdefault("$defs", {}).update(extra.get("$defs", {}))
    schema["properties"].update({k: v for k, v in extra["properties"].items() if k in SCAN_FIELDS})
    return schema

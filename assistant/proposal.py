"""The proposal draft: the JSON exchange format, version 1 (see DESIGN.md), as a pydantic model.

Every field carries a description: it is the UI's help text and the LLM's schema description.
`parse_draft` / `load_draft` turn user input into a `Draft` or raise `InputError` listing every
wrong field ("data.0.category: must be one of general, sensitive, special (got 'medical')").

Area ids are normalised ("1A", " 1a", "area 1a" -> "1a"). A `Draft(...)` built directly rejects
ids outside 1a-4b; `parse_draft(..., strict=False)` (the checker's way in) keeps them so that
`rules.py` can report them as a policy finding instead of refusing the file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from assistant.errors import InputError
from assistant.policy import AREA_IDS

__all__ = [
    "FORMAT_VERSION",
    "DRAFT_FIELDS",
    "ProjectType",
    "Category",
    "LegalBasis",
    "PrivacyScan",
    "DataItem",
    "AIInfo",
    "Draft",
    "parse_draft",
    "load_draft",
    "draft_json_schema",
    "format_validation_error",
    "write_schema",
]

FORMAT_VERSION = 1

ProjectType = Literal["implementation", "research"]
Category = Literal["general", "sensitive", "special"]
LegalBasis = Literal["public_interest", "consent"]
PrivacyScan = Literal["done", "planned", "not_planned"]

# Lenient spellings accepted for enum values (after lower-casing and '-'/' ' -> '_').
_ALIASES: dict[str, str] = {
    "implementatie": "implementation",
    "implementatieproject": "implementation",
    "onderzoek": "research",
    "onderzoeksproject": "research",
    "algemeen": "general",
    "algemene": "general",
    "gevoelig": "sensitive",
    "gevoelige": "sensitive",
    "bijzonder": "special",
    "bijzondere": "special",
    "special_category": "special",
    "algemeen_belang": "public_interest",
    "publieke_taak": "public_interest",
    "public_task": "public_interest",
    "toestemming": "consent",
    "gedaan": "done",
    "uitgevoerd": "done",
    "gepland": "planned",
    "niet_gepland": "not_planned",
    "not_done": "not_planned",
}

_AREA_RE = re.compile(r"^(?:area|gebied)?\s*([1-4])\s*[.\-]?\s*([a-c])$")


def _norm_enum(value: Any) -> Any:
    if isinstance(value, str):
        key = re.sub(r"[\s\-]+", "_", value.strip().lower())
        return _ALIASES.get(key, key) if key else None
    return value


def _area_id(value: str, info: ValidationInfo) -> str:
    m = _AREA_RE.match(value.strip().lower())
    norm = f"{m.group(1)}{m.group(2)}" if m else value.strip().lower()
    if norm in AREA_IDS:
        return norm
    if info is not None and isinstance(info.context, dict) and info.context.get("keep_unknown_areas"):
        return value.strip()  # kept for the checker's `area.unknown` rule
    raise ValueError(f"must be one of {', '.join(AREA_IDS)} (got {value!r})")


AreaId = Annotated[
    str,
    AfterValidator(_area_id),
    WithJsonSchema({"type": "string", "enum": list(AREA_IDS), "description": "An application area id."}),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", str_strip_whitespace=True, validate_assignment=True)

    @field_validator("*", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any, info: ValidationInfo) -> Any:
        """`null` for a text or list field means 'not filled in'."""
        if value is None and info.field_name in cls._EMPTY_ON_NULL:
            return cls.model_fields[info.field_name].get_default(call_default_factory=True)
        return value

    _EMPTY_ON_NULL: ClassVar[tuple[str, ...]] = ()


class DataItem(_Model):
    """One kind of personal data the project processes."""

    name: str = Field(
        "",
        description="What the data is, in the words of the project (e.g. 'quiz scores per week', "
        "'logins in Brightspace').",
    )
    category: Category = Field(
        "general",
        description="GDPR category: 'general' (ordinary personal data), 'sensitive' (e.g. BSN, financial "
        "data) or 'special' (GDPR art. 9/10: health, ethnicity, religion, political opinion, trade union, "
        "genetic, biometric, sex life, criminal records). The policy allows only general personal data.",
    )
    source: str = Field("", description="Where the data comes from (e.g. Osiris, Brightspace, a survey).")

    _EMPTY_ON_NULL: ClassVar[tuple[str, ...]] = ("name", "source")

    @field_validator("category", mode="before")
    @classmethod
    def _category(cls, value: Any) -> Any:
        return "general" if value is None else _norm_enum(value)


class AIInfo(_Model):
    """How AI is used; required when `uses_ai` is true."""

    models: str = Field("", description="Which models or algorithms are used (type, version, supplier).")
    training_data: str = Field("", description="On which data the models are trained or calibrated.")
    decision_process: str = Field(
        "", description="How the model's output feeds into decisions, and who takes them."
    )
    ai_officer_consulted: bool = Field(
        False, description="True when the AI officer has been involved to assess the risks of using AI."
    )
    prohibited_practices_checked: bool = Field(
        False,
        description="True when the project was checked against the AI Act's prohibited practices "
        "(manipulative, deceptive or discriminating systems, emotion recognition in education).",
    )

    _EMPTY_ON_NULL: ClassVar[tuple[str, ...]] = (
        "models",
        "training_data",
        "decision_process",
        "ai_officer_consulted",
        "prohibited_practices_checked",
    )


class Draft(_Model):
    """A learning-analytics project proposal (draft exchange format, version 1). Extra fields are kept."""

    title: str = Field("", description="Short name of the project.")
    summary: str = Field(
        "", description="The project idea in a few sentences: what, for whom, in which course(s)."
    )
    project_type: ProjectType = Field(
        "implementation",
        description="'implementation' (long-term use of LA; lawful basis public interest) or 'research' "
        "(fundamental research, possibly with a temporary implementation; informed consent and ethics review).",
    )
    areas: list[AreaId] = Field(
        default_factory=list,
        description="Application areas of the policy (section 2) the project falls in: 1a, 1b, 2a, 2b, 3a, "
        "3b, 3c, 4a, 4b. At least one.",
    )
    purposes: list[str] = Field(
        default_factory=list,
        description="Specific, explicitly described purposes, defined in advance (purpose limitation).",
    )
    stakeholders: list[str] = Field(
        default_factory=list,
        description="Who is involved or affected: students, teachers, study advisors ...",
    )
    data: list[DataItem] = Field(
        default_factory=list, description="The personal data processed, one item per kind of data."
    )
    necessity: str = Field(
        "",
        description="Necessity test: why personal data is needed for the purposes and why anonymous or "
        "aggregated data will not do.",
    )
    legal_basis: LegalBasis | None = Field(
        None,
        description="Lawful basis: 'public_interest' (implementation projects; most research) or 'consent' "
        "(only in exceptional research cases).",
    )
    informed_consent: bool | None = Field(
        None, description="Research projects: participants are informed and give informed consent."
    )
    ethics_approval: bool | None = Field(
        None, description="Research projects: approved by the faculty ethics review committee (FETC)."
    )
    retention: str = Field(
        "",
        description="When the data is deleted or anonymised (a moment or period, not 'as long as needed').",
    )
    privacy_statement: bool | None = Field(
        None,
        description="True when a privacy statement tells the people involved which data is processed, why "
        "and by whom.",
    )
    security_measures: list[str] = Field(
        default_factory=list,
        description="Technical and organisational measures (access control, pseudonymisation, storage "
        "location ...).",
    )
    uses_ai: bool = Field(
        False, description="True when AI (e.g. a predictive or machine-learning model) is used."
    )
    ai: AIInfo | None = Field(None, description="How AI is used and checked; required when uses_ai is true.")
    human_in_the_loop: str = Field(
        "", description="Who interprets the results and takes the decisions (a person, not the system)."
    )
    privacy_scan: PrivacyScan | None = Field(
        None,
        description="Status of the privacy scan every proposal needs: 'done', 'planned' or 'not_planned'.",
    )
    interests_weighed: str = Field(
        "",
        description="How the interests of the students and staff involved were weighed against the purposes.",
    )
    analysis_validation: str = Field(
        "",
        description="How the analyses are checked to be reliable and valid, and who has the means and "
        "expertise to do so.",
    )
    responsible: str = Field(
        "", description="The person or role responsible and accountable for the processing."
    )

    _EMPTY_ON_NULL: ClassVar[tuple[str, ...]] = (
        "title",
        "summary",
        "areas",
        "purposes",
        "stakeholders",
        "data",
        "necessity",
        "retention",
        "security_measures",
        "uses_ai",
        "human_in_the_loop",
        "interests_weighed",
        "analysis_validation",
        "responsible",
    )

    @field_validator("project_type", "legal_basis", "privacy_scan", mode="before")
    @classmethod
    def _enums(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name == "project_type":
            return "implementation"
        return _norm_enum(value)

    @field_validator("areas", mode="before")
    @classmethod
    def _areas_list(cls, value: Any) -> Any:
        if isinstance(value, str):  # "1a, 1b" from a form or an LLM
            return [part for part in re.split(r"[,;]\s*|\s+(?=\d)", value) if part.strip()]
        return value

    @field_validator("areas", mode="after")
    @classmethod
    def _areas(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @field_validator("purposes", "stakeholders", "security_measures", mode="after")
    @classmethod
    def _drop_blank(cls, value: list[str]) -> list[str]:
        return [v for v in value if v]

    @classmethod
    def empty(cls, project_type: ProjectType = "implementation") -> Draft:
        """A blank draft of the given type (for the UI's form)."""
        return cls(project_type=project_type)

    def to_json(self, **extra: Any) -> str:
        """The exchange-format JSON (indented), with `extra` top-level fields added."""
        data = self.model_dump(mode="json")
        data.update(extra)
        return json.dumps(data, ensure_ascii=False, indent=2)


DRAFT_FIELDS: tuple[str, ...] = tuple(Draft.model_fields)

# --------------------------------------------------------------------------- parsing with readable errors

_TYPE_NAMES = {
    "str": "text",
    "dict": "an object",
    "list": "a list",
    "int": "a number",
    "float": "a number",
    "bool": "true/false",
    "NoneType": "null",
}


def _got(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return _TYPE_NAMES[type(value).__name__]
    return repr(value) if not isinstance(value, str) or len(value) < 60 else repr(value[:57] + "...")


def _message(err: dict) -> str:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"must be one of {', '.join(allowed)} (got {_got(value)})"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of the draft format"
    if kind in ("string_type", "string_unicode"):
        return f"must be text (got {_got(value)})"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false (got {_got(value)})"
    if kind == "list_type":
        return f"must be a list (got {_got(value)})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be an object (got {_got(value)})"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return f"{err['msg']} (got {_got(value)})"


def format_validation_error(exc: ValidationError) -> list[str]:
    """One 'path: problem' line per wrong field, e.g. 'data.0.category: must be one of ...'."""
    lines = []
    for err in exc.errors(include_url=False):
        path = ".".join(str(p) for p in err["loc"]) or "(draft)"
        line = f"{path}: {_message(err)}"
        if line not in lines:
            lines.append(line)
    return lines


_KNOWN_EXTRA = {"areas_ranked", "citations", "warnings", "format", "version", "language", "id"}


def parse_draft(data: dict | str | bytes, *, source: str = "draft", strict: bool = False) -> Draft:
    """Validate a draft given as a dict or JSON text; raise InputError listing every wrong field.

    `strict=True` (used for LLM output) also rejects unknown area ids and invented top-level fields.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{source}: not UTF-8 text (byte {exc.start}).") from None
    if isinstance(data, str):
        if not data.strip():
            raise InputError(f"{source}: empty; expected a JSON object with the draft fields.")
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})."
            ) from None
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a JSON object with the draft fields (got {_got(data)}).")
    try:
        draft = Draft.model_validate(data, context={"keep_unknown_areas": not strict})
    except ValidationError as exc:
        lines = format_validation_error(exc)
        raise InputError(
            f"{source}: {len(lines)} field(s) not valid:\n" + "\n".join(f"  - {ln}" for ln in lines)
        ) from None
    if strict:
        invented = sorted(set(draft.model_extra or {}) - _KNOWN_EXTRA)
        if invented:
            raise InputError(f"{source}: fields not in the draft format: {', '.join(invented)}")
    return draft


def load_draft(path: str | Path) -> Draft:
    """Read a draft JSON file; missing file, non-JSON and wrong fields raise InputError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found.") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a draft JSON file.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    return parse_draft(data, source=str(path))


# --------------------------------------------------------------------------- schema


def draft_json_schema() -> dict:
    """JSON Schema of draft format v1 (for the LLM, the UI and external tools)."""
    schema = Draft.model_json_schema()
    schema["$id"] = "https://uu.nl/la-policy-assistant/draft.schema.json"
    schema["title"] = "LA project proposal draft (exchange format v1)"
    return schema


def write_schema(path: str | Path) -> Path:
    """Write the draft JSON Schema (evals/draft.schema.json is generated with this)."""
    path = Path(path)
    path.write_text(json.dumps(draft_json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path

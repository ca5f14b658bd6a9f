"""The proposal draft: the JSON exchange format, version 1 (see DESIGN.md), as a pydantic model.

Every field carries a description: it is the UI's help text and the LLM's schema description.
`parse_draft` / `load_draft` turn user input into a `Draft` or raise `InputError` listing every
wrong field ("data.0.category: must be one of general, sensitive, special (got 'medical')").

Area ids are normalised ("1A", " 1a", "area 1a" -> "1a"). A `Draft(...)` built directly rejects
ids outside 1a-4b; `parse_draft(..., strict=False)` (the checker's way in) keeps them so that
the checker can report them as a policy finding instead of refusing the file.

The parser is tolerant where the input is unambiguous, and never guesses beyond that:
- enum values in any case or with spaces ("Public Interest", "DONE", "Area 1B");
- true/false given as a Dutch or English word ("ja"/"nee", "yes"/"no", "waar"/"onwaar"; the `yes`
  and `no` groups of `data/lexicons/general.yaml`); a placeholder ("onbekend", "n.v.t.") is null;
- a list or object sent as JSON text ('["1b"]'); invalid JSON there is an error naming the field;
- a key spelled differently from a field only in case or separators ("Retention",
  "privacyStatement", "trainingdata") is read as that field by `parse_draft` and listed in
  `renamed_keys`, so the checker can report it. Other unknown keys stay extra fields (the checker
  suggests near ones).
`project_type` null or missing stays None (not given), and a data item without a category is read
as general and listed in `defaulted_fields` by `parse_draft` (the checker reports both).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from assistant.errors import InputError
from assistant.extras import SCAN_FIELDS, add_to_schema
from assistant.field_errors import format_validation_error
from assistant.field_errors import got as _got
from assistant.messages import message
from assistant.policy import AREA_IDS
from assistant.written_values import bool_word as _bool_word
from assistant.written_values import norm_enum as _norm_enum

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

_AREA_RE = re.compile(r"^(?:area|gebied)?\s*([1-4])\s*[.\-]?\s*([a-c])$")


def _json_text(value: Any) -> Any:
    """A list or object sent as JSON text, decoded; any other value unchanged. Raises ValueError
    (reported under the field's name) when the text looks like JSON but is not valid."""
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"looks like JSON but is not valid JSON ({exc.msg})") from None
    return value


def _canon(key: str) -> str:
    """A key without case and separators: 'privacyStatement', 'Privacy-Statement' -> 'privacystatement'."""
    return re.sub(r"[^a-z0-9]", "", key.lower())


def _prepare(data: dict) -> tuple[dict, dict[str, tuple[dict[str, str], frozenset[str]]]]:
    """`data` with keys spelled otherwise renamed at the top, in `ai` and in each data item, and per part
    ('', 'ai', 'data.0', ...) what was read otherwise: (renamed keys, fields filled with a default)."""
    notes: dict[str, tuple[dict[str, str], frozenset[str]]] = {}

    def part(raw: Any, model: type[_Model], path: str) -> Any:
        if isinstance(raw, str) and path != "":
            try:
                raw = _json_text(raw)
            except ValueError:
                return raw  # reported with the field's name by validation
        if not isinstance(raw, dict):
            return raw
        raw, renamed = _read_spellings(raw, _field_names(model))
        defaulted = frozenset(f for f in model._DEFAULTED if _norm_enum(raw.get(f)) is None)
        if renamed or defaulted:
            notes[path] = (renamed, defaulted)
        return raw

    data = part(data, Draft, "")
    if "ai" in data:
        data = {**data, "ai": part(data["ai"], AIInfo, "ai")}
    items = (
        part(data.get("data"), DataItem, "data") if isinstance(data.get("data"), str) else data.get("data")
    )
    if isinstance(items, list):
        data = {**data, "data": [part(item, DataItem, f"data.{i}") for i, item in enumerate(items)]}
    return data, notes


_TEXT_LISTS = ("purposes", "stakeholders", "security_measures")


def _lenient(data: dict, aside: dict[str, str]) -> dict:
    """A lenient parse's reading of values a person writes in the wrong shape (the checker turns each
    into a finding, `keys.not_yes_no` / `keys.text_as_list`, and runs its rules on what is left):
    free text in a true/false field that is no yes or no word ('nog niet, pas na de pilot'), or a list
    of texts there ('announcement in the news feed', 'slide in the first lecture'), is set aside (a list
    joined with '; ') and read as not given (null; false for `uses_ai` and the `ai` checks); a plain text where
    a list of texts is expected ('As agreed with IT.') is read as a list of that one text; a text that
    is none of a choice field's values ('after go-live' for `privacy_scan`) is read as not given. Set-aside
    values go to `aside` under their path ('ai.ai_officer_consulted')."""
    data = dict(data)

    def free_text(value: Any) -> bool:
        texts = isinstance(value, list) and value and all(isinstance(v, str) for v in value)
        return bool(texts) or (isinstance(value, str) and isinstance(_bool_word(value), str))

    def as_text(value: str | list[str]) -> str:
        return value if isinstance(value, str) else "; ".join(value)

    for name in Draft._BOOLS:
        if free_text(data.get(name)):
            aside[name] = as_text(data[name])
            data[name] = False if name == "uses_ai" else None
    if isinstance(data.get("ai"), dict):
        ai = dict(data["ai"])
        for name in AIInfo._BOOLS:
            if free_text(ai.get(name)):
                aside[f"ai.{name}"] = as_text(ai[name])
                ai[name] = False
        data["ai"] = ai
    for name, allowed in (("privacy_scan", get_args(PrivacyScan)), ("project_type", get_args(ProjectType))):
        value = data.get(name)
        if isinstance(value, str) and _norm_enum(value) not in (None, *allowed):
            aside[name] = value  # 'after go-live', 'pilot': read as not given
            data[name] = None
    for name in _TEXT_LISTS:
        value = data.get(name)
        if isinstance(value, str) and not value.strip():
            data[name] = []  # an empty text: not filled in, as null is
        elif isinstance(value, str) and value.strip()[:1] not in "[{":
            aside[name] = value
            data[name] = [value]
    return data


def _attach(draft: Draft, notes: dict[str, tuple[dict[str, str], frozenset[str]]]) -> None:
    for path, note in notes.items():
        model = draft if path == "" else draft.ai if path == "ai" else draft.data[int(path.split(".")[1])]
        if model is not None:
            model._notes = note


@cache
def _empty_on_null(model: type[BaseModel]) -> frozenset[str]:
    """The fields for which null means 'not filled in': those whose default is empty ('', [], False)."""
    fields = model.model_fields.items()
    return frozenset(n for n, f in fields if f.default_factory is list or f.default in ("", False))


@cache
def _field_names(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(model.model_fields)


@cache
def _canon_fields(fields: frozenset[str]) -> dict[str, str]:
    return {_canon(f): f for f in fields}


def _read_spellings(data: dict, fields: frozenset[str]) -> tuple[dict, dict[str, str]]:
    """`data` with keys that differ from a field only in case or separators renamed to the field
    (when the field itself is not given); returns (data, {given key: field})."""
    renamed: dict[str, str] = {}
    for key in [k for k in data if k not in fields and isinstance(k, str)]:
        field = _canon_fields(fields).get(_canon(key))
        if field and field not in data:
            data = {**data, field: data[key]}
            del data[key]
            renamed[key] = field
    return data, renamed


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

    _notes: tuple[dict[str, str], frozenset[str]] | None = PrivateAttr(None)
    """What the parser read otherwise than given: (renamed keys, defaulted fields); None when nothing."""
    _set_aside: dict[str, str] = PrivateAttr(default_factory=dict)
    """Values a lenient parse left out because the format has no such choice (field -> value as given),
    kept for the checker (e.g. a lawful basis the policy does not allow)."""

    @property
    def set_aside(self) -> dict[str, str]:
        """Field -> value given but outside the format's choices (lenient parse only; see `parse_draft`)."""
        return dict(self._set_aside)

    @field_validator("*", mode="before")
    @classmethod
    def _tolerant(cls, value: Any, info: ValidationInfo) -> Any:
        """Yes/no words for true/false fields, JSON text for list and object fields; `null` for a
        text or list field means 'not filled in'."""
        if isinstance(value, str):
            if info.field_name in cls._BOOLS:
                value = _bool_word(value)
            elif info.field_name in cls._JSON:
                value = _json_text(value)
        if value is None and info.field_name in _empty_on_null(cls):
            return cls.model_fields[info.field_name].get_default(call_default_factory=True)
        return value

    @property
    def renamed_keys(self) -> dict[str, str]:
        """Keys of the input read as a field spelled otherwise: given key -> field name."""
        return dict(self._notes[0]) if self._notes else {}

    @property
    def defaulted_fields(self) -> frozenset[str]:
        """Fields that were null or missing in the input and hold an assumed default."""
        return self._notes[1] if self._notes else frozenset()

    _BOOLS: ClassVar[tuple[str, ...]] = ()
    _JSON: ClassVar[tuple[str, ...]] = ()
    _DEFAULTED: ClassVar[tuple[str, ...]] = ()


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

    _DEFAULTED: ClassVar[tuple[str, ...]] = ("category",)

    @field_validator("category", mode="before")
    @classmethod
    def _category(cls, value: Any) -> Any:
        value = _norm_enum(value)
        return "general" if value is None else value


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

    _BOOLS: ClassVar[tuple[str, ...]] = ("ai_officer_consulted", "prohibited_practices_checked")


class Draft(_Model):
    """A learning-analytics project proposal (draft exchange format, version 1). Extra fields are kept."""

    title: str = Field("", description="Short name of the project.")
    summary: str = Field(
        "", description="The project idea in a few sentences: what, for whom, in which course(s)."
    )
    project_type: ProjectType | None = Field(
        None,
        description="'implementation' (long-term use of LA; lawful basis public interest) or 'research' "
        "(fundamental research, possibly with a temporary implementation; informed consent and ethics review). "
        "Null when not given: never assumed.",
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

    _BOOLS: ClassVar[tuple[str, ...]] = (
        "informed_consent",
        "ethics_approval",
        "privacy_statement",
        "uses_ai",
    )
    _JSON: ClassVar[tuple[str, ...]] = ("purposes", "stakeholders", "data", "security_measures", "ai")

    @field_validator("project_type", "legal_basis", "privacy_scan", mode="before")
    @classmethod
    def _enums(cls, value: Any) -> Any:
        return _norm_enum(value)

    @field_validator("areas", mode="before")
    @classmethod
    def _areas_list(cls, value: Any) -> Any:
        value = _json_text(value)  # '["1a"]' from a tool that encodes lists twice
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

# --------------------------------------------------------------------------- parsing

_KNOWN_EXTRA = {"areas_ranked", "citations", "warnings", "format", "version", "language", "id", *SCAN_FIELDS}


def parse_draft(
    data: dict | str | bytes, *, source: str = "draft", strict: bool = False, lang: str = "en"
) -> Draft:
    """Validate a draft given as a dict or JSON text; raise InputError listing every wrong field, in
    `lang` ('nl' or 'en': the user's language).

    `strict=True` (used for LLM output) also rejects unknown area ids and invented top-level fields.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(message("input.draft.not_utf8", lang, source=source, byte=exc.start)) from None
    if isinstance(data, str):
        if not data.strip():
            raise InputError(message("input.draft.empty", lang, source=source))
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise InputError(
                message(
                    "input.draft.not_json",
                    lang,
                    source=source,
                    detail=exc.msg,
                    line=exc.lineno,
                    column=exc.colno,
                )
            ) from None
    if not isinstance(data, dict):
        raise InputError(message("input.draft.not_object", lang, source=source, got=_got(data, lang)))
    data, notes = _prepare(data)
    aside: dict[str, str] = {}
    if not strict:
        data = _lenient(data, aside)
    basis = data.get("legal_basis")
    if not strict and isinstance(basis, str) and _norm_enum(basis) not in (None, *get_args(LegalBasis)):
        # another GDPR Art. 6(1) basis ('legitimate_interest', 'contract'): a finding, not a parse error
        aside["legal_basis"] = basis
        data = {**data, "legal_basis": None}
    try:
        draft = Draft.model_validate(data, context={"keep_unknown_areas": not strict})
    except ValidationError as exc:
        lines = format_validation_error(exc, lang)
        raise InputError(
            message("input.draft.fields", lang, source=source, n=len(lines))
            + "\n"
            + "\n".join(f"  - {ln}" for ln in lines)
        ) from None
    if strict:
        invented = sorted(set(draft.model_extra or {}) - _KNOWN_EXTRA)
        if invented:
            raise InputError(message("input.draft.invented", lang, source=source, names=", ".join(invented)))
    _attach(draft, notes)
    draft._set_aside = aside
    return draft


def load_draft(path: str | Path, lang: str = "en") -> Draft:
    """Read a draft JSON file; missing file, non-JSON and wrong fields raise InputError (in `lang`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(message("input.draft.not_found", lang, source=path)) from None
    except IsADirectoryError:
        raise InputError(message("input.draft.folder", lang, source=path)) from None
    except OSError as exc:
        raise InputError(
            message("input.draft.unreadable", lang, source=path, reason=exc.strerror or exc)
        ) from None
    return parse_draft(data, source=str(path), lang=lang)


# --------------------------------------------------------------------------- schema


def draft_json_schema() -> dict:
    """JSON Schema of draft format v1 (for the LLM, the UI and external tools)."""
    schema = add_to_schema(Draft.model_json_schema())  # + the optional privacy-scan fields
    schema["$id"] = "https://uu.nl/la-policy-assistant/draft.schema.json"
    schema["title"] = "LA project proposal draft (exchange format v1)"
    return schema


def write_schema(path: str | Path) -> Path:
    """Write the draft JSON Schema (evals/draft.schema.json is generated with this)."""
    path = Path(path)
    path.write_text(json.dumps(draft_json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path

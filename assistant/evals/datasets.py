"""Eval cases as typed rows, and the one loader for every eval file (STYLE.md 9: evals are data).

`load_cases(path, QuestionCase)` reads `evals/questions.jsonl`, `evals/holdout_questions.jsonl` and any
`eval --questions` file; `DescriptionCase` the drafter sets (`descriptions.jsonl`); `DraftCase` the
labelled drafts of the checker (`drafts.json`). The formats are the contracts of DESIGN.md; extra keys
(`kind`, `source`, ...) are kept, not rejected. A `.jsonl` file holds one object per line, a `.json`
file a list of objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import InputError
from assistant.evals.skeleton import SkeletonLabels
from assistant.policy import AREA_IDS, PRINCIPLE_KEYS

__all__ = [
    "QuestionCase",
    "DescriptionCase",
    "DraftCase",
    "load_jsonl",
    "load_cases",
    "as_case",
    "validate_questions",
    "question_history",
]


class _Case(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(description="Unique within its file; results carry it.")


class QuestionCase(_Case):
    """One Ask case: `{"id", "question", "expected", "answerable"}` plus optional labels."""

    question: str = Field(description="As a user would type it (Dutch or English).")
    expected: list[str] = Field(
        default_factory=list,
        description="Phrases copied from the answering passages; any one in a cited passage is a hit.",
    )
    answerable: bool = Field(description="Whether the policy text answers the question.")
    lang: Literal["nl", "en"] | None = Field(None, description="The question's language.")
    topic: str | None = Field(None, description="A policy concept key, or out_of_scope/adversarial/pii.")
    sections: list[str] = Field(default_factory=list, description="Section paths holding the phrases.")
    follow_up_of: str | None = Field(None, description="Id of the earlier question this one follows up.")
    history: list[str] | None = Field(None, description="Earlier questions of the same chat, oldest first.")
    coverage: Literal["direct", "partial", "none"] | None = Field(
        None,
        description="How the policy covers it: direct (answers it), partial (touches the topic, not the "
        "point asked), none (does not touch it); unlabelled: direct when answerable, else unknown.",
    )


class DescriptionCase(_Case):
    """One drafter case: a project idea and the application areas it falls in."""

    description: str = Field(description="The project idea in a few sentences.")
    areas: list[str] = Field(description="Application area ids (1a..4b), the best-fitting first.")
    language: str | None = Field(None, description="nl or en; detected from the description when absent.")
    skeleton: SkeletonLabels | None = Field(
        None, description="What the text states, for the skeleton's figures (`assistant.evals.skeleton`)."
    )

    @field_validator("areas", mode="before")
    @classmethod
    def _area_ids(cls, value: Any) -> Any:
        if isinstance(value, list):
            value = [str(a).strip().lower() for a in value]
            unknown = [a for a in value if a not in AREA_IDS]
            if unknown:
                raise ValueError(f"unknown area id(s) {unknown}; valid: {', '.join(AREA_IDS)}")
        return value


class DraftCase(_Case):
    """One checker case: a draft (format v1, possibly broken on purpose) and its expected gaps."""

    draft: dict[str, Any] = Field(description="The draft as JSON; parsed by the checker, not here.")
    expected: list[str] = Field(
        default_factory=list, description="Principle keys that must get a blocker or major finding."
    )
    note: str = Field("", description="Why the labels are what they are.")

    @field_validator("expected")
    @classmethod
    def _principles(cls, value: list[str]) -> list[str]:
        unknown = [p for p in value if p not in PRINCIPLE_KEYS]
        if unknown:
            raise ValueError(f"unknown principle key(s) {unknown}")
        return value


C = TypeVar("C", bound=_Case)


def load_jsonl(path: str | Path) -> list[dict]:
    """One JSON object per non-blank line; errors name the file and line."""
    return [row for _, row in _jsonl_rows(Path(path))]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _jsonl_rows(path: Path) -> list[tuple[str, dict]]:
    rows = []
    for no, line in enumerate(_read(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{no}: not valid JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise InputError(f"{path}:{no}: expected a JSON object")
        rows.append((f"{path}:{no}", row))
    return rows


def _json_rows(path: Path) -> list[tuple[str, dict]]:
    try:
        data = json.loads(_read(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg})") from exc
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise InputError(f"{path}: expected a JSON list of objects")
    return [(f"{path}: case {n}", row) for n, row in enumerate(data, 1)]


def as_case(row: C | dict, case: type[C], where: str = "case") -> C:
    """`row` as a `case` model (a dict is validated); InputError names `where` and the field."""
    if isinstance(row, case):
        return row
    try:
        return case.model_validate(row)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        raise InputError(f"{where}: {field or 'row'}: {first['msg']}", field=field) from None


def load_cases(path: str | Path, case: type[C]) -> list[C]:
    """Every case of an eval file (`.jsonl`: one object per line; otherwise a JSON list), validated
    as `case`. Raises InputError naming the file, the line (or case number) and the field."""
    path = Path(path)
    rows = _jsonl_rows(path) if path.suffix == ".jsonl" else _json_rows(path)
    return [as_case(row, case, where) for where, row in rows]


def validate_questions(rows: Iterable[QuestionCase]) -> list[str]:
    """Problems across a question set (empty list = fine): duplicate ids, labels that contradict each
    other, follow-ups of no earlier id. Single-row types and keys are checked by `QuestionCase`."""
    problems, ids = [], set()
    for row in rows:
        rid = row.id
        if rid in ids:
            problems.append(f"{rid}: duplicate id")
        ids.add(rid)
        if row.answerable and not row.expected:
            problems.append(f"{rid}: answerable but no expected phrase")
        if not row.answerable and row.expected:
            problems.append(f"{rid}: not answerable but has expected phrases")
        if row.follow_up_of and row.follow_up_of not in ids:
            problems.append(f"{rid}: follow_up_of {row.follow_up_of!r} is not an earlier id")
    return problems


def question_history(case: QuestionCase, by_id: dict[str, QuestionCase]) -> list[str]:
    """The earlier questions asked before `case` (oldest first): its `history`, else the question it
    is a `follow_up_of` (looked up in `by_id`), else none."""
    if case.history is not None:
        return list(case.history)
    prev = by_id.get(case.follow_up_of) if case.follow_up_of else None
    return [prev.question] if prev else []

"""What a drafter returns: the draft, the ranked areas, the policy passage behind each filled field."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from assistant.policy import AREAS, FIELD_PRINCIPLES, PRINCIPLES, Citation, passage_for
from assistant.proposal import DRAFT_FIELDS, Draft

__all__ = ["CITED_FIELDS", "FieldCitation", "DraftResult", "field_citation", "citations"]

CITED_FIELDS: tuple[str, ...] = tuple(
    f for f in DRAFT_FIELDS if f not in ("title", "summary", "project_type")
)
"""The fields a draft cites a passage for when filled (title, summary and project type are not cited);
which principle (and so which passage) asks for each: `assistant.policy.FIELD_PRINCIPLES`."""


class FieldCitation(Citation):
    """The policy passage that asks for a field: a `Citation` with the principle and the sentence(s)."""

    principle: str
    """Key of the principle in `assistant.policy.PRINCIPLES` ('area' for an area's own passage)."""
    quote: str
    """The sentence(s) of the passage the field rests on, verbatim (the whole passage if none is named)."""


class DraftResult(BaseModel):
    """A draft plus how it was made: ranked areas, citations per filled field, warnings."""

    draft: Draft
    """The draft in exchange format v1."""
    areas_ranked: list[tuple[str, float]] = Field(
        default_factory=list, description="Best first, with confidence."
    )
    citations: dict[str, FieldCitation] = Field(default_factory=dict)
    """Per filled field (and `areas.<id>` per chosen area), the passage that asks for it."""
    warnings: list[str] = Field(default_factory=list)
    """What the writer should check (guessed project type, AI use, special data, uncertain areas)."""
    language: str = "nl"
    """Language of the description: 'nl' or 'en'."""
    method: str = "deterministic"
    """Which drafter made the draft: 'deterministic' or 'llm'."""
    evidence: dict[str, str] = Field(default_factory=dict)
    """Area id, field or item path ('purposes.0') -> the span of the description it rests on, verbatim."""
    suggested: dict[str, Any] = Field(default_factory=dict)
    """Field -> a value the policy implies, for the author to confirm (not filled in)."""
    open_fields: list[str] = Field(default_factory=list)
    """Fields the description does not address, left empty for the author."""

    def to_dict(self) -> dict:
        """Exchange format v1 plus the extra fields `evidence`, `suggested`, `open_fields`,
        `areas_ranked`, `citations`, `warnings`."""
        data = self.draft.model_dump(mode="json")
        data["evidence"] = dict(self.evidence)
        data["suggested"] = dict(self.suggested)
        data["open_fields"] = list(self.open_fields)
        data["areas_ranked"] = [{"id": a, "confidence": round(c, 3)} for a, c in self.areas_ranked]
        data["citations"] = {k: v.model_dump() for k, v in self.citations.items()}
        data["warnings"] = list(self.warnings)
        return data


def field_citation(field: str) -> FieldCitation | None:
    """The passage that asks for `field` ('areas.1a' gives the area's own passage); None for title etc."""
    if field.startswith("areas."):
        area = AREAS.get(field.split(".", 1)[1])
        if area is None:
            return None
        principle, ref = "area", area.ref
    elif field in CITED_FIELDS:
        principle = FIELD_PRINCIPLES[field]
        ref = PRINCIPLES[principle].ref
    else:
        return None
    passage = passage_for(ref)
    return FieldCitation(
        principle=principle,
        source=passage.source,
        section=passage.section,
        quote=ref.quote or passage.text,
        text=passage.text,
    )


def citations(draft: Draft) -> dict[str, FieldCitation]:
    """The citation of every filled field of `draft` (`uses_ai` always) and of each chosen area."""
    out: dict[str, FieldCitation] = {}
    filled = {
        name
        for name in CITED_FIELDS
        if getattr(draft, name) not in (None, "", [], False) or name == "uses_ai"
    }
    for name in CITED_FIELDS:
        if name in filled:
            cite = field_citation(name)
            if cite:
                out[name] = cite
    for area in draft.areas:
        cite = field_citation(f"areas.{area}")
        if cite:
            out[f"areas.{area}"] = cite
    return out

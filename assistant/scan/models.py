"""The scan's result types (`scan --json`): items with their provenance, the DPIA verdict, the AI Act
class, and the whole result of one draft."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.checker.models import Finding
from assistant.policy import Citation

__all__ = ["Status", "STATUSES", "Level", "LEVELS", "SECTIONS", "ScanItem", "OpenQuestion", "DpiaVerdict",
           "AIActResult", "ScanResult"]  # fmt: skip

Status = Literal["from_draft", "derived", "suggested", "unknown", "for_person"]
STATUSES: tuple[str, ...] = ("from_draft", "derived", "suggested", "unknown", "for_person")
"""Where an answer comes from: copied from a draft field; derived by a named rule from draft fields;
suggested by a keyword or a default (with its evidence; a person confirms); not in the draft; or a
question only a person answers (never pre-filled)."""

Level = Literal["required", "recommended", "depends", "not_indicated"]
LEVELS: tuple[str, ...] = ("required", "recommended", "depends", "not_indicated")
"""DPIA verdicts. `not_indicated` means: no trigger found in the draft; the privacy officer confirms.
The scan never says a DPIA is not needed."""

SECTIONS: tuple[str, ...] = ("project", "purpose", "data", "lawfulness", "security", "analysis", "dpia",
                             "ai_act", "risks", "verdict")  # fmt: skip
"""The scan's sections A-J, in order."""


@dataclass(slots=True)
class ScanItem:
    """One question of the scan, answered from the draft with where the answer came from (a plain
    dataclass: the scan builds some eighty per draft, and they are made of checked parts)."""

    id: str
    """Stable id: A1 .. F6, the screening criteria G-35a .. G-WP9, H0 .. H9, I1 .. I4, J1 .. J6."""
    section: str
    """One of `SECTIONS`."""
    question: str
    """The question, in the requested language."""
    answer: Any
    """Screening and AI Act items: 'yes', 'no' or 'unknown' (or a class); other items: the draft's value;
    None for an item for a person."""
    status: Status
    fields: list[str]
    """The draft fields the answer was read from (dotted)."""
    rule: str
    """The rule that derived or suggested the answer (key of its rationale)."""
    evidence: str
    """The span of the draft a suggestion rests on, verbatim (or as folded for matching)."""
    rationale: str
    """Why, in the requested language."""
    citation: Citation
    """The policy passage or the reference entry (assistant/data/reference/dpia-criteria.yaml) it rests on."""


class OpenQuestion(BaseModel):
    """A screening item whose answer would move the DPIA verdict, and how to settle it."""

    id: str
    question: str
    settle: str
    """What settles it (a field to fill in, a suggestion to confirm, a judgement), in the requested language."""
    effort: int
    """1 a fact the author fills in, 2 a suggestion to confirm, 3 a judgement of the privacy officer."""


class DpiaVerdict(BaseModel):
    """The DPIA screening's outcome (GDPR Art. 35(3), the Dutch DPA list, WP248)."""

    dpia: Level
    lower: Level
    """The verdict with every unknown and suggested answer read as 'no'."""
    upper: Level
    """The verdict with every unknown and suggested answer read as 'yes'."""
    text: str
    """The verdict in words, in the requested language."""
    reasons: list[str] = Field(default_factory=list)
    """Ids of the screening items answered 'yes' (confirmed)."""
    open_questions: list[OpenQuestion] = Field(default_factory=list)
    """Easiest first; empty when lower and upper agree."""
    existing_dpia: str | None = None
    """A DPIA the draft says it relies on (the privacy officer decides whether it covers the project)."""


class AIActResult(BaseModel):
    """The AI Act classification questions' outcome: suggestions for the AI officer, who decides."""

    ai_system: str
    """'yes', 'no' or 'unknown' (H0)."""
    role: str
    """'provider', 'deployer', 'both' or 'unknown' (H1)."""
    prohibited_flags: list[str] = Field(default_factory=list)
    """Art. 5 practices the draft's words point at (H3; suggestions)."""
    annex_iii: list[str] = Field(default_factory=list)
    """Annex III point 3 uses suggested: '3a', '3b', '3c', '3d' (H4)."""
    profiling: str
    """'yes', 'no' or 'unknown' (H5)."""
    ai_class: str = Field(serialization_alias="class")
    """'out_of_scope', 'minimal', 'transparency', 'high_risk', 'prohibited' or 'unknown' (H7)."""
    applies_from: str = ""
    """The date the class's obligations apply (ISO), empty when none."""
    duties: list[str] = Field(default_factory=list)
    """The university's duties for this class, in the requested language (H8)."""


class ScanResult(BaseModel):
    """`scan --json` for one draft file."""

    file: str
    scan_version: int = 1
    language: str
    verdict: DpiaVerdict
    ai_act: AIActResult
    items: list[ScanItem]
    """Every item, sections A-J in order."""
    principles: list[Finding] = Field(default_factory=list)
    """The rule checker's findings on the same draft (the scan's second job: the policy's principles)."""
    problems: list[str] = Field(default_factory=list)
    """Optional scan fields whose value could not be read (left out)."""

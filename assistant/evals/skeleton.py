"""Scoring of the drafter's skeleton (issue 16 point 2) against labelled project descriptions.

A description line may carry `"skeleton"` labels (`SkeletonLabels`, written from the text alone):
the project type when the text says it, whether it describes AI, the roles that get to see the
results, the named source systems, the data kinds, the purposes and which fields the text addresses.
`score_skeleton` compares one `DraftResult` with them; `skeleton_metrics` pools the cases.

Figures (all in 0..1, None when nothing was labelled for them):
- `uses_ai_accuracy`, `uses_ai_precision`, `uses_ai_recall`: the draft's `uses_ai` against the label.
- `type_accuracy`: the draft's project type (filled, else suggested) equals the label, over cases
  labelled with one; `type_invented`: share of cases labelled null whose draft FILLS a type (a
  suggestion is not filling).
- `viewer_precision`, `viewer_recall`: micro over the roles students, teachers, advisors and directors
  (the receivers of section 2): a stakeholder entry that gets to see something against `viewers` (a
  label in other words, 'study coaches' or 'opleidingsdirecteur', read by `label_roles`).
- `source_recall`: share of labelled source systems found in some `data[].source` (folded, either
  containing the other); `source_precision`: share of the draft's distinct sources that match a label.
- `data_recall`: share of labelled data kinds matched by a draft item (half or more of the label's
  content words, or a shared content word when the label has one or two); `purpose_recall` likewise
  for purposes; `purpose_count_error`: mean |#draft purposes - #labelled|.
- `filled_precision`: of the addressable fields the draft fills, the share the text addresses
  (nothing invented); `filled_recall`: of the fields the text addresses, the share filled.
- `title_ok`: the title has 1-9 words, at least 80% of its content words occur in the description,
  and it is not the description's opening cut off (the issue's complaint).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.text import fold

__all__ = [
    "ADDRESSABLE",
    "VIEWER_ROLES",
    "SkeletonLabels",
    "label_roles",
    "score_skeleton",
    "skeleton_metrics",
]

ADDRESSABLE: tuple[str, ...] = (
    "necessity",
    "legal_basis",
    "informed_consent",
    "ethics_approval",
    "retention",
    "privacy_statement",
    "security_measures",
    "human_in_the_loop",
    "responsible",
    "analysis_validation",
)
"""The draft fields whose being addressed by a description is labelled."""

VIEWER_ROLES: tuple[str, ...] = ("students", "teachers", "advisors", "directors")
"""The receivers of the policy's section 2 grid (`assistant.drafting.cues.ROLES`)."""


class SkeletonLabels(BaseModel):
    """What a description states, labelled from its text alone (the label rules: module docstring)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    project_type: Literal["implementation", "research"] | None = None
    uses_ai: bool = False
    viewers: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    data: list[str] = Field(default_factory=list)
    purposes: list[str] = Field(default_factory=list)
    addressed: list[str] = Field(default_factory=list)


_WORD = re.compile(r"[a-z0-9]{3,}")
_STOP = frozenset(
    "the and for with from their they them this that per each van het een voor met uit die dat zijn "
    "hun haar wat hoe wie welke over naar door bij als ook aan".split()
)


def _content(text: str) -> set[str]:
    return {w for w in _WORD.findall(fold(text)) if w not in _STOP}


def _matches(label: str, items: Iterable[str]) -> bool:
    want = _content(label)
    if not want:
        return False
    need = 1 if len(want) <= 2 else (len(want) + 1) // 2
    return any(len(want & _content(item)) >= need for item in items)


def _same_source(a: str, b: str) -> bool:
    fa, fb = fold(a).strip(), fold(b).strip()
    return bool(fa and fb) and (fa in fb or fb in fa)


# A label's viewer written in other words than the four role names (a labeller who was not given them):
# the label rules of evals/skeleton_labels_README.md ("Advisors are tutors, mentors, study advisers and
# coaches. Directors are programme directors, curriculum committees, education managers and boards"),
# in English and Dutch; checked in this order (a 'studentendecaan' advises, a 'course coordinator'
# teaches). Not the drafter's cue words: the scorer reads labels, it does not draft.
_LABEL_ROLES: tuple[tuple[str, re.Pattern], ...] = tuple(
    (role, re.compile(pattern))  # no word boundary before: Dutch compounds ('studieadviseurs')
    for role, pattern in (
        (
            "advisors",
            r"tutor|mentor|advis|advies|adviseur|coach|counsel|begeleider|studieloopbaan|slb|"
            r"trajectbegeleid|studentendecaan|student support|support staff|pastoral",
        ),
        (
            "directors",
            r"director|directeur|directie|curriculum|opleidingscommissie|programme committee|program committee|"
            r"management|manager|\bboard|bestuur|dean|head of|leadership|leidinggevende|faculty staff|study affairs",
        ),
        (
            "teachers",
            r"teacher|lecturer|docent|instructor|professor|course coordinator|coordinator|coordinat|"
            r"course team|teaching team|teaching staff|module team|moduleteam|onderwijsteam|examinator|faculty",
        ),
        ("students", r"student|learner|deelnemer|participant"),
    )
)


def label_roles(viewers: Iterable[str]) -> set[str]:
    """The roles (`VIEWER_ROLES`) of a label's viewers: a role name as it is, another wording by
    `_LABEL_ROLES` (first role that matches); researchers and others count as none."""
    roles = set()
    for viewer in viewers:
        low = fold(viewer).strip()
        if low in VIEWER_ROLES:
            roles.add(low)
            continue
        for role, pattern in _LABEL_ROLES:
            if pattern.search(low):
                roles.add(role)
                break
    return roles


def _viewer_roles(result: Any) -> set[str]:
    from assistant.drafting.items import stakeholder_name

    roles = set()
    for entry in result.draft.stakeholders:
        for role in VIEWER_ROLES:
            name = fold(stakeholder_name(role, result.language))
            low = fold(entry)
            if low.startswith(name) and not low.startswith(f"{name} ("):
                roles.add(role)  # 'students (whose data are used)' is a data subject, not a viewer
    return roles


def _title_ok(title: str, description: str) -> bool:
    words = title.replace("...", " ").split()
    if not 1 <= len(words) <= 9 or title.endswith("..."):
        return False
    content = _content(title)
    source = _content(description)
    return not content or len(content & source) >= 0.8 * len(content)


def score_skeleton(result: Any, labels: SkeletonLabels, description: str) -> dict:
    """One case: counts and flags for `skeleton_metrics` (a `DraftResult` against its labels)."""
    draft = result.draft
    type_given = draft.project_type or result.suggested.get("project_type")
    viewers = _viewer_roles(result)
    want_viewers = label_roles(labels.viewers)
    sources = {d.source for d in draft.data if d.source}
    filled = {f for f in ADDRESSABLE if getattr(draft, f) not in (None, "", [])}
    addressed = set(labels.addressed) & set(ADDRESSABLE)
    return {
        "uses_ai": (bool(draft.uses_ai), labels.uses_ai),
        "type": None if labels.project_type is None else type_given == labels.project_type,
        "type_invented": labels.project_type is None and draft.project_type is not None,
        "viewers": (len(viewers & want_viewers), len(viewers), len(want_viewers)),
        "viewers_got": sorted(viewers),
        "sources": (
            sum(any(_same_source(s, g) for g in sources) for s in labels.sources),
            len(labels.sources),
            sum(any(_same_source(g, s) for s in labels.sources) for g in sources),
            len(sources),
        ),
        "data": (sum(_matches(d, [i.name for i in draft.data]) for d in labels.data), len(labels.data)),
        "purposes": (sum(_matches(p, draft.purposes) for p in labels.purposes), len(labels.purposes)),
        "purpose_count_error": abs(len(draft.purposes) - len(labels.purposes)),
        "filled": (len(filled & addressed), len(filled), len(addressed)),
        "title_ok": _title_ok(draft.title, description),
        "title": draft.title,
    }


def _share(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def skeleton_metrics(scores: list[dict]) -> dict:
    """The figures of the module docstring over `score_skeleton` results; {} for none."""
    if not scores:
        return {}
    ai = [s["uses_ai"] for s in scores]
    typed = [s["type"] for s in scores if s["type"] is not None]

    def total(key: str, i: int) -> int:
        return sum(s[key][i] for s in scores)

    return {
        "n": len(scores),
        "uses_ai_accuracy": _share(sum(g == w for g, w in ai), len(ai)),
        "uses_ai_precision": _share(sum(g and w for g, w in ai), sum(g for g, _ in ai)),
        "uses_ai_recall": _share(sum(g and w for g, w in ai), sum(w for _, w in ai)),
        "type_accuracy": _share(sum(typed), len(typed)),
        "type_invented": _share(sum(s["type_invented"] for s in scores), len(scores)),
        "viewer_precision": _share(total("viewers", 0), total("viewers", 1)),
        "viewer_recall": _share(total("viewers", 0), total("viewers", 2)),
        "source_recall": _share(total("sources", 0), total("sources", 1)),
        "source_precision": _share(total("sources", 2), total("sources", 3)),
        "data_recall": _share(total("data", 0), total("data", 1)),
        "purpose_recall": _share(total("purposes", 0), total("purposes", 1)),
        "purpose_count_error": _share(sum(s["purpose_count_error"] for s in scores), len(scores)),
        "filled_precision": _share(total("filled", 0), total("filled", 1)),
        "filled_recall": _share(total("filled", 0), total("filled", 2)),
        "title_ok": _share(sum(s["title_ok"] for s in scores), len(scores)),
    }

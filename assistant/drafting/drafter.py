"""Drafters: turn a project idea (Dutch or English) into a `Draft` mapped to the policy.

`draft_from_description` is deterministic and offline: cue words (`cues.py`, from
`assistant/data/lexicons/drafting.yaml`) place the idea in the policy's structure (group 1-4 x who gets
the insight), optionally fused with an embedder's similarity to each area's description (`rank_areas`,
here); `fields.py` fills only what the text says and leaves the rest empty for the checker.
`draft_with_llm` asks a LangChain chat model for the same schema (`with_structured_output`),
validates, retries once with the errors, and falls back to the deterministic draft with a warning.
Both return a `DraftResult` (`result.py`).
"""

from __future__ import annotations

import weakref
from typing import Any

from pydantic import BaseModel

from assistant.calibration import DrafterWeights, load_calibration
from assistant.drafting.cues import (
    AUDIENCE_CUES,
    FACTORS,
    GROUP_CUES,
    INDIVIDUALS,
    Tiers,
    count_distinct,
    receivers,
)
from assistant.drafting.fields import fill_draft
from assistant.drafting.result import FIELD_PRINCIPLES, DraftResult, FieldCitation, citations, field_citation
from assistant.errors import InputError
from assistant.language import detect_language
from assistant.policy import AREA_IDS, AREAS, passage_for
from assistant.proposal import Draft, ProjectType, parse_draft
from assistant.terms import is_negated
from assistant.text import fold

__all__ = [
    "FieldCitation",
    "DraftResult",
    "FIELD_PRINCIPLES",
    "detect_language",
    "rank_areas",
    "draft_from_description",
    "draft_with_llm",
    "field_citation",
]

# --------------------------------------------------------------------------- lexical scores

_GROUP_OF = {area_id: area.group for area_id, area in AREAS.items()}


def _tiered(cues: Tiers, folded: str, cap: float) -> float:
    return min(cap, 2.0 * count_distinct(cues.strong, folded) + count_distinct(cues.weak, folded))


def _lexical_scores(folded: str) -> dict[str, float]:
    """Per area, the cue score of a `fold`ed text: group cues x (base + who receives the insight)."""
    g = {k: _tiered(p, folded, cap=6.0) for k, p in GROUP_CUES.items()}
    links = receivers(folded)
    a = {
        k: min(1.5, count_distinct(p.strong, folded) + links[k] + 0.5 * count_distinct(p.weak, folded))
        for k, p in AUDIENCE_CUES.items()
    }
    f = min(count_distinct(FACTORS, folded), 3)
    i = min(len({m.group(0) for m in INDIVIDUALS.finditer(folded) if not is_negated(folded, m.start())}), 3)
    raw = {
        "1a": g[1] * (0.3 + a["students"]),
        "1b": g[1] * (0.3 + a["teachers"] + 0.5 * a["advisors"]),
        "2a": g[2] * (0.3 + a["teachers"]),
        "2b": g[2] * (0.3 + a["directors"]),
        "3a": g[3] * (0.3 + a["students"]),
        "3b": g[3] * (0.3 + a["teachers"] + a["advisors"]),
        "3c": g[3] * (0.3 + a["directors"]),
        "4a": g[4] * (0.3 + 0.5 * f),
        "4b": g[4] * (0.3 + 0.5 * i + 0.5 * a["advisors"]),
    }
    # The policy's own words for each area (policy.AREAS terms, then the broader cues) break ties.
    for area_id, area in AREAS.items():
        terms = len(area.terms_in(folded))
        cues = len(area.cues_in(folded))
        raw[area_id] += 0.3 * terms + 0.05 * cues
    return raw


# --------------------------------------------------------------------------- embedder fusion

_AREA_VECTORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _area_texts() -> list[str]:
    return [f"{a.label_nl}. {passage_for(a.ref).text} {a.label_en}. {a.summary_en}" for a in AREAS.values()]


def _embedding_scores(text: str, embedder: Any) -> dict[str, float]:
    try:
        matrix = _AREA_VECTORS[embedder]
    except (KeyError, TypeError):
        matrix = embedder.encode_passages(_area_texts())
        try:
            _AREA_VECTORS[embedder] = matrix
        except TypeError:
            pass
    query = embedder.encode_queries([text])[0]
    sims = [float(x) for x in (matrix @ query)]
    return dict(zip(AREA_IDS, sims, strict=True))


def rank_areas(
    text: str, *, embedder: Any = None, weights: DrafterWeights | None = None
) -> tuple[list[tuple[str, float]], list[str]]:
    """All areas ranked best first with a confidence (summing to 1), and the chosen set.

    The chosen set holds every area of the best area's group scoring at least `same_group` x the best
    score (1a and 1b, 4a and 4b often go together) and areas of another group scoring at least
    `cross_group` x the best, so a description that spans two areas gets both. With an embedder, the
    min-max scaled cosine similarity of the description to each area's policy text is mixed in (weight
    `embed_weight`); without one, or when no cue word matches at all, the other signal decides alone.
    The three `weights` default to `[drafter]` of `assistant/data/calibration.toml`, fitted by
    `assistant eval calibrate` on the train split of `evals/descriptions.jsonl`.
    """
    w = weights or load_calibration().drafter
    lexical = _lexical_scores(fold(text))
    top = max(lexical.values())
    fused = {a: (s / top if top > 0 else 0.0) for a, s in lexical.items()}
    if embedder is not None:
        sims = _embedding_scores(text, embedder)
        lo, hi = min(sims.values()), max(sims.values())
        scaled = {a: (s - lo) / (hi - lo) if hi > lo else 0.0 for a, s in sims.items()}
        weight = w.embed_weight if top > 0 else 1.0
        fused = {a: (1 - weight) * fused[a] + weight * scaled[a] for a in AREA_IDS}
    order = sorted(AREA_IDS, key=lambda a: (-fused[a], AREA_IDS.index(a)))
    total = sum(fused.values())
    ranked = [(a, fused[a] / total if total > 0 else 0.0) for a in order]
    best = fused[order[0]]
    group = _GROUP_OF[order[0]]
    chosen = [
        a
        for a in order
        if best > 0 and fused[a] >= (w.same_group if _GROUP_OF[a] == group else w.cross_group) * best
    ][:3]
    return ranked, chosen


def draft_from_description(
    text: str, project_type: ProjectType | None = None, *, embedder: Any = None
) -> DraftResult:
    """The deterministic drafter: areas, AI use, data items and purposes from the text; the rest left empty."""
    if not text or not text.strip():
        raise InputError("The description is empty: describe the project idea in a few sentences.")
    warnings: list[str] = []
    ranked, chosen = rank_areas(text, embedder=embedder)
    draft = fill_draft(text, project_type, ranked, chosen, warnings)
    return DraftResult(
        draft=draft,
        areas_ranked=ranked,
        citations=citations(draft),
        warnings=warnings,
        language=detect_language(text),
    )


# --------------------------------------------------------------------------- LLM drafter

_SYSTEM = (
    "You turn a learning-analytics project idea from Utrecht University staff into a proposal draft that "
    "follows the university's LA policy. Fill only what the description states or clearly implies; leave "
    'other fields empty ("", [], null) so a reviewer sees the gap. Areas (pick one or more): '
    + "; ".join(f"{a.key}: {a.label_en}" for a in AREAS.values())
    + ". Use project_type 'research' only for research projects. Data categories: 'general' unless the "
    "data is special (GDPR art. 9/10, e.g. health, ethnicity) or sensitive (e.g. BSN, financial data). Set "
    "uses_ai true when a predictive or machine-learning model is used. Answer in the language of the description."
)


def _invoke(structured: Any, messages: list) -> tuple[dict | None, str | None]:
    """One structured call; returns (raw arguments, error text)."""
    out = structured.invoke(messages)
    if isinstance(out, dict) and "raw" in out:
        parsed, error, raw = out.get("parsed"), out.get("parsing_error"), out.get("raw")
        if parsed is not None and error is None:
            return (parsed.model_dump(mode="json") if isinstance(parsed, BaseModel) else parsed), None
        calls = getattr(raw, "tool_calls", None) or []
        args = calls[0].get("args") if calls else None
        return (args if isinstance(args, dict) else None), str(error or "no structured output")
    if isinstance(out, BaseModel):
        return out.model_dump(mode="json"), None
    return (out if isinstance(out, dict) else None), None if isinstance(out, dict) else "no structured output"


def _llm_result(draft: Draft, fallback: DraftResult) -> DraftResult:
    """The LLM's draft, ranked with the deterministic confidences, cross-checked against the term lists."""
    confidence = dict(fallback.areas_ranked)
    ranked = [(a, confidence.get(a, 0.0)) for a in draft.areas]
    ranked += [(a, c) for a, c in fallback.areas_ranked if a not in draft.areas]
    warnings: list[str] = []
    if fallback.draft.uses_ai and not draft.uses_ai:
        warnings.append(
            "The description suggests AI (a predictive model), but the LLM draft says uses_ai is "
            "false: check it."
        )
    for item in fallback.draft.data:
        if item.category != "general" and not any(d.category != "general" for d in draft.data):
            warnings.append(
                f"The description mentions '{item.name}' ({item.category} data), which the LLM draft "
                "does not list: LA may use general personal data only."
            )
    return DraftResult(
        draft=draft,
        areas_ranked=ranked,
        citations=citations(draft),
        warnings=warnings,
        language=fallback.language,
        method="llm",
    )


def draft_with_llm(
    text: str, chat_model: Any, project_type: ProjectType | None = None, *, embedder: Any = None
) -> DraftResult:
    """Draft with an LLM (`with_structured_output(Draft)`), validated, one retry, else the deterministic draft."""
    from langchain_core.messages import HumanMessage, SystemMessage

    if not text or not text.strip():
        raise InputError("The description is empty: describe the project idea in a few sentences.")
    fallback = draft_from_description(text, project_type, embedder=embedder)
    hint = f" The project type is '{project_type}'." if project_type else ""
    messages: list = [SystemMessage(_SYSTEM + hint), HumanMessage(text)]
    try:
        structured = chat_model.with_structured_output(Draft, include_raw=True)
    except (NotImplementedError, TypeError, ValueError) as exc:
        fallback.warnings.insert(
            0, f"The LLM cannot produce structured output ({exc}); deterministic draft used."
        )
        return fallback
    problem = ""
    for attempt in (1, 2):
        try:
            data, error = _invoke(structured, messages)
        except Exception as exc:  # network, server, parser errors of any backend
            problem = f"{type(exc).__name__}: {exc}"
            break
        if data is not None:
            try:
                if project_type:
                    data = {**data, "project_type": project_type}
                draft = parse_draft(data, source="LLM draft", strict=True)
            except InputError as exc:
                error = str(exc)
            else:
                return _llm_result(draft, fallback)
        problem = error or "no output"
        if attempt == 1:
            messages = messages + [
                HumanMessage(
                    "Your previous answer was not a valid draft:\n"
                    + problem
                    + "\nReturn the corrected draft; use only the fields of the schema and area ids 1a-4b."
                )
            ]
    fallback.warnings.insert(
        0,
        f"The LLM draft was not valid after a retry ({problem.splitlines()[0]}); "
        "the deterministic draft is shown instead.",
    )
    return fallback

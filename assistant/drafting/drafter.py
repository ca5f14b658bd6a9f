"""Drafters: turn a project idea (Dutch or English) into a `Draft` mapped to the policy.

`draft_from_description` is deterministic and offline: cue words (`cues.py`, from
`assistant/data/lexicons/drafting.yaml`) place the idea in the grid of the policy's section 2 (who gets
the insight x when and for what, `areas.py`), optionally fused with an embedder's similarity to each
area's passage; `fields.py` fills only what the text says, with the span it rests on, lists the rest
as open and offers what the policy implies as suggestions.
`draft_with_llm` asks a LangChain chat model for the same schema (`with_structured_output`),
validates, retries once with the errors, and falls back to the deterministic draft with a warning.
Both return a `DraftResult` (`result.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from assistant.drafting.areas import map_areas, rank_areas, sentence_spans
from assistant.drafting.fields import build_skeleton
from assistant.drafting.result import CITED_FIELDS, DraftResult, FieldCitation, citations, field_citation
from assistant.errors import InputError
from assistant.language import detect_language
from assistant.messages import message
from assistant.pii import redact
from assistant.policy import AREAS
from assistant.proposal import Draft, ProjectType, parse_draft

__all__ = [
    "FieldCitation",
    "DraftResult",
    "CITED_FIELDS",
    "detect_language",
    "rank_areas",
    "draft_from_description",
    "draft_with_llm",
    "field_citation",
]


def draft_from_description(
    text: str, project_type: ProjectType | None = None, *, embedder: Any = None, cache_dir: Path | None = None
) -> DraftResult:
    """The deterministic drafter: the areas of the grid (`areas.map_areas`) and the skeleton of
    `fields.build_skeleton`, each with its evidence; the rest left empty and listed as open.

    Personal data in the description (e-mail addresses, student numbers, phone numbers, BSNs, IBANs:
    `assistant.pii`) is redacted first, so it reaches no field, and the result warns about it.
    Warnings are in the description's language. `cache_dir` keeps the area vote's example vectors of a
    non-default embedding model. Raises InputError for an empty description."""
    if not text or not text.strip():
        raise InputError(message("draft.warn.empty", "en"))
    lang = detect_language(text)
    clean, personal = redact(text, lang)
    spans = sentence_spans(clean)
    mapping = map_areas(clean, embedder=embedder, cache_dir=cache_dir)
    sk = build_skeleton(clean, project_type, mapping, spans, lang)
    warnings = list(sk.warnings)
    if note := _personal_data_warning(personal, lang):
        warnings.insert(0, note)
    return DraftResult(
        draft=sk.draft,
        areas_ranked=mapping.ranked,
        citations=citations(sk.draft),
        warnings=warnings,
        language=lang,
        evidence=sk.evidence,
        suggested=sk.suggested,
        open_fields=sk.open_fields,
    )


def _personal_data_warning(matches: list, lang: str) -> str | None:
    if not matches:
        return None
    kinds = ", ".join(message(f"draft.pii.{k}", lang) for k in sorted({m.kind for m in matches}))
    return message("draft.warn.personal_data", lang, kinds=kinds)


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
        # the text's evidence for the areas both drafters chose; the policy's suggestions for what is empty
        evidence={a: span for a, span in fallback.evidence.items() if a in draft.areas},
        suggested={k: v for k, v in fallback.suggested.items() if getattr(draft, k, None) in (None, "")},
    )


def draft_with_llm(
    text: str,
    chat_model: Any,
    project_type: ProjectType | None = None,
    *,
    embedder: Any = None,
    cache_dir: Path | None = None,
) -> DraftResult:
    """Draft with an LLM (`with_structured_output(Draft)`), validated, one retry, else the deterministic draft."""
    from langchain_core.messages import HumanMessage, SystemMessage

    if not text or not text.strip():
        raise InputError(message("draft.warn.empty", "en"))
    fallback = draft_from_description(text, project_type, embedder=embedder, cache_dir=cache_dir)
    text, _ = redact(text, fallback.language)  # no personal data leaves the machine
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

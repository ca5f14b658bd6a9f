"""Drafters: turn a project idea (Dutch or English) into a `Draft` mapped to the policy.

`draft_from_description` is deterministic and offline: cue words (`_draft_cues.py`) place the idea in
the policy's structure (group 1-4 x who gets the insight), optionally fused with an embedder's similarity
to each area's description; it fills only what the text says and leaves the rest empty for the checker.
`draft_with_llm` asks a LangChain chat model for the same schema (`with_structured_output`),
validates, retries once with the errors, and falls back to the deterministic draft with a warning.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from pydantic import BaseModel, Field

from assistant.drafting.cues import (
    _AUDIENCE,
    _DATA_LEXICON,
    _DECIDES,
    _FACTORS,
    _GROUPS,
    _IMPLEMENTATION,
    _INDIVIDUALS,
    _LMS,
    _PURPOSE,
    _RESEARCH,
    _ROLES_EN,
    _ROLES_NL,
    _SECURITY,
    _receivers,
)
from assistant.errors import InputError
from assistant.language import detect_language
from assistant.policy import AREA_IDS, AREAS, PRINCIPLES, passage_for
from assistant.proposal import AIInfo, DataItem, Draft, ProjectType, parse_draft
from assistant.terms import (  # one source for the term lists
    describes_ai,
    find_category_terms,
    is_negated,
    normalize,
)

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

# Which principle (and so which policy passage) asks for each field of the draft.
FIELD_PRINCIPLES: dict[str, str] = {
    "areas": "area",
    "purposes": "purpose_limitation",
    "stakeholders": "transparency",
    "data": "data_categories",
    "necessity": "necessity",
    "legal_basis": "legal_basis",
    "informed_consent": "informed_consent",
    "ethics_approval": "informed_consent",
    "retention": "storage_limitation",
    "privacy_statement": "transparency",
    "security_measures": "security",
    "uses_ai": "ai_documentation",
    "ai": "ai_documentation",
    "human_in_the_loop": "human_in_the_loop",
    "privacy_scan": "privacy_scan",
    "interests_weighed": "fair_balancing",
    "analysis_validation": "reliable_analyses",
    "responsible": "accountability",
}


class FieldCitation(BaseModel):
    """The policy passage that asks for a field."""

    principle: str
    source: str
    section: str
    quote: str
    text: str


class DraftResult(BaseModel):
    """A draft plus how it was made: ranked areas, citations per filled field, warnings."""

    draft: Draft
    areas_ranked: list[tuple[str, float]] = Field(
        default_factory=list, description="Best first, with confidence."
    )
    citations: dict[str, FieldCitation] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    language: str = "nl"
    method: str = "deterministic"

    def to_dict(self) -> dict:
        """Exchange format v1 plus the extra fields `areas_ranked`, `citations`, `warnings`."""
        data = self.draft.model_dump(mode="json")
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
    elif field in FIELD_PRINCIPLES:
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


# --------------------------------------------------------------------------- lexical scores

_GROUP_OF = {area_id: area.group for area_id, area in AREAS.items()}


def _count(pattern: re.Pattern, norm: str, cap: int = 4) -> int:
    return min(len(set(pattern.findall(norm))), cap)


def _tiered(patterns: tuple[re.Pattern, re.Pattern], norm: str, cap: float) -> float:
    strong, weak = patterns
    return min(cap, 2.0 * _count(strong, norm) + _count(weak, norm))


def _lexical_scores(norm: str) -> dict[str, float]:
    g = {k: _tiered(p, norm, cap=6.0) for k, p in _GROUPS.items()}
    links = _receivers(norm)
    a = {k: min(1.5, _count(p[0], norm) + links[k] + 0.5 * _count(p[1], norm)) for k, p in _AUDIENCE.items()}
    f = min(_count(_FACTORS, norm), 3)
    i = min(len({m.group(0) for m in _INDIVIDUALS.finditer(norm) if not is_negated(norm, m.start())}), 3)
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
        terms = sum(1 for t in area.terms if normalize(t) in norm)
        cues = sum(1 for t in area.cues if normalize(t) in norm)
        raw[area_id] += 0.3 * terms + 0.05 * cues
    return raw


# --------------------------------------------------------------------------- embedder fusion

_AREA_VECTORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_EMBED_WEIGHT = 0.2


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
    text: str, *, embedder: Any = None, threshold: float = 0.5, cross_group: float = 0.75
) -> tuple[list[tuple[str, float]], list[str]]:
    """All areas ranked best first with a confidence (summing to 1), and the chosen set.

    The chosen set holds every area of the best area's group scoring at least `threshold` x the best
    score (1a and 1b, 4a and 4b often go together) and areas of another group scoring at least
    `cross_group` x the best, so a description that spans two areas gets both. With an embedder, the
    min-max scaled cosine similarity of the description to each area's policy text is mixed in (weight
    `_EMBED_WEIGHT`); without one, or when no cue word matches at all, the other signal decides alone.
    """
    norm = normalize(text)
    lexical = _lexical_scores(norm)
    top = max(lexical.values())
    fused = {a: (s / top if top > 0 else 0.0) for a, s in lexical.items()}
    if embedder is not None:
        sims = _embedding_scores(text, embedder)
        lo, hi = min(sims.values()), max(sims.values())
        scaled = {a: (s - lo) / (hi - lo) if hi > lo else 0.0 for a, s in sims.items()}
        weight = _EMBED_WEIGHT if top > 0 else 1.0
        fused = {a: (1 - weight) * fused[a] + weight * scaled[a] for a in AREA_IDS}
    order = sorted(AREA_IDS, key=lambda a: (-fused[a], AREA_IDS.index(a)))
    total = sum(fused.values())
    ranked = [(a, fused[a] / total if total > 0 else 0.0) for a in order]
    best = fused[order[0]]
    group = _GROUP_OF[order[0]]
    chosen = [
        a
        for a in order
        if best > 0 and fused[a] >= (threshold if _GROUP_OF[a] == group else cross_group) * best
    ][:3]
    return ranked, chosen


# --------------------------------------------------------------------------- filling the draft


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])", " ".join(text.split()))
    return [p.strip() for p in parts if p.strip()]


def _first_clause(text: str, limit: int = 80) -> str:
    first = _sentences(text)[0] if text.strip() else ""
    first = first.rstrip(".!?")
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "..."


def _data_items(text: str, norm: str, lang: str) -> list[DataItem]:
    systems = [m.group(1) for m in _LMS.finditer(norm)]
    lms = next((s for s in systems if s not in ("osiris",)), "")
    sis = "osiris" if "osiris" in systems else ""
    items: list[DataItem] = []
    for pattern, nl, en, kind in _DATA_LEXICON:
        if pattern.search(norm):
            source = {"lms": lms, "sis": sis}.get(kind, "")
            items.append(
                DataItem(
                    name=nl if lang == "nl" else en,
                    category="general",
                    source=source.capitalize() if source else "",
                )
            )
    seen: set[str] = set()
    for hit in find_category_terms(text):
        if hit.term not in seen:
            seen.add(hit.term)
            items.append(DataItem(name=hit.term, category=hit.category, source=""))
    return items


def _fill(
    text: str,
    project_type: ProjectType | None,
    ranked: list[tuple[str, float]],
    chosen: list[str],
    warnings: list[str],
) -> Draft:
    norm = normalize(text)
    lang = detect_language(text)
    sentences = _sentences(text)
    if project_type is None:
        research, implementation = _count(_RESEARCH, norm), _count(_IMPLEMENTATION, norm)
        project_type = "research" if research > implementation else "implementation"
        warnings.append(
            f"Project type '{project_type}' guessed from the text; choose the project type (CLI: --type) to be sure."
        )
    purposes = sentences[:1] + [s for s in sentences[1:] if _PURPOSE.search(normalize(s))][:2]
    roles = _ROLES_NL if lang == "nl" else _ROLES_EN
    stakeholders = [roles["students"]] + [
        roles[k] for k in ("teachers", "advisors", "directors") if _AUDIENCE[k][0].search(norm)
    ]
    ai_terms = describes_ai(text, chosen)
    uses_ai = bool(ai_terms) or any(a.startswith("4") for a in chosen)
    human = next(
        (
            s
            for s in sentences
            if _AUDIENCE["advisors"][0].search(normalize(s)) or _AUDIENCE["teachers"][1].search(normalize(s))
        ),
        "",
    )
    human = human if human and _DECIDES.search(normalize(human)) else ""
    draft = Draft(
        title=_first_clause(text),
        summary=" ".join(text.split()),
        project_type=project_type,
        areas=chosen,
        purposes=purposes,
        stakeholders=stakeholders,
        data=_data_items(text, norm, lang),
        uses_ai=uses_ai,
        ai=AIInfo() if uses_ai else None,
        human_in_the_loop=human,
        legal_basis=_legal_basis(norm),
        informed_consent=True if re.search(r"informed consent|geinformeerde toestemming", norm) else None,
        privacy_statement=True
        if re.search(r"privacyverklaring|privacy statement|privacy notice", norm)
        else None,
        security_measures=[
            (nl if lang == "nl" else en)
            for pattern, nl, en in _SECURITY
            if (m := pattern.search(norm)) and not is_negated(norm, m.start())
        ],
    )
    if uses_ai:
        why = f"'{ai_terms[0]}'" if ai_terms else "area 4 works with predictive models"
        warnings.append(
            f"AI use detected ({why}): document models, training data and decision process, "
            "involve the AI officer and check the AI Act's prohibited practices."
        )
    for item in draft.data:
        if item.category != "general":
            warnings.append(
                f"'{item.name}' looks like {item.category} personal data, which is outside the scope "
                "of LA: leave it out."
            )
    if not chosen:
        warnings.append("No application area recognised: say who gets insight into what, and when.")
    elif ranked[0][1] < 0.2:
        warnings.append("The area mapping is uncertain; check the areas.")
    return draft


def _legal_basis(norm: str) -> str | None:
    if re.search(r"algemeen belang|public interest|publieke taak|public task", norm):
        return "public_interest"
    if re.search(
        r"(?<!informed )(?<!geinformeerde )(toestemming|consent) (als|as) (grondslag|(legal|lawful) basis)",
        norm,
    ):
        return "consent"
    return None


def _citations(draft: Draft) -> dict[str, FieldCitation]:
    out: dict[str, FieldCitation] = {}
    filled = {
        name
        for name in FIELD_PRINCIPLES
        if getattr(draft, name) not in (None, "", [], False) or name == "uses_ai"
    }
    for name in FIELD_PRINCIPLES:
        if name in filled:
            cite = field_citation(name)
            if cite:
                out[name] = cite
    for area in draft.areas:
        cite = field_citation(f"areas.{area}")
        if cite:
            out[f"areas.{area}"] = cite
    return out


def draft_from_description(
    text: str, project_type: ProjectType | None = None, *, embedder: Any = None
) -> DraftResult:
    """The deterministic drafter: areas, AI use, data items and purposes from the text; the rest left empty."""
    if not text or not text.strip():
        raise InputError("The description is empty: describe the project idea in a few sentences.")
    warnings: list[str] = []
    ranked, chosen = rank_areas(text, embedder=embedder)
    draft = _fill(text, project_type, ranked, chosen, warnings)
    return DraftResult(
        draft=draft,
        areas_ranked=ranked,
        citations=_citations(draft),
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
        citations=_citations(draft),
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

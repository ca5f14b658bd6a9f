"""The deterministic drafter's skeleton: the draft fields a project idea states, the rest left empty.

Title, summary, purposes, stakeholders, data items, AI use, the person who decides, legal basis,
consent, privacy statement and security measures come from the text's own words (cue lexicons in
`assistant/data/lexicons/drafting.yaml` and `assistant/data/drafting-items.yaml`); anything the text
does not say stays empty so the checker shows the gap.
"""

from __future__ import annotations

from assistant.drafting.cues import (
    AUDIENCE_CUES,
    DECIDES,
    FIELD_CUES,
    IMPLEMENTATION,
    PURPOSE,
    RESEARCH,
    count_distinct,
)
from assistant.drafting.items import data_items, security_measures, stakeholder_name
from assistant.language import detect_language
from assistant.proposal import AIInfo, Draft, ProjectType
from assistant.terms import describes_ai
from assistant.text import fold, sentences

__all__ = ["fill_draft", "first_clause"]


def first_clause(text: str, limit: int = 80) -> str:
    """The first sentence of `text` without its end mark, cut at a word before `limit` characters ('...')."""
    found = sentences(text)
    first = found[0].rstrip(".!?") if found else ""
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "..."


def _legal_basis(found: set[str]) -> str | None:
    if "public_interest" in found:
        return "public_interest"
    if "consent_basis" in found:
        return "consent"
    return None


def fill_draft(
    text: str,
    project_type: ProjectType | None,
    ranked: list[tuple[str, float]],
    chosen: list[str],
    warnings: list[str],
) -> Draft:
    """The draft of `text` in the areas `chosen` (`ranked`: all areas with confidence, best first).

    A `project_type` of None is guessed (research when research cues outnumber implementation
    cues). Appends to `warnings` what the writer should check: the guessed type, AI use, special or
    sensitive data, no or an uncertain area.
    """
    folded = fold(text)
    lang = detect_language(text)
    said = sentences(text)
    if project_type is None:
        research, implementation = count_distinct(RESEARCH, folded), count_distinct(IMPLEMENTATION, folded)
        project_type = "research" if research > implementation else "implementation"
        warnings.append(
            f"Project type '{project_type}' guessed from the text; choose the project type to be sure."
        )
    purposes = said[:1] + [s for s in said[1:] if PURPOSE.search(fold(s))][:2]
    stakeholders = [stakeholder_name("students", lang)] + [
        stakeholder_name(role, lang)
        for role in ("teachers", "advisors", "directors")
        if AUDIENCE_CUES[role].strong.search(folded)
    ]
    ai_terms = describes_ai(text, chosen)
    uses_ai = bool(ai_terms) or any(a.startswith("4") for a in chosen)
    human = next(
        (
            s
            for s in said
            if AUDIENCE_CUES["advisors"].strong.search(fold(s))
            or AUDIENCE_CUES["teachers"].weak.search(fold(s))
        ),
        "",
    )
    human = human if human and DECIDES.search(fold(human)) else ""
    found = {m.group for m in FIELD_CUES.finditer(folded)}
    draft = Draft(
        title=first_clause(text),
        summary=" ".join(text.split()),
        project_type=project_type,
        areas=chosen,
        purposes=purposes,
        stakeholders=stakeholders,
        data=data_items(text, lang),
        uses_ai=uses_ai,
        ai=AIInfo() if uses_ai else None,
        human_in_the_loop=human,
        legal_basis=_legal_basis(found),
        informed_consent=True if "informed_consent" in found else None,
        privacy_statement=True if "privacy_statement" in found else None,
        security_measures=security_measures(folded, lang),
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

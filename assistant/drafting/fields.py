"""The deterministic drafter's skeleton: what the description states, in its own words; the rest open.

`build_skeleton` fills a `Draft` from a (personal-data-free) description and its area mapping:
a short title, the summary, purposes split into items, stakeholders with what each gets to see, data
items with their source system, AI use when the text describes prediction, classification,
clustering or generation, who decides, and the legal-basis, consent, privacy-statement and security
phrases the text states. Every filled field keeps the span of the description it rests on
(`evidence`). Nothing is invented: a field the text does not address stays empty and is listed in
`open_fields`; a value the policy implies (legal basis public interest for an implementation project,
a privacy scan for every proposal) or the guessed project type goes to `suggested`, for the author to
confirm (draft format v1: the checker treats a suggested value as not given). Cue words:
`assistant/data/lexicons/drafting.yaml`; labelled lists: `assistant/data/drafting-items.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.drafting.areas import AreaMapping, Sentence
from assistant.drafting.cues import (
    AI_TASKS,
    AUDIENCE_CUES,
    DECIDES,
    ETHICS_APPROVED,
    ETHICS_COMMITTEE,
    ETHICS_PENDING,
    FIELD_CUES,
    IMPLEMENTATION,
    RESEARCH,
    ROLE_WORDS,
    ROLES,
    STATES,
    count_distinct,
    found,
    infers,
    speaker_role,
)
from assistant.drafting.items import data_items, security_measures, stakeholder_name
from assistant.drafting.phrases import purposes_of, seen_by, title_of
from assistant.messages import message
from assistant.proposal import DRAFT_FIELDS, AIInfo, Draft, ProjectType
from assistant.terms import describes_ai
from assistant.text import fold

__all__ = ["Skeleton", "FIELD_ORDER", "build_skeleton", "guess_project_type"]

FIELD_ORDER: tuple[str, ...] = DRAFT_FIELDS
"""The fields of draft format v1 in the order a reader fills them (the order of `open_fields`)."""

_RESEARCH_ONLY = ("informed_consent", "ethics_approval")


@dataclass
class Skeleton:
    """A draft and how it was made from the text."""

    draft: Draft
    evidence: dict[str, str] = field(default_factory=dict)
    """Area id, field or item path ('purposes.0') -> the span of the description it rests on, verbatim."""
    suggested: dict[str, object] = field(default_factory=dict)
    """Field -> a value the policy implies (or the guessed project type), not filled in."""
    open_fields: list[str] = field(default_factory=list)
    """Fields the description does not address (left empty), in `FIELD_ORDER`."""
    warnings: list[str] = field(default_factory=list)


def guess_project_type(folded: str) -> ProjectType:
    """'research' when the text has more research cues than lasting-use cues, else 'implementation'."""
    research, lasting = count_distinct(RESEARCH, folded), count_distinct(IMPLEMENTATION, folded)
    return "research" if research > lasting else "implementation"


def _span(text: str, s: Sentence) -> str:
    return text[s.start : s.end]


def _first_sentence(text: str, spans: list[Sentence], pattern) -> tuple[str, Sentence | None]:
    """The first not-negated match of `pattern` and its sentence."""
    for s in spans:
        if hits := found(pattern, s.folded):
            return hits[0].group(0), s
    return "", None


def _stakeholders(text: str, spans: list[Sentence], lang: str, sk: Skeleton) -> list[str]:
    """Each role that gets to see something, with what it sees ('docenten: de scores per student'),
    those with a 'what' first; then students, when the text names them without giving them the
    insight, marked as the people whose data are used ('students (whose data are used)')."""
    found_roles: list[tuple[str, str, tuple[int, int]]] = []
    speaker = seen_by(text, spans, "speaker")  # 'I'd like a view that flags ...': the writer sees
    writer = speaker_role(fold(text)) if speaker is not None else None
    for role in ROLES:
        seen = seen_by(text, spans, role)
        if role == writer and (seen is None or not seen[0]):
            seen = speaker
        if seen is None:
            hit = next((s for s in spans if AUDIENCE_CUES[role].strong.search(s.folded)), None)
            if hit is None:
                continue
            seen = ("", (hit.start, hit.end))
        what, span = seen
        found_roles.append((role, what, span))
    found_roles.sort(key=lambda r: not r[1])
    subject = None
    if "students" not in {r for r, _, _ in found_roles}:
        hit = next((s for s in spans if ROLE_WORDS["students"].search(s.folded)), None)
        if hit is not None:
            subject = (hit.start, hit.end)
    out = []
    for role, what, (a, b) in found_roles:
        name = stakeholder_name(role, lang)
        sk.evidence[f"stakeholders.{len(out)}"] = text[a:b]
        out.append(message("draft.stakeholder_sees", lang, who=name, what=what) if what else name)
    if subject is not None:
        sk.evidence[f"stakeholders.{len(out)}"] = text[subject[0] : subject[1]]
        out.append(message("draft.stakeholder_subject", lang, who=stakeholder_name("students", lang)))
    return out


def _uses_ai(text: str, spans: list[Sentence], areas: list[str], sk: Skeleton) -> tuple[bool, str, bool]:
    """(uses AI, the words that say so, whether the text speaks of AI at all, also when it denies it).
    AI is used when a sentence describes what an AI system does (prediction, classification,
    clustering, generation: `ai_tasks`), names an AI technique (`assistant.terms.describes_ai`) or
    describes inference about students in other words (`cues.infers`)."""
    for s in spans:
        sentence = _span(text, s)
        terms = [m.group(0) for m in found(AI_TASKS, s.folded)] + describes_ai(sentence, areas)
        terms += [w] if (w := infers(s.folded)) else []
        if terms:
            sk.evidence["uses_ai"] = sentence
            return True, terms[0], True
    folded = fold(text)
    return False, "", bool(AI_TASKS.search(folded)) or "ai" in folded.split()


_STATED_FIELDS = {
    "retention": "retention",
    "necessity": "necessity",
    "validation": "analysis_validation",
    "responsible": "responsible",
}


def _stated(text: str, spans: list[Sentence], sk: Skeleton) -> dict[str, str]:
    """Per field of `_STATED_FIELDS`, the first sentence that addresses it (`cues.STATES`; not negated,
    except for necessity, where 'no individual student is shown' is the argument), verbatim: the author
    edits it; a field no sentence addresses stays empty. A sentence fills one field at most (the first
    of the table it matches)."""
    out: dict[str, str] = {}
    used: set[int] = set()
    for cue, name in _STATED_FIELDS.items():
        for n, s in enumerate(spans):
            hit = STATES[cue].search(s.folded) if cue == "necessity" else found(STATES[cue], s.folded)
            if n not in used and hit:
                out[name] = _span(text, s).strip()
                sk.evidence[name] = out[name]
                used.add(n)
                break
    return out


def _ethics_approved(spans: list[Sentence]) -> Sentence | None:
    """The first sentence that names the ethics committee (`ethics_committee`: the FETC the policy names)
    and its approval (`ethics_approved`), neither negated ('de FETC heeft het onderzoek goedgekeurd'; not
    'de FETC-aanvraag is nog niet goedgekeurd'), and not asked for or awaited (`ethics_pending`: 'we will
    ask the FETC for approval'), or None."""
    return next(
        (
            s
            for s in spans
            if found(ETHICS_COMMITTEE, s.folded)
            and found(ETHICS_APPROVED, s.folded)
            and not ETHICS_PENDING.search(s.folded)
        ),
        None,
    )


def _human(text: str, spans: list[Sentence], sk: Skeleton) -> str:
    """The sentence in which a person (a role word) interprets, decides or acts (human in the loop)."""
    people = [ROLE_WORDS[r] for r in ("teachers", "advisors", "directors")]
    for s in spans:
        if DECIDES.search(s.folded) and any(p.search(s.folded) for p in people):
            sk.evidence["human_in_the_loop"] = _span(text, s)
            return _span(text, s)
    return ""


def build_skeleton(
    text: str,
    project_type: ProjectType | None,
    mapping: AreaMapping,
    spans: list[Sentence],
    lang: str,
) -> Skeleton:
    """The skeleton of a (personal-data-free) description `text` with its sentences `spans`, in the
    areas of `mapping`. `project_type` None is left open and the guess suggested."""
    sk = Skeleton(draft=Draft())
    folded = fold(text)
    for area in mapping.chosen:
        if area in mapping.evidence:
            a, b = mapping.evidence[area]
            sk.evidence[area] = text[a:b]

    stated_purposes = purposes_of(text, spans)
    title, (a, b) = title_of(text, spans, stated_purposes)
    if title:
        sk.evidence["title"] = text[a:b]
    purposes = []
    for n, (item, (a, b)) in enumerate(stated_purposes):
        purposes.append(item)
        sk.evidence[f"purposes.{n}"] = text[a:b]
    sentences = [(s.start, s.end) for s in spans]
    data = []
    for n, (item, where) in enumerate(data_items(text, lang, sentences)):
        data.append(item)
        sk.evidence[f"data.{n}"] = _span(text, spans[where])
    uses_ai, ai_words, ai_addressed = _uses_ai(text, spans, mapping.chosen, sk)
    phrases = {m.group for m in FIELD_CUES.finditer(folded)}
    legal_basis = (
        "public_interest"
        if "public_interest" in phrases
        else "consent"
        if "consent_basis" in phrases
        else None
    )
    security = security_measures(folded, lang)

    stated = _stated(text, spans, sk)
    draft = Draft(
        **stated,
        title=title,
        summary=" ".join(text.split()),
        project_type=project_type,
        areas=list(mapping.chosen),
        purposes=purposes,
        stakeholders=_stakeholders(text, spans, lang, sk),
        data=data,
        uses_ai=uses_ai,
        ai=AIInfo() if uses_ai else None,
        human_in_the_loop=_human(text, spans, sk),
        legal_basis=legal_basis,
        informed_consent=True if "informed_consent" in phrases else None,
        ethics_approval=True if (approved := _ethics_approved(spans)) else None,
        privacy_statement=True if "privacy_statement" in phrases else None,
        security_measures=security,
    )
    sk.draft = draft
    if approved is not None:
        sk.evidence["ethics_approval"] = _span(text, approved).strip()

    kind = project_type or guess_project_type(folded)
    if project_type is None:
        sk.suggested["project_type"] = kind
        sk.warnings.append(message("draft.warn.type_guess", lang, value=message(f"value.{kind}", lang)))
    if legal_basis is None and kind == "implementation":
        sk.suggested["legal_basis"] = "public_interest"  # policy 3.2: implementation projects
    sk.suggested["privacy_scan"] = "planned"  # policy 3.2: a privacy scan for every proposal
    if uses_ai:
        sk.warnings.append(message("draft.warn.ai", lang, why=f"'{ai_words}'"))
    for item in draft.data:
        if item.category != "general":
            sk.warnings.append(
                message(
                    "draft.warn.category",
                    lang,
                    name=item.name,
                    category=message(f"value.{item.category}", lang),
                )
            )
    if not mapping.chosen:
        sk.warnings.append(message("draft.warn.no_area", lang))
    elif mapping.ranked[0][1] < 0.2:
        sk.warnings.append(message("draft.warn.uncertain", lang))

    sk.open_fields = _open_fields(draft, kind, ai_addressed)
    # draft format v1: a draft made by the drafter carries its evidence and suggestions
    sk.draft = Draft.model_validate(
        {**draft.model_dump(), "evidence": dict(sk.evidence), "suggested": dict(sk.suggested)}
    )
    return sk


def _open_fields(draft: Draft, kind: str, ai_addressed: bool) -> list[str]:
    """The fields of `draft` the description left empty (consent and ethics only for research; `ai` only
    when AI is used; `uses_ai` when the text does not speak of AI at all)."""
    out = []
    for name in FIELD_ORDER:
        if name in _RESEARCH_ONLY and kind != "research":
            continue
        value = getattr(draft, name)
        if name == "uses_ai":
            if not ai_addressed and not value:
                out.append(name)
        elif name == "ai":
            if draft.uses_ai:
                out.append(name)
        elif value in (None, "", []):
            out.append(name)
    return out

"""The rule checker: pure functions over a `Draft` that flag every policy gap with its passage.

No I/O of its own, no LLM, no embedding model: the only thing read is the policy text (once, through
`policy.passage_for`, cached) to quote each rule's passage. Same draft in, same findings out, in the
order of `RULES`. The shared term lists and text helpers (`normalize`, `is_blank`, ...) live in `terms.py`.

Severity (a product decision, the same for every rule of a kind):

- **blocker**: the draft as written conflicts with the policy or lacks what makes processing lawful
  at all (no area, special or sensitive data, no or the wrong lawful basis, research without informed
  consent, a prohibited AI practice, students flagged by a model with nobody deciding). It cannot be
  approved as is.
- **major**: a required element of the policy is missing or too vague to assess (purpose, necessity,
  retention, privacy statement, security, privacy scan, AI documentation and AI officer, human in the
  loop, weighing of interests, validation, a responsible person), or a term list suggests a problem a
  reviewer must confirm. It must be resolved, or explicitly accepted by a reviewer.
- **minor**: advice; it does not block approval.

`passed` is true when a draft has no blocker and no major finding. The rule table in `docs/rules.md`
is generated from `RULES` (`rules_doc_markdown()`); a test keeps the two in sync.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assistant.policy import AREA_IDS, PRINCIPLES, TOPICS, Ref
from assistant.proposal import Draft, parse_draft
from assistant.terms import (  # the public ones are re-exported in `__all__` (callers import them from here)
    SENSITIVE_TERMS,
    SPECIAL_TERMS,
    TermHit,
    _ai_terms,
    _pattern,
    classify_data_name,
    describes_ai,
    find_category_terms,
    is_blank,
    is_negated,
    normalize,
)

__all__ = [
    "Severity",
    "SEVERITIES",
    "Citation",
    "Finding",
    "CheckResult",
    "Rule",
    "RULES",
    "TermHit",
    "SPECIAL_TERMS",
    "SENSITIVE_TERMS",
    "find_category_terms",
    "classify_data_name",
    "describes_ai",
    "ai_in_use",
    "is_blank",
    "is_negated",
    "check_draft",
    "check_result",
    "passed",
    "rules_table_markdown",
    "rules_doc_markdown",
]

Severity = Literal["blocker", "major", "minor"]
SEVERITIES: tuple[str, ...] = ("blocker", "major", "minor")


class Citation(BaseModel):
    """The policy passage a finding rests on, as stored in the corpus."""

    model_config = ConfigDict(frozen=True)

    source: str
    section: str
    text: str


class Finding(BaseModel):
    """One gap in a draft (contract: DESIGN.md, `check --json`)."""

    rule: str
    principle: str
    severity: Severity
    field: str
    message: str
    citation: Citation
    fix: str


class CheckResult(BaseModel):
    """The checker's verdict on one draft file."""

    file: str
    passed: bool
    findings: list[Finding]


# =========================================================================== helpers


def _search(pattern: re.Pattern, norm: str) -> re.Match | None:
    for m in pattern.finditer(norm):
        if not is_negated(norm, m.start()):
            return m
    return None


@dataclass
class _Context:
    """What several rules need, computed once per draft."""

    draft: Draft
    research: bool
    narrative: str  # normalised free text of the draft (title, summary, purposes, ...)
    ai_used: bool
    ai_reason: str
    area4b: bool


def ai_in_use(draft: Draft) -> tuple[bool, str]:
    """AI counts as used when `uses_ai` is true, the ai block names a model, or the text describes AI."""
    if draft.uses_ai:
        return True, "uses_ai is true"
    if draft.ai is not None and not is_blank(draft.ai.models):
        return True, "the ai block names a model"
    terms = _ai_terms(_narrative(draft), weak=any(a.startswith("4") for a in draft.areas))
    if terms:
        return True, f"the text describes AI ('{terms[0]}')"
    return False, ""


def _narrative(draft: Draft) -> str:
    parts = [
        draft.title,
        draft.summary,
        *draft.purposes,
        draft.necessity,
        draft.human_in_the_loop,
        draft.analysis_validation,
        draft.interests_weighed,
        *(item.name for item in draft.data),
    ]
    if draft.ai is not None:
        parts += [draft.ai.models, draft.ai.decision_process]
    return normalize(" .\n".join(p for p in parts if p))


def _context(draft: Draft) -> _Context:
    used, reason = ai_in_use(draft)
    return _Context(
        draft=draft,
        research=draft.project_type == "research",
        narrative=_narrative(draft),
        ai_used=used,
        ai_reason=reason,
        area4b="4b" in draft.areas,
    )


# =========================================================================== the rule registry

_Hit = tuple[str, str, str]  # (field, message, fix)


@dataclass(frozen=True)
class Rule:
    """One check: a pure function from a draft to (field, message, fix) hits."""

    id: str
    principle: str
    severity: Severity
    description: str
    ref: Ref
    fn: Callable[[Draft, _Context], Iterable[_Hit]]


RULES: list[Rule] = []


def _rule(rule_id: str, principle: str, severity: Severity, description: str, ref: Ref | None = None):
    if principle not in PRINCIPLES:
        raise ValueError(f"rule {rule_id}: unknown principle {principle!r}")

    def register(fn: Callable[[Draft, _Context], Iterable[_Hit]]):
        RULES.append(Rule(rule_id, principle, severity, description, ref or PRINCIPLES[principle].ref, fn))
        return fn

    return register


# ---------------------------------------------------------------- area


@_rule(
    "area.missing", "area", "blocker", "No application area: every proposal must fall in one of areas 1a-4b."
)
def _area_missing(d: Draft, c: _Context) -> Iterator[_Hit]:
    if not d.areas:
        yield (
            "areas",
            "The draft names no application area.",
            "Add the area(s) of section 2 the project falls in (1a-4b), e.g. '1a' for a student dashboard.",
        )


@_rule("area.unknown", "area", "blocker", "An area id outside 1a-4b.")
def _area_unknown(d: Draft, c: _Context) -> Iterator[_Hit]:
    for i, area in enumerate(d.areas):
        if area not in AREA_IDS:
            yield (
                f"areas.{i}",
                f"'{area}' is not an application area of the policy.",
                f"Use one of {', '.join(AREA_IDS)}; a project outside these areas is not acceptable LA.",
            )


# ---------------------------------------------------------------- data categories


@_rule(
    "data_categories.special",
    "data_categories",
    "blocker",
    "A data item is declared special-category data (GDPR art. 9/10): out of scope of LA.",
)
def _declared_special(d: Draft, c: _Context) -> Iterator[_Hit]:
    for i, item in enumerate(d.data):
        if item.category == "special":
            yield (
                f"data.{i}.category",
                f"'{item.name or f'data item {i + 1}'}' is special-category personal "
                "data; processing it is outside the scope of LA.",
                "Remove this data item; LA projects process general personal data only.",
            )


@_rule(
    "data_categories.sensitive",
    "data_categories",
    "blocker",
    "A data item is declared sensitive data (e.g. BSN, financial data): out of scope of LA.",
)
def _declared_sensitive(d: Draft, c: _Context) -> Iterator[_Hit]:
    for i, item in enumerate(d.data):
        if item.category == "sensitive":
            yield (
                f"data.{i}.category",
                f"'{item.name or f'data item {i + 1}'}' is sensitive personal data; "
                "processing it is outside the scope of LA.",
                "Remove this data item or replace it by general data that serves the purpose.",
            )


@_rule(
    "data_categories.named",
    "data_categories",
    "major",
    "A data item labelled general is named like special or sensitive data (Dutch and English term lists).",
)
def _named_category(d: Draft, c: _Context) -> Iterator[_Hit]:
    for i, item in enumerate(d.data):
        if item.category != "general":
            continue
        hit = classify_data_name(f"{item.name} ; {item.source}")
        if hit:
            kind = "special-category" if hit.category == "special" else "sensitive"
            yield (
                f"data.{i}.name",
                f"'{item.name}' is labelled general but looks like {kind} data ({hit.group}: '{hit.term}').",
                "Remove the item, or rename it so it is clear it holds general data only; a reviewer "
                "must confirm.",
            )


@_rule(
    "data_categories.no_data",
    "data_categories",
    "major",
    "No data items listed, so the categories of personal data cannot be checked.",
)
def _no_data(d: Draft, c: _Context) -> Iterator[_Hit]:
    if not any(not is_blank(item.name) for item in d.data):
        yield (
            "data",
            "The draft lists no personal data.",
            "List each kind of personal data (name, category, source), e.g. 'quiz scores, general, Brightspace'.",
        )


@_rule(
    "data_categories.mentioned",
    "data_categories",
    "minor",
    "The text mentions special or sensitive data that is not among the data items.",
)
def _mentioned_category(d: Draft, c: _Context) -> Iterator[_Hit]:
    text = " .\n".join([d.title, d.summary, *d.purposes, d.necessity])
    hit = classify_data_name(text)
    if hit and not any(classify_data_name(f"{i.name} ; {i.source}") for i in d.data):
        yield (
            "summary",
            f"The text mentions '{hit.term}' ({hit.group}).",
            "Make sure no such data is processed, or say explicitly that it is not.",
        )


# Proxies for a special category (advice only): worth a second look, not out of scope by themselves.
_PROXY_TERMS = (
    "nationalit*",
    "nationaliteit*",
    "geboorteland*",
    "country of birth",
    "land van herkomst",
    "country of origin",
    "postcode*",
    "postal code*",
    "zip code*",
)
_PROXY_RE = _pattern(_PROXY_TERMS)


@_rule(
    "data_categories.proxy",
    "data_categories",
    "minor",
    "A data item (nationality, country of birth, postcode) can stand in for ethnic origin or income.",
)
def _proxy(d: Draft, c: _Context) -> Iterator[_Hit]:
    for i, item in enumerate(d.data):
        if item.category == "general" and _search(_PROXY_RE, normalize(item.name)):
            yield (
                f"data.{i}.name",
                f"'{item.name}' can reveal ethnic origin or financial situation.",
                "Explain why it is needed, or leave it out.",
            )


# ---------------------------------------------------------------- lawful basis and informed consent

_IMPL_REF = TOPICS["legal_basis_implementation"].ref
_RESEARCH_REF = TOPICS["legal_basis_research"].ref


@_rule("legal_basis.missing", "legal_basis", "blocker", "No lawful basis given.")
def _basis_missing(d: Draft, c: _Context) -> Iterator[_Hit]:
    if d.legal_basis is None:
        advice = (
            "public interest as a rule; consent only in exceptional cases"
            if c.research
            else "public interest for implementation projects"
        )
        yield ("legal_basis", "The draft names no lawful basis.", f"Set legal_basis: {advice}.")


@_rule(
    "legal_basis.implementation_consent",
    "legal_basis",
    "blocker",
    "An implementation project not on public interest (e.g. on consent).",
    _IMPL_REF,
)
def _basis_implementation(d: Draft, c: _Context) -> Iterator[_Hit]:
    if not c.research and d.legal_basis not in (None, "public_interest"):
        yield (
            "legal_basis",
            f"An implementation project rests on '{d.legal_basis}'; the policy's basis "
            "for implementation projects is public interest.",
            "Set legal_basis to public_interest, or describe the project as research if it is one.",
        )


@_rule(
    "legal_basis.consent_reason",
    "legal_basis",
    "minor",
    "A research project on consent: the policy treats consent as an exception that needs a reason.",
    _RESEARCH_REF,
)
def _basis_consent(d: Draft, c: _Context) -> Iterator[_Hit]:
    if (
        c.research
        and d.legal_basis == "consent"
        and not re.search(r"uitzonder|exception|exceptional|omdat|because|since|reden|reason", c.narrative)
    ):
        yield (
            "legal_basis",
            "Consent as lawful basis is exceptional for research; the draft gives no reason.",
            "Explain why public interest does not apply, or use public_interest.",
        )


@_rule(
    "informed_consent.refused",
    "informed_consent",
    "blocker",
    "A research project states it has no informed consent.",
)
def _consent_refused(d: Draft, c: _Context) -> Iterator[_Hit]:
    if c.research and d.informed_consent is False:
        yield (
            "informed_consent",
            "Research is carried out only after participants are informed and gave "
            "informed consent; the draft says they do not.",
            "Ask every participant for informed consent before the research starts.",
        )


@_rule(
    "informed_consent.unknown",
    "informed_consent",
    "major",
    "A research project does not say whether participants give informed consent.",
)
def _consent_unknown(d: Draft, c: _Context) -> Iterator[_Hit]:
    if c.research and d.informed_consent is None:
        yield (
            "informed_consent",
            "The research draft does not say whether participants give informed consent.",
            "Set informed_consent to true and describe how participants are informed.",
        )


@_rule(
    "informed_consent.ethics",
    "informed_consent",
    "major",
    "A research project without approval of the faculty ethics review committee (FETC).",
)
def _ethics(d: Draft, c: _Context) -> Iterator[_Hit]:
    if c.research and d.ethics_approval is not True:
        message = (
            "The research project has no approval of the faculty ethics review committee (FETC)."
            if d.ethics_approval is False
            else "The research draft does not mention ethics review (FETC)."
        )
        yield (
            "ethics_approval",
            message,
            "Submit the study to the faculty ethics review committee and record the approval.",
        )


# ---------------------------------------------------------------- purpose limitation and necessity

_GENERIC = set(
    normalize(
        "improve improving improvement improvements better enhance enhancing optimise optimize optimising optimizing "
        "quality education educational teaching learning onderwijs onderwijskwaliteit verbeteren verbetering beter "
        "kwaliteit optimaliseren inzicht inzichten insight insights meer more data analytics la learning-analytics "
        "student students studenten succes success studiesucces general algemeen algemene the a an of in to for and "
        "het de van een voor en te our onze ons gain krijgen geven provide using gebruik gebruiken through door with "
        "met study studie university universiteit uu support ondersteunen help helpen course courses cursus "
        "cursussen vak vakken programme programmes program programs opleiding opleidingen make maken possible "
        "mogelijk general overall algemeen data-driven datagedreven understand begrijpen understanding verkrijgen "
        "obtain get all alle we wij is are be zijn worden wordt om by as also ook primary primaire leerproces "
        "process proces personal persoonlijk into their them they this that which who from on at about over naar hun "
        "zij ze die dat deze dit welke wie waar hoe zodat so can kunnen kan will zal zullen per each elke new nieuwe "
        "way manier good goed goede"
    ).split()
)
_OPEN_ENDED = _pattern(
    (
        "andere doeleinden",
        "other purposes",
        "future research",
        "toekomstig onderzoek",
        "toekomstige doeleinden",
        "future purposes",
        "any purpose",
        "alle doeleinden",
        "hergebruik*",
        "reuse*",
        "re-use*",
        "mogelijk later",
        "possibly later",
        "purposes to be determined",
        "nog te bepalen doel*",
        "diverse doeleinden",
        "various purposes",
        "general research purposes",
        "whatever",
        "allerlei doel*",
        "nader te bepalen doel*",
        "future analyses",
        "toekomstige analyses",
    )
)


def _vague(purpose: str) -> bool:
    words = [w for w in re.findall(r"[\w-]+", normalize(purpose)) if len(w) > 2 or w.isdigit()]
    return sum(1 for w in words if w not in _GENERIC) < 2


@_rule("purpose_limitation.missing", "purpose_limitation", "major", "No purpose given.")
def _purpose_missing(d: Draft, c: _Context) -> Iterator[_Hit]:
    if not any(not is_blank(p) for p in d.purposes):
        yield (
            "purposes",
            "The draft states no purpose.",
            "State the specific purpose(s), defined in advance: what the analysis is for, and for whom.",
        )


@_rule(
    "purpose_limitation.vague",
    "purpose_limitation",
    "major",
    "Only vague purposes such as 'improve education' (not specific, not explicitly described).",
)
def _purpose_vague(d: Draft, c: _Context) -> Iterator[_Hit]:
    purposes = [p for p in d.purposes if not is_blank(p)]
    if purposes and all(_vague(p) for p in purposes):
        yield (
            "purposes",
            f"The purpose '{purposes[0]}' is too general to limit the processing.",
            "Name the concrete purpose: which insight, for whom, in which course or programme, and what "
            "follows from it.",
        )


@_rule(
    "purpose_limitation.open_ended",
    "purpose_limitation",
    "major",
    "Purposes left open: other, future or still-to-be-determined uses of the data.",
)
def _purpose_open(d: Draft, c: _Context) -> Iterator[_Hit]:
    for i, purpose in enumerate(d.purposes):
        m = _search(_OPEN_ENDED, normalize(purpose))
        if m:
            yield (
                f"purposes.{i}",
                f"The purpose leaves further use open ('{m.group(0)}').",
                "Remove open-ended uses; a new purpose needs its own proposal.",
            )
            return
    m = _search(_OPEN_ENDED, normalize(d.summary))
    if m:
        yield (
            "summary",
            f"The summary leaves further use open ('{m.group(0)}').",
            "Remove open-ended uses; a new purpose needs its own proposal.",
        )


@_rule(
    "purpose_limitation.some_vague",
    "purpose_limitation",
    "minor",
    "Some purposes are vague next to specific ones.",
)
def _purpose_some_vague(d: Draft, c: _Context) -> Iterator[_Hit]:
    purposes = [p for p in d.purposes if not is_blank(p)]
    vague = [p for p in purposes if _vague(p)]
    if vague and len(vague) < len(purposes):
        yield ("purposes", f"'{vague[0]}' adds nothing specific.", "Drop it or make it concrete.")


@_rule("purpose_limitation.summary", "purpose_limitation", "minor", "No title or summary.")
def _summary(d: Draft, c: _Context) -> Iterator[_Hit]:
    if is_blank(d.summary) or is_blank(d.title):
        yield (
            "summary" if is_blank(d.summary) else "title",
            "The draft has no title or summary.",
            "Add a short title and a summary of the idea so reviewers see the context.",
        )


@_rule("necessity.missing", "necessity", "major", "No necessity test: why personal data is needed.")
def _necessity(d: Draft, c: _Context) -> Iterator[_Hit]:
    if is_blank(d.necessity):
        yield (
            "necessity",
            "The draft does not say why personal data is needed.",
            "Explain why the purpose cannot be reached without personal data, e.g. with anonymous or "
            "aggregated data.",
        )


@_rule(
    "necessity.alternatives",
    "necessity",
    "minor",
    "The necessity test does not say why anonymous or aggregated data will not do.",
)
def _necessity_alternatives(d: Draft, c: _Context) -> Iterator[_Hit]:
    if not is_blank(d.necessity) and not re.search(
        r"anonie|anonym|aggregat|geaggregeerd|zonder persoonsgegevens|without personal|individu|"
        r"herleidba|identifiab|pseudonym|per student|persoonlijk|personal|op naam|by name",
        normalize(d.necessity),
    ):
        yield (
            "necessity",
            "The necessity test does not weigh anonymous or aggregated data.",
            "Add why anonymous or aggregated data would not serve the purpose.",
        )


# ---------------------------------------------------------------- storage limitation

_INDEFINITE = _pattern(
    (
        "onbeperkt*",
        "onbepaalde tijd",
        "indefinite*",
        "forever",
        "voor altijd",
        "permanent*",
        "eeuwig*",
        "no end date",
        "geen einddatum",
        "not deleted",
        "niet verwijderd",
        "never deleted",
        "nooit verwijderd",
        "no retention",
        "geen bewaartermijn",
        "never be deleted",
        "nooit worden verwijderd",
    )
)
_MOMENT = re.compile(
    r"\d|(?<![\w])(?:jaar|jaren|year|years|maand|maanden|month|months|week|weken|weeks|dag|dagen|day|days|"
    r"semester|blok|block|periode|period|collegejaar|studiejaar|academic year|einde|eind|end|ends|afloop|"
    r"after|na|graduat\w*|afstude\w*|diploma\w*|direct|directly|immediately|onmiddellijk|zodra|as soon as|once|"
    r"upon|bij afronding|afronding|afgerond|completion|completed|afsluiting|uiterlijk|deadline|duration|looptijd|"
    r"gedurende|during|tot|until|till|binnen|within|enrol\w*|ingeschreven|inschrijving|uitschrijving|"
    r"two|three|four|five|six|ten|twee|drie|vier|vijf|zes|tien)(?![\w])"
)


@_rule("storage_limitation.missing", "storage_limitation", "major", "No retention period or deletion moment.")
def _retention_missing(d: Draft, c: _Context) -> Iterator[_Hit]:
    if is_blank(d.retention):
        yield (
            "retention",
            "The draft does not say when the data is deleted or anonymised.",
            "State when the data is deleted or anonymised, e.g. 'deleted at the end of the academic year'.",
        )


@_rule("storage_limitation.indefinite", "storage_limitation", "major", "Data kept indefinitely.")
def _retention_indefinite(d: Draft, c: _Context) -> Iterator[_Hit]:
    m = None if is_blank(d.retention) else _search(_INDEFINITE, normalize(d.retention))
    if m:
        yield (
            "retention",
            f"The data is kept without end ('{m.group(0)}').",
            "Delete or anonymise the data as soon as the project no longer needs it, at a stated moment.",
        )


@_rule(
    "storage_limitation.no_moment",
    "storage_limitation",
    "major",
    "Retention without a moment or period (e.g. 'as long as needed').",
)
def _retention_moment(d: Draft, c: _Context) -> Iterator[_Hit]:
    norm = normalize(d.retention)
    if not is_blank(d.retention) and not _search(_INDEFINITE, norm) and not _MOMENT.search(norm):
        yield (
            "retention",
            f"'{d.retention}' names no moment or period of deletion.",
            "Give a concrete moment, e.g. 'six months after the course ends' or 'at graduation'.",
        )


# ---------------------------------------------------------------- transparency, security, privacy scan


@_rule(
    "transparency.privacy_statement", "transparency", "major", "No privacy statement for the people involved."
)
def _privacy_statement(d: Draft, c: _Context) -> Iterator[_Hit]:
    if d.privacy_statement is not True:
        state = "says there is no" if d.privacy_statement is False else "does not mention a"
        yield (
            "privacy_statement",
            f"The draft {state} privacy statement.",
            "Write a privacy statement telling students which data is collected and used, why and by whom.",
        )


@_rule("transparency.stakeholders", "transparency", "minor", "No stakeholders named.")
def _stakeholders(d: Draft, c: _Context) -> Iterator[_Hit]:
    if not d.stakeholders:
        yield (
            "stakeholders",
            "The draft names no stakeholders.",
            "List who is involved or affected (students, teachers, study advisors ...) so they can be informed.",
        )


@_rule("security.missing", "security", "major", "No technical or organisational security measures.")
def _security(d: Draft, c: _Context) -> Iterator[_Hit]:
    if not any(not is_blank(m) for m in d.security_measures):
        yield (
            "security_measures",
            "The draft lists no security measures.",
            "List the measures: who has access (roles), where data is stored, pseudonymisation, encryption.",
        )


@_rule("privacy_scan.missing", "privacy_scan", "major", "No privacy scan done or planned.")
def _privacy_scan(d: Draft, c: _Context) -> Iterator[_Hit]:
    if d.privacy_scan not in ("done", "planned"):
        state = "is not planned" if d.privacy_scan == "not_planned" else "is not mentioned"
        yield (
            "privacy_scan",
            f"The privacy scan every LA proposal needs {state}.",
            "Plan the privacy scan with the faculty's privacy officer before processing starts.",
        )


# ---------------------------------------------------------------- AI

_PROHIBITED = _pattern(
    (
        "emotieherkenning*",
        "emotion recognition",
        "emotion detection",
        "emoties herkennen",
        "emoties detecteren",
        "emotions of students",
        "emoties van studenten",
        "facial expression*",
        "gezichtsuitdrukking*",
        "social scoring",
        "sociale scor*",
        "subliminal*",
        "subliminaal*",
        "subliminale*",
        "biometric categori*",
        "biometrische categori*",
    )
)
_PROHIBITED_CONTEXT = re.compile(
    r"verboden|prohibited|forbidden|ai[ -]act|ai-verordening|uitgesloten|excluded|"
    r"(?<![\w])(?:not|geen|niet|no|never|nooit)(?![\w])"
)


@_rule(
    "ai_documentation.missing",
    "ai_documentation",
    "major",
    "AI used without documented models, training data and decision process.",
)
def _ai_docs(d: Draft, c: _Context) -> Iterator[_Hit]:
    if not c.ai_used:
        return
    if d.ai is None:
        yield (
            "ai",
            f"AI is used ({c.ai_reason}) but models, training data and decision process are not documented.",
            "Fill in the ai block: models, training data and decision process.",
        )
        return
    for name, label in (
        ("models", "models"),
        ("training_data", "training data"),
        ("decision_process", "decision process"),
    ):
        if is_blank(getattr(d.ai, name)):
            yield (
                f"ai.{name}",
                f"AI is used but the {label} is not documented.",
                f"Document the {label} of the AI used.",
            )


@_rule(
    "ai_documentation.undeclared",
    "ai_documentation",
    "minor",
    "The text describes AI while uses_ai is false.",
)
def _ai_undeclared(d: Draft, c: _Context) -> Iterator[_Hit]:
    if c.ai_used and not d.uses_ai:
        yield (
            "uses_ai",
            f"uses_ai is false, but {c.ai_reason}.",
            "Set uses_ai to true (the AI rules apply).",
        )


@_rule(
    "ai_documentation.area4_without_model",
    "ai_documentation",
    "minor",
    "An area-4 project that describes no predictive model.",
)
def _area4_no_model(d: Draft, c: _Context) -> Iterator[_Hit]:
    if any(a.startswith("4") for a in d.areas) and not c.ai_used:
        yield (
            "uses_ai",
            "Area 4 works with predictive models, but the draft describes none.",
            "Describe the predictive model (and set uses_ai), or check whether area 4 is right.",
        )


@_rule("ai_officer.not_consulted", "ai_officer", "major", "AI used without involving the AI officer.")
def _ai_officer(d: Draft, c: _Context) -> Iterator[_Hit]:
    if c.ai_used and (d.ai is None or not d.ai.ai_officer_consulted):
        yield (
            "ai.ai_officer_consulted",
            "AI is used but the AI officer has not been involved.",
            "Involve the AI officer to assess the risks of the AI and record it (ai_officer_consulted).",
        )


@_rule(
    "prohibited_ai.practice",
    "prohibited_ai",
    "blocker",
    "The draft describes an AI-Act prohibited practice (emotion recognition, social scoring, subliminal "
    "manipulation).",
)
def _prohibited_practice(d: Draft, c: _Context) -> Iterator[_Hit]:
    for m in _PROHIBITED.finditer(c.narrative):
        start = max(c.narrative.rfind(".", 0, m.start()), c.narrative.rfind("\n", 0, m.start())) + 1
        stop = c.narrative.find(".", m.end())
        sentence = c.narrative[start : stop if stop >= 0 else None]
        if not _PROHIBITED_CONTEXT.search(sentence):
            yield (
                "summary",
                f"The draft describes '{m.group(0)}', a practice the AI Act prohibits in education.",
                "Remove this part of the project; it cannot be approved.",
            )
            return


@_rule(
    "prohibited_ai.not_checked",
    "prohibited_ai",
    "major",
    "AI used without a check against the AI Act's prohibited practices.",
)
def _prohibited_checked(d: Draft, c: _Context) -> Iterator[_Hit]:
    if c.ai_used and (d.ai is None or not d.ai.prohibited_practices_checked):
        yield (
            "ai.prohibited_practices_checked",
            "AI is used but it has not been checked against the AI Act's prohibited practices.",
            "Check that the AI cannot lead to manipulative, deceptive or discriminating LA and record it.",
        )


# Data items that can make a model discriminate.
_FEATURE_TERMS = ("geslacht", "gender", "sex", "leeftijd", "age", "ages", "nationalit*", "nationaliteit*")
_FEATURE_RE = _pattern(_FEATURE_TERMS)


@_rule(
    "prohibited_ai.features",
    "prohibited_ai",
    "minor",
    "AI with gender, age or nationality among the data: check for discriminating effects.",
)
def _ai_features(d: Draft, c: _Context) -> Iterator[_Hit]:
    if c.ai_used:
        for i, item in enumerate(d.data):
            if _search(_FEATURE_RE, normalize(item.name)):
                yield (
                    f"data.{i}.name",
                    f"'{item.name}' in an AI model can discriminate.",
                    "Leave it out of the model or show in the validation that it does not discriminate.",
                )
                return


# ---------------------------------------------------------------- human in the loop

_NO_HUMAN_WORD = re.compile(
    r"^(?:none|geen|niemand|nobody|no one|n/?a|nvt|not applicable|niet van toepassing|"
    r"het systeem|the system|automatisch|automatic|automated)\W*$"
)
_NO_HUMAN = _pattern(
    (
        "geen mens betrokken",
        "no human involved",
        "no human involvement",
        "niemand betrokken",
        "nobody involved",
        "fully automat*",
        "volledig automatisch*",
        "het systeem beslist",
        "the system decides",
    )
)
_AUTOMATED = _pattern(
    (
        "automated decision*",
        "automatische besluit*",
        "automatische beslissing*",
        "automatisch besluit*",
        "automatisch beslis*",
        "automatically decide*",
        "automatically exclude*",
        "automatically reject*",
        "automatically assign*",
        "automatisch uitgesloten",
        "automatisch afgewezen",
        "automatisch toegewezen",
        "zonder menselijke tussenkomst",
        "without human intervention",
        "without human review",
        "without human involvement",
        "fully automat*",
        "volledig automatisch*",
        "het systeem beslist",
        "the system decides",
    )
)
_MESSAGE = r"(?:e-?mails?|mail|mails|message|messages|bericht\w*|warning\w*|waarschuwing\w*|notific\w*|melding\w*|nudge\w*)"
_AUTO_MESSAGE = re.compile(
    r"(?<![\w])automati\w*(?:[^\w.!?;]+\w+){0,6}?[^\w.!?;]+" + _MESSAGE + r"(?![\w])|"
    r"(?<![\w])" + _MESSAGE + r"(?:[^\w.!?;]+\w+){0,6}?[^\w.!?;]+automati\w*"
)


def _no_human(text: str) -> bool:
    norm = normalize(text)
    return is_blank(text) or bool(_NO_HUMAN_WORD.match(norm)) or _search(_NO_HUMAN, norm) is not None


@_rule(
    "human_in_the_loop.missing",
    "human_in_the_loop",
    "major",
    "Nobody named who interprets the results and takes decisions.",
)
def _human_missing(d: Draft, c: _Context) -> Iterator[_Hit]:
    if not c.area4b and _no_human(d.human_in_the_loop):
        yield (
            "human_in_the_loop",
            "The draft names nobody who interprets the results and takes decisions.",
            "Name the person or role (e.g. the course teacher) who interprets the results and decides.",
        )


@_rule(
    "human_in_the_loop.area4b",
    "human_in_the_loop",
    "blocker",
    "Area 4b (students identified by a model) without a person who decides.",
)
def _human_4b(d: Draft, c: _Context) -> Iterator[_Hit]:
    if c.area4b and _no_human(d.human_in_the_loop):
        yield (
            "human_in_the_loop",
            "Students are identified with a predictive model, but nobody is named who "
            "interprets the result and decides what happens.",
            "Name the role (e.g. the study advisor) who reviews each signal and decides whether and how to "
            "approach the student.",
        )


@_rule(
    "human_in_the_loop.automated",
    "human_in_the_loop",
    "blocker",
    "Decisions about students are taken automatically, without a person.",
)
def _automated(d: Draft, c: _Context) -> Iterator[_Hit]:
    m = _search(_AUTOMATED, c.narrative)
    if m is None and (c.area4b or c.ai_used):
        m = _search(_AUTO_MESSAGE, c.narrative)
    if m:
        yield (
            "human_in_the_loop",
            f"The draft describes automatic action on students ('{m.group(0)}').",
            "Let a person interpret each result and take the decision; the system may only advise.",
        )


# ---------------------------------------------------------------- values: balancing, reliability, accountability


@_rule(
    "fair_balancing.missing",
    "fair_balancing",
    "major",
    "The interests of the people involved are not weighed.",
)
def _balancing(d: Draft, c: _Context) -> Iterator[_Hit]:
    if is_blank(d.interests_weighed):
        yield (
            "interests_weighed",
            "The draft does not weigh the interests of the students and staff involved.",
            "Describe the interests at stake (e.g. privacy, pressure of being monitored) and why the purpose "
            "outweighs them.",
        )


@_rule("reliable_analyses.missing", "reliable_analyses", "major", "No validation of the analyses.")
def _validation(d: Draft, c: _Context) -> Iterator[_Hit]:
    if is_blank(d.analysis_validation):
        yield (
            "analysis_validation",
            "The draft does not say how the analyses are checked to be reliable and valid.",
            "Describe how results are validated and who has the expertise to understand and improve them.",
        )


@_rule(
    "reliable_analyses.ai_performance",
    "reliable_analyses",
    "minor",
    "AI used, but the validation says nothing about model performance or bias.",
)
def _validation_ai(d: Draft, c: _Context) -> Iterator[_Hit]:
    if (
        c.ai_used
        and not is_blank(d.analysis_validation)
        and not re.search(
            r"accura|precis|recall|auc|f1|nauwkeurig|betrouwba|reliab|valid|bias|vertekening|fout|error|"
            r"perform|prestatie|test|cross|kalibr|calibr",
            normalize(d.analysis_validation),
        )
    ):
        yield (
            "analysis_validation",
            "The validation does not mention the model's accuracy or bias.",
            "Add how the model's accuracy and bias are measured before and during use.",
        )


@_rule("accountability.missing", "accountability", "major", "No responsible person or role.")
def _responsible(d: Draft, c: _Context) -> Iterator[_Hit]:
    if is_blank(d.responsible):
        yield (
            "responsible",
            "The draft names nobody responsible for the processing.",
            "Name the responsible role (e.g. programme director, project lead) who is accountable.",
        )


# =========================================================================== running the rules


@cache
def _citation(ref: Ref) -> Citation:
    from assistant.policy import passage_for

    passage = passage_for(ref)
    return Citation(source=passage.source, section=passage.section, text=passage.text)


def check_draft(draft: Draft | dict) -> list[Finding]:
    """All findings for one draft, in rule order (deterministic)."""
    if not isinstance(draft, Draft):
        draft = parse_draft(draft)
    ctx = _context(draft)
    findings: list[Finding] = []
    for rule in RULES:
        for field, message, fix in rule.fn(draft, ctx):
            findings.append(
                Finding(
                    rule=rule.id,
                    principle=rule.principle,
                    severity=rule.severity,
                    field=field,
                    message=message,
                    citation=_citation(rule.ref),
                    fix=fix,
                )
            )
    return findings


def passed(findings: Iterable[Finding]) -> bool:
    """True when there is no blocker and no major finding."""
    return not any(f.severity in ("blocker", "major") for f in findings)


def check_result(file: str, draft: Draft | dict) -> CheckResult:
    """The `check --json` object for one draft file."""
    findings = check_draft(draft)
    return CheckResult(file=str(file), passed=passed(findings), findings=findings)


# =========================================================================== documentation


def rules_table_markdown() -> str:
    """The rule table (one row per rule) for README / docs, generated from `RULES`."""
    rows = ["| rule | principle | severity | flags | policy passage |", "|---|---|---|---|---|"]
    for rule in RULES:
        rows.append(
            f"| `{rule.id}` | `{rule.principle}` | {rule.severity} | {rule.description} | "
            f"{rule.ref.section} |"
        )
    return "\n".join(rows) + "\n"


def rules_doc_markdown() -> str:
    """The whole of docs/rules.md."""
    doc = (__doc__ or "").split("Severity (a product decision", 1)[1].split("`passed` is true", 1)[0]
    return (
        "# Checker rules\n\n"
        "<!-- generated by `python -m assistant.checker.rules` from assistant/checker/rules.py; do not edit by hand -->\n\n"
        "`assistant check DRAFT.json` runs these rules on a draft. Each finding cites the policy passage "
        "it rests on and says what to add.\n\n"
        "## Severity\n\nSeverity (a product decision" + doc.rstrip() + "\n\n"
        "A draft **passes** when it has no blocker and no major finding.\n\n"
        "AI counts as used when `uses_ai` is true, the `ai` block names a model, or the text describes AI "
        "(in an area-4 project a predictive model such as 'model' or 'voorspellen' is enough).\n\n"
        "## Rules\n\n" + rules_table_markdown()
    )


if __name__ == "__main__":  # python -m assistant.checker.rules  -> regenerate docs/rules.md
    from assistant.config import PACKAGE_ROOT

    target = PACKAGE_ROOT / "docs" / "rules.md"
    target.parent.mkdir(exist_ok=True)
    target.write_text(rules_doc_markdown(), encoding="utf-8")
    print(f"wrote {target}")

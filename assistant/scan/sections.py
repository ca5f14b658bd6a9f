"""Sections A-F and I of the scan: the project and its context, purpose and necessity, data subjects
and data, lawfulness and rights, security, analysis and AI, and the preliminary risks. Most answers
are the draft's own fields (`from_draft`); a few are derived or suggested from the areas and sources;
judgements (subsidiarity, risks) are for a person and never pre-filled. Each item cites the policy
principle that asks for it, or the scan's reference for what the policy does not spell out."""

from __future__ import annotations

from assistant.policy import AREAS
from assistant.scan.facts import Facts
from assistant.scan.registry import (
    Ans,
    Item,
    copied,
    no,
    person,
    registrar,
    suggest,
    unknown,
    vulnerable_subjects,
    yes,
)

__all__ = ["ITEMS", "RISK_ITEMS"]

ITEMS: list[Item] = []
RISK_ITEMS: list[Item] = []
_a = registrar(ITEMS, "project")
_b = registrar(ITEMS, "purpose")
_c = registrar(ITEMS, "data")
_d = registrar(ITEMS, "lawfulness")
_e = registrar(ITEMS, "security")
_f = registrar(ITEMS, "analysis")
_i = registrar(RISK_ITEMS, "risks")

_SCOPE_OF_AREA = {"1a": "course", "1b": "course", "2a": "course", "2b": "programme", "3a": "programme",
                  "3b": "programme", "3c": "programme", "4a": "programme", "4b": "programme"}  # fmt: skip


def _audience(f: Facts, area: str) -> str:
    return AREAS[area].audience_nl if f.lang == "nl" else AREAS[area].audience_en


def _text(f: Facts, name: str) -> Ans:
    return copied(getattr(f.draft, name), name)


@_a("A1", "policy:purpose_limitation", "doelbinding")
def _a1(f: Facts) -> Ans:
    d = f.draft
    return copied(" - ".join(p for p in (d.title, d.summary) if p), "title", "summary")


@_a("A2", "policy:legal_basis", "soort LA-project")
def _a2(f: Facts) -> Ans:
    return _text(f, "project_type")


@_a("A3", "policy:accountability", "verantwoordelijk")
def _a3(f: Facts) -> Ans:
    return _text(f, "responsible")


@_a("A4", "policy:area", "gebieden")
def _a4(f: Facts) -> Ans:
    return copied([a for a in f.draft.areas], "areas")


@_a("A5", "policy:transparency", "privacyverklaring")
def _a5(f: Facts) -> Ans:
    known = [a for a in f.draft.areas if a in AREAS]
    if not known and not f.draft.stakeholders:
        return unknown("empty", "stakeholders", "areas")
    audience = [f"{a}: {_audience(f, a)}" for a in known]
    return Ans(f.draft.stakeholders + audience, "derived", ("stakeholders", "areas"), "a5.audience")


@_a("A6", "ref:gdpr-28-44", "Art. 28", effort=1)
def _a6(f: Facts) -> Ans:
    processors = [p.name for p in f.extras.processors if p.name]
    if processors:
        return Ans(f.systems + processors, "from_draft", ("data", "processors"), "a6.processors")
    if f.systems:
        return Ans(f.systems, "derived", ("data",), "a6.systems_only")
    return unknown("a6.open", "data", "processors")


@_a("A7", "ref:gdpr-35-1", "Art. 35(1)")
def _a7(f: Facts) -> Ans:
    if f.extras.existing_dpia:
        status = "suggested" if "existing_dpia" in f.extras.suggested else "from_draft"
        return Ans(f.extras.existing_dpia, status, ("existing_dpia",), "a7.existing")
    return person("a7.person", "existing_dpia")


@_b("B1", "policy:purpose_limitation", "doelbinding")
def _b1(f: Facts) -> Ans:
    return copied(list(f.draft.purposes), "purposes")


@_b("B2", "policy:necessity", "noodzakelijkheidstoets")
def _b2(f: Facts) -> Ans:
    return _text(f, "necessity")


@_b("B3", "policy:necessity", "noodzakelijkheidstoets")
def _b3(f: Facts) -> Ans:
    return person("b3.subsidiarity", "necessity")


@_b("B4", "policy:fair_balancing", "afgewogen")
def _b4(f: Facts) -> Ans:
    return _text(f, "interests_weighed")


@_c("C1", "ref:wp248-7", "WP248 criterion 7")
def _c1(f: Facts) -> Ans:
    if f.extras.data_subjects:
        status = "suggested" if "data_subjects" in f.extras.suggested else "from_draft"
        return Ans(list(f.extras.data_subjects), status, ("data_subjects",))
    found = [g.removeprefix("subjects ") for g in ("subjects students", "subjects staff", "subjects applicants",
             "subjects alumni") if f.find(g, "data.") or g == "subjects students" and f.find(g, "stakeholders")]  # fmt: skip
    if found:
        hit = f.find(f"subjects {found[0]}", "data.", "stakeholders")
        return Ans(found, "suggested", ("stakeholders", "data"), "c1.words", hit.evidence if hit else "")
    return unknown("c1.open", "data_subjects")


@_c("C2", "ref:wp248-7", "WP248 criterion 7")
def _c2(f: Facts) -> Ans:
    return vulnerable_subjects(f, "c2.given", "c2.word") or unknown("c2.open", "data_subjects")


@_c("C3", "policy:data_categories", "algemene persoonsgegevens")
def _c3(f: Facts) -> Ans:
    return copied([f"{i.name} ({i.category}; {i.source or '?'})" for i in f.draft.data], "data")


@_c("C4", "policy:data_categories", "bijzondere en gevoelige")
def _c4(f: Facts) -> Ans:
    if not f.draft.data:
        return unknown("empty", "data")
    for i, item in enumerate(f.draft.data):
        if item.category != "general":
            return yes("c4.category", f"data.{i}.category", evidence=item.name, category=item.category)
    if f.category_hits:
        i, category = next(iter(f.category_hits.items()))
        return suggest("c4.word", None, f"data.{i}.name", evidence=f.draft.data[i].name, category=category)
    return no("c4.general", "data")


@_c("C5", "ref:wp248-6", "WP248 criterion 6")
def _c5(f: Facts) -> Ans:
    if not f.systems:
        return unknown("c5.open", "data")
    return Ans(list(f.systems), "derived", ("data",), "c5.systems", params={"n": len(f.systems)})


@_c("C6", "ref:wp248-5", "WP248 criterion 5", effort=1)
def _c6(f: Facts) -> Ans:
    scale = f.extras.scale
    if scale is not None and (scale.data_subjects is not None or scale.scope):
        status = "suggested" if "scale" in f.extras.suggested else "from_draft"
        return Ans(scale.model_dump(), status, ("scale",))
    scopes = {_SCOPE_OF_AREA[a] for a in f.areas if a in _SCOPE_OF_AREA}
    if scopes:
        scope = "programme" if "programme" in scopes else "course"
        return Ans({"scope": scope}, "suggested", ("areas",), "c6.areas", params={"scope": scope})
    return unknown("c6.open", "scale")


@_c("C7", "ref:wp248-3", "WP248 criterion 3", effort=1)
def _c7(f: Facts) -> Ans:
    if f.extras.frequency:
        status = "suggested" if "frequency" in f.extras.suggested else "from_draft"
        return Ans(f.extras.frequency, status, ("frequency",))
    if f.areas & {"1a", "1b"}:
        return Ans("continuous", "suggested", ("areas",), "c7.during_course")
    return unknown("c7.open", "frequency")


@_c("C8", "policy:storage_limitation", "verwijderd")
def _c8(f: Facts) -> Ans:
    return _text(f, "retention")


@_d("D1", "policy:legal_basis", "grondslag")
def _d1(f: Facts) -> Ans:
    return _text(f, "legal_basis")


@_d("D2", "policy:informed_consent", "informed consent")
def _d2(f: Facts) -> Ans:
    d = f.draft
    if d.project_type == "implementation":
        return Ans("n/a", "derived", ("project_type",), "d2.implementation")
    values = {"informed_consent": d.informed_consent, "ethics_approval": d.ethics_approval}
    if all(v is None for v in values.values()):
        return unknown("d2.open", "informed_consent", "ethics_approval")
    return Ans(values, "from_draft", ("informed_consent", "ethics_approval"))


@_d("D3", "policy:transparency", "privacyverklaring")
def _d3(f: Facts) -> Ans:
    return _text(f, "privacy_statement")


@_d("D4", "ref:gdpr-rights", "Art. 21")
def _d4(f: Facts) -> Ans:
    return copied(f.extras.rights_procedure, "rights_procedure", rule="d4.open")


@_d("D5", "ref:gdpr-28-44", "Art. 28")
def _d5(f: Facts) -> Ans:
    processors = f.extras.processors
    if not processors:
        return unknown("d5.open", "processors")
    missing = [p.name or "?" for p in processors if p.role in (None, "processor") and p.agreement is not True]
    if missing:
        return Ans("no", "derived", ("processors",), "d5.missing", params={"names": ", ".join(missing)})
    return Ans("yes", "derived", ("processors",), "d5.all")


@_d("D6", "ref:gdpr-28-44", "Art. 44")
def _d6(f: Facts) -> Ans:
    processors = f.extras.processors
    if not processors:
        return unknown("d6.open", "processors")
    outside = [p.name or "?" for p in processors if p.eea is False]
    if outside:
        return Ans("yes", "derived", ("processors",), "d6.outside", params={"names": ", ".join(outside)})
    if all(p.eea is True for p in processors):
        return Ans("no", "derived", ("processors",), "d6.inside")
    return unknown("d6.open", "processors")


@_e("E1", "policy:security", "maatregelen")
def _e1(f: Facts) -> Ans:
    return copied(list(f.draft.security_measures), "security_measures")


@_e("E2", "policy:security", "ongeoorloofde")
def _e2(f: Facts) -> Ans:
    individual = sorted(f.areas - {"2a", "2b"})
    if individual:
        return Ans([f"{a}: {_audience(f, a)}" for a in individual if a in AREAS], "suggested",
                   ("areas", "stakeholders"), "e2.individual", f.area_evidence(individual))  # fmt: skip
    if f.areas:
        return Ans([], "suggested", ("areas",), "e2.aggregate")
    return unknown("empty", "areas")


@_e("E3", "ref:uu-handbook", "UU Data Privacy Handbook")
def _e3(f: Facts) -> Ans:
    return person("e3.classification", "scale", "data", "uses_ai")


@_f("F1", "policy:reliable_analyses", "analyses")
def _f1(f: Facts) -> Ans:
    if f.areas & {"4a", "4b"}:
        kind = "predictive"
    elif f.areas & {"1a", "1b", "3a", "3b", "3c"}:
        kind = "individual"
    elif f.areas:
        kind = "aggregate"
    else:
        return unknown("empty", "areas")
    return Ans(kind, "suggested", ("areas", "uses_ai"), f"f1.{kind}")


@_f("F2", "policy:human_in_the_loop", "persoon betrokken")
def _f2(f: Facts) -> Ans:
    return _text(f, "human_in_the_loop")


@_f("F3", "ref:gdpr-22", "Art. 22", effort=3)
def _f3(f: Facts) -> Ans:
    if f.extras.effects:
        status = "suggested" if "effects" in f.extras.suggested else "from_draft"
        return Ans(f.extras.effects, status, ("effects",))
    return person("f3.person", "effects", "ai.decision_process")


@_f("F4", "policy:reliable_analyses", "analyses")
def _f4(f: Facts) -> Ans:
    return _text(f, "analysis_validation")


@_f("F5", "policy:ai_documentation", "modellen, trainingsdata en besluitvormingsprocessen")
def _f5(f: Facts) -> Ans:
    ai = f.draft.ai
    if not f.draft.uses_ai and not f.ai_terms:
        return Ans("n/a", "derived", ("uses_ai",), "f5.no_ai")
    if ai is None:
        return unknown("f5.open", "ai")
    values = {"models": ai.models, "training_data": ai.training_data, "decision_process": ai.decision_process}
    return copied(
        {k: v for k, v in values.items() if v}, "ai.models", "ai.training_data", "ai.decision_process"
    )


@_f("F6", "policy:ai_officer", "AI-officer")
def _f6(f: Facts) -> Ans:
    if not f.draft.uses_ai and not f.ai_terms:
        return Ans("n/a", "derived", ("uses_ai",), "f5.no_ai")
    consulted = f.draft.ai.ai_officer_consulted if f.draft.ai is not None else False
    return Ans("yes" if consulted else "no", "from_draft", ("ai.ai_officer_consulted",))


for _n in range(1, 5):
    _i(f"I{_n}", "ref:uu-handbook", "four scenarios")(lambda f, n=_n: person(f"i{n}.risk"))

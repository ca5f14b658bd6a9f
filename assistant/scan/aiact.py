"""Section H, the AI Act classification questions, in the order of the government's decision aid: is
there an AI system (Art. 3(1)); the university's role; the research exemption (Art. 2(6)); prohibited
practices (Art. 5, emotion inference in education among them); the education uses of Annex III point 3;
profiling; the Art. 6(3) filter; the resulting class with the date it applies; the deployer's duties;
the AI officer. Keyword flags only suggest: the AI officer decides (policy 3.2, AI-officer)."""

from __future__ import annotations

from assistant.scan.facts import Facts
from assistant.scan.registry import Ans, Item, answer_of, no, person, registrar, suggest, unknown, yes

__all__ = ["ITEMS", "CLASSES", "APPLIES_FROM", "PROHIBITED_GROUPS", "ANNEX_GROUPS", "duties"]

ITEMS: list[Item] = []
_h = registrar(ITEMS, "ai_act")

CLASSES = ("not_ai", "out_of_scope", "prohibited", "high_risk", "minimal", "unknown")
APPLIES_FROM = {"prohibited": "2025-02-02", "high_risk": "2027-12-02", "minimal": "2025-02-02"}
"""Art. 5 and Art. 4 apply from 2 Feb 2025; Annex III obligations from 2 Dec 2027 (Digital Omnibus;
the reference marks it 'to verify')."""

PROHIBITED_GROUPS = {  # lexicon group -> the Art. 5(1) point it flags
    "emotion recognition": "5(1)(f)", "sentiment": "5(1)(f)", "manipulation": "5(1)(a)",
    "social scoring": "5(1)(c)", "biometric categorisation": "5(1)(g)",
}  # fmt: skip
ANNEX_GROUPS = {
    "annex admission": "3a",
    "annex outcomes": "3b",
    "annex level": "3c",
    "annex proctoring": "3d",
}
_PERSONAL_AREAS = {"1a", "1b", "3a", "3b", "3c", "4a", "4b"}  # the areas that look at individual students
_STEERING_AREAS = {"1b", "3b", "4b"}  # outcomes evaluated per student, to steer learning (Annex III 3(b))


def _no_ai(f: Facts) -> bool:
    return answer_of(f, "H0").answer == "no"


@_h("H0", "ref:aia-3-1", "Art. 3(1)")
def _h0(f: Facts) -> Ans:
    if f.draft.uses_ai:
        return yes("h0.uses_ai", "uses_ai")
    if f.ai_terms:
        return suggest("h0.ai_words", None, "summary", evidence=f.ai_terms[0], term=f.ai_terms[0])
    if f.areas & {"4a", "4b"}:
        return unknown("h0.area4", "uses_ai", "areas")
    if not f.areas:
        return unknown("h0.open", "uses_ai")
    return suggest("h0.descriptive", None, "uses_ai", "areas", answer="no")


@_h("H1", "ref:aia-roles", "Art. 3(3)")
def _h1(f: Facts) -> Ans:
    if f.extras.ai_role:
        status = "suggested" if "ai_role" in f.extras.suggested else "from_draft"
        return Ans(f.extras.ai_role, status, ("ai_role",))
    if _no_ai(f):
        return Ans("n/a", "derived", ("uses_ai",), "h.no_ai")
    return unknown("h1.open", "ai_role", "ai.models")


@_h("H2", "ref:aia-2-6", "Art. 2(6)")
def _h2(f: Facts) -> Ans:
    if _no_ai(f):
        return Ans("n/a", "derived", ("uses_ai",), "h.no_ai")
    if f.draft.project_type == "implementation":
        return no("h2.implementation", "project_type")
    operational = f.find("operational use")
    if f.draft.project_type == "research":
        if operational:
            return suggest("h2.operational", operational, "project_type", answer="no")
        return suggest("h2.research", None, "project_type", answer="yes")
    return unknown("h2.open", "project_type")


@_h("H3", "ref:aia-5", "Art. 5(1)(f)")
def _h3(f: Facts) -> Ans:
    flags = [(point, f.find(group)) for group, point in PROHIBITED_GROUPS.items() if f.find(group)]
    biometric = f.find("biometric")
    if biometric and not _no_ai(f):
        flags.append(("5(1)(f)/(g)", biometric))
    if flags:
        points = list(dict.fromkeys(p for p, _ in flags))
        return suggest("h3.flags", flags[0][1], answer=points, points=", ".join(points))
    return person("h3.none_found", "ai.prohibited_practices_checked")


@_h("H4", "ref:aia-annex-iii-3", "Annex III point 3")
def _h4(f: Facts) -> Ans:
    if _no_ai(f):
        return Ans([], "derived", ("uses_ai",), "h.no_ai")
    found = {point: f.find(group) for group, point in ANNEX_GROUPS.items() if f.find(group)}
    if not f.areas & _PERSONAL_AREAS:  # outcomes of courses, not of persons (Annex III 3(b): natural persons)
        found.pop("3b", None)
    elif f.areas & _STEERING_AREAS and "3b" not in found:
        found["3b"] = None
    if not found:
        return unknown("h4.open", "areas", "purposes")
    points = sorted(found)
    hit = next((h for h in found.values() if h is not None), None)
    return suggest("h4.uses", hit, "areas", "purposes", answer=points, evidence=f.area_evidence(sorted(f.areas)),
                   points=", ".join(points))  # fmt: skip


@_h("H5", "ref:aia-6-3", "profiles natural persons")
def _h5(f: Facts) -> Ans:
    return answer_of(f, "G-AP15")


@_h("H6", "ref:aia-6-3", "Art. 6(3)")
def _h6(f: Facts) -> Ans:
    if _no_ai(f):
        return Ans("n/a", "derived", ("uses_ai",), "h.no_ai")
    if answer_of(f, "H5").answer == "yes" and answer_of(f, "H5").status == "derived":
        return no("h6.profiling", "areas")
    return person("h6.person")


def _class(f: Facts) -> tuple[str, str]:
    """(class, rule) from H0-H5."""
    h0, h2, h3, h4 = (answer_of(f, i) for i in ("H0", "H2", "H3", "H4"))
    if h0.answer == "no":
        return "not_ai", "h7.not_ai"
    if h3.status == "suggested" and "5(1)(f)" in h3.answer:
        return "prohibited", "h7.prohibited"
    if h2.answer == "yes":
        return "out_of_scope", "h7.research"
    if h0.answer == "unknown":
        return "unknown", "h7.unknown"
    if isinstance(h4.answer, list) and h4.answer:
        return "high_risk", "h7.high_risk"
    return "minimal", "h7.minimal"


@_h("H7", "ref:aia-dates", "Art. 113")
def _h7(f: Facts) -> Ans:
    cls, rule = _class(f)
    status = "unknown" if cls == "unknown" else "suggested"
    return Ans(cls, status, ("uses_ai", "areas", "project_type"), rule,
               params={"date": APPLIES_FROM.get(cls, "-")})  # fmt: skip


def duties(f: Facts) -> list[str]:
    """Catalogue keys (`scan.duty.<key>`) of the university's AI Act duties for the draft's class."""
    cls = answer_of(f, "H7").answer
    role = f.extras.ai_role
    out: list[str] = []
    if cls in ("not_ai", "out_of_scope"):
        return out
    if cls == "prohibited":
        return ["stop"]
    out.append("literacy")
    if cls in ("high_risk", "unknown"):
        out += ["oversight", "logs", "dpia_input", "inform", "fria", "register"]
        if role in ("provider", "both"):
            out.append("provider")
    return out


@_h("H8", "ref:aia-26-27", "Art. 26")
def _h8(f: Facts) -> Ans:
    keys = duties(f)
    if not keys:
        return Ans([], "derived", ("uses_ai",), "h8.none")
    return Ans(keys, "derived", ("uses_ai", "ai_role"), "h8.duties")


@_h("H9", "policy:ai_officer", "AI-officer")
def _h9(f: Facts) -> Ans:
    if _no_ai(f) and not f.draft.uses_ai:
        return Ans("n/a", "derived", ("uses_ai",), "h.no_ai")
    ai = f.draft.ai
    if ai is None:
        return unknown("h9.open", "ai")
    documented = all((ai.models, ai.training_data, ai.decision_process))
    both = ai.ai_officer_consulted and documented
    return Ans("yes" if both else "no", "from_draft",
               ("ai.ai_officer_consulted", "ai.models", "ai.training_data", "ai.decision_process"),
               "h9.done" if both else "h9.missing")  # fmt: skip

"""Section G, the DPIA screening: GDPR Art. 35(3), the Dutch DPA list (the types LA can meet) and the
nine WP248 criteria, each answered yes / no / unknown by a rule on the draft (criteria: the scan's
reference, assistant/data/reference/dpia-criteria.yaml; rules: docs/scan.md).

A keyword only suggests ('suggested yes', with its evidence); only draft fields with a fixed meaning
(areas, categories, `uses_ai`, the optional scan fields, the number of source systems) derive an
answer. Whether processing is large scale, systematic or highly personal, whether students are
vulnerable and whether a human decision is meaningful stay open unless the draft says so.
"""

from __future__ import annotations

from assistant.lexicon import compile_terms, load_lexicon
from assistant.scan.facts import Facts
from assistant.scan.registry import (
    Ans,
    Item,
    and3,
    answer_of,
    no,
    registrar,
    suggest,
    unknown,
    vulnerable_subjects,
    yes,
)
from assistant.text import fold

__all__ = ["ITEMS", "ART35", "AP", "WP"]

ITEMS: list[Item] = []
_item = registrar(ITEMS, "dpia")

ART35 = ("G-35a", "G-35b", "G-35c")
AP = ("G-AP1", "G-AP3", "G-AP7", "G-AP11", "G-AP12", "G-AP13", "G-AP15", "G-AP16", "G-AP17")
WP = tuple(f"G-WP{n}" for n in range(1, 10))

_PREDICTIVE = {"4a", "4b"}
_PER_STUDENT = {"1b", "3b", "3c"}
_AGGREGATE = {"2a", "2b"}
_DATA = ("data.",)
# What the processing does to a student is told here, not in the names of the data it uses ('BSA' as input).
_CONSEQUENCE_FIELDS = ("title", "summary", "purposes", "human_in_the_loop", "ai.decision_process", "effects")
_PERSON = compile_terms(
    load_lexicon("checker").groups["person or role"].terms
)  # the checker's human in the loop


# ---------------------------------------------------------------- GDPR Art. 35(3)


@_item("G-35a", "ref:gdpr-35-3-a", "Art. 35(3)(a)", effort=3, settle="decision")
def _art35a(f: Facts) -> Ans:
    return and3("35a", answer_of(f, "G-WP1"), answer_of(f, "G-WP2"))


@_item("G-35b", "ref:gdpr-35-3-b", "Art. 35(3)(b)", effort=1, settle="scale")
def _art35b(f: Facts) -> Ans:
    special = [i for i, c in f.category_hits.items() if c == "special"]
    if not special:
        return no("35b.no_special", "data")
    given = any(f.draft.data[i].category == "special" for i in special)
    part = (
        yes("special", f"data.{special[0]}.category")
        if given
        else suggest("special", None, f"data.{special[0]}.name", evidence=f.draft.data[special[0]].name)
    )
    return and3("35b", part, answer_of(f, "G-WP5"))


@_item("G-35c", "ref:gdpr-35-3-c", "Art. 35(3)(c)", effort=2, settle="confirm")
def _art35c(f: Facts) -> Ans:
    hit = f.find("camera", *_DATA) or f.find("location", *_DATA)
    if hit:
        return Ans("unknown", "unknown", (hit.field,), "35c.public", hit.evidence, {"term": hit.term})
    return no("35c.no_public", "data")


# ---------------------------------------------------------------- the Dutch DPA list


@_item("G-AP1", "ref:ap-1", "AP list type 1", effort=1, settle="privacy_statement")
def _ap1(f: Facts) -> Ans:
    statement = f.draft.privacy_statement
    if statement is True:
        return no("ap1.statement", "privacy_statement")
    told = (
        yes("no_statement", "privacy_statement") if statement is False else unknown("", "privacy_statement")
    )
    return and3("ap1", answer_of(f, "G-WP3"), told)


@_item("G-AP3", "ref:ap-3", "AP list type 3", effort=2, settle="confirm")
def _ap3(f: Facts) -> Ans:
    hit = f.find("fraud")
    return suggest("ap3.fraud", hit) if hit else no("ap3.no_fraud", "purposes", "summary")


@_item("G-AP7", "ref:ap-7", "AP list type 7", effort=2, settle="confirm")
def _ap7(f: Facts) -> Ans:
    for i, item in enumerate(f.draft.data):
        if item.category == "special" and f.find("health", f"data.{i}."):
            return yes("ap7.health_item", f"data.{i}.category", evidence=item.name)
    hit = f.find("health")
    return suggest("ap7.health_word", hit) if hit else no("ap7.no_health", "data")


@_item("G-AP11", "ref:ap-11", "AP list type 11", effort=2, settle="staff")
def _ap11(f: Facts) -> Ans:
    hit = f.find("staff performance")
    if hit:
        return suggest("ap11.staff_visible", hit)
    staff = f.find("subjects staff", "data_subjects") or f.find("subjects staff", *_DATA)
    if staff:
        return suggest("ap11.staff_subjects", staff)
    if f.extras.data_subjects or not (f.areas & _AGGREGATE):
        return no("ap11.no_staff", "data_subjects" if f.extras.data_subjects else "data")
    return unknown("ap11.area2", "areas", areas=", ".join(sorted(f.areas & _AGGREGATE)))


@_item("G-AP12", "ref:ap-12", "AP list type 12", effort=2, settle="confirm")
def _ap12(f: Facts) -> Ans:
    hit = f.find("location", *_DATA)
    return suggest("ap12.location", hit) if hit else no("ap12.no_location", "data")


@_item("G-AP13", "ref:ap-13", "AP list type 13", effort=2, settle="confirm")
def _ap13(f: Facts) -> Ans:
    hit = f.find("communication", *_DATA)
    return suggest("ap13.communication", hit) if hit else no("ap13.no_communication", "data")


@_item("G-AP15", "ref:ap-15", "AP list type 15", effort=2, settle="profiling")
def _ap15(f: Facts) -> Ans:
    if "4b" in f.areas:
        return yes("ap15.area4b", "areas", evidence=f.area_evidence(["4b"]))
    if "4a" in f.areas:
        return suggest("ap15.area4a", None, "areas", evidence=f.area_evidence(["4a"]))
    hit = f.find("scoring")
    if hit:
        return suggest("ap15.scoring", hit)
    if f.areas & _PER_STUDENT:
        areas = sorted(f.areas & _PER_STUDENT)
        return suggest("ap15.per_student", None, "areas", evidence=f.area_evidence(areas),
                       areas=", ".join(areas))  # fmt: skip
    if f.areas and f.areas <= _AGGREGATE and not f.draft.uses_ai:
        return no("ap15.aggregate", "areas", "uses_ai")
    return unknown("ap15.open", "areas")


@_item("G-AP16", "ref:ap-16", "AP list type 16", effort=1, settle="scale")
def _ap16(f: Facts) -> Ans:
    return and3("ap16", answer_of(f, "G-WP3"), answer_of(f, "G-WP5"))


@_item("G-AP17", "ref:ap-17", "AP list type 17", effort=2, settle="confirm")
def _ap17(f: Facts) -> Ans:
    hit = f.find("biometric", *_DATA) or f.find("biometric")
    return suggest("ap17.biometric", hit) if hit else no("ap17.no_biometric", "data")


# ---------------------------------------------------------------- WP248


@_item("G-WP1", "ref:wp248-1", "WP248 criterion 1", effort=2, settle="profiling")
def _wp1(f: Facts) -> Ans:
    predictive = sorted(f.areas & _PREDICTIVE)
    if predictive:
        return yes("wp1.area4", "areas", evidence=f.area_evidence(predictive), areas=", ".join(predictive))
    hit = f.find("scoring")
    if hit:
        return suggest("wp1.scoring", hit)
    per_student = sorted(f.areas & _PER_STUDENT)
    if per_student:
        return suggest("wp1.per_student", None, "areas", evidence=f.area_evidence(per_student),
                       areas=", ".join(per_student))  # fmt: skip
    if f.areas and f.areas <= _AGGREGATE:
        return no("wp1.aggregate", "areas")
    return unknown("wp1.open", "areas")


@_item("G-WP2", "ref:wp248-2", "WP248 criterion 2", effort=3, settle="effects")
def _wp2(f: Facts) -> Ans:
    hit = f.find("automated decision", *_CONSEQUENCE_FIELDS) or f.find(
        "blocks access", "effects", "ai.decision_process"
    )
    if hit:
        return suggest("wp2.automatic", hit)
    advisory = f.find("advisory only", "effects")
    human = _PERSON.search(fold(f.draft.human_in_the_loop)) if f.draft.human_in_the_loop else None
    if advisory or (human and not (f.areas & _PREDICTIVE)):
        return no("wp2.human", "human_in_the_loop", *(("effects",) if advisory else ()))
    return unknown("wp2.open", "human_in_the_loop", "effects")


@_item("G-WP3", "ref:wp248-3", "WP248 criterion 3", effort=1, settle="frequency")
def _wp3(f: Facts) -> Ans:
    freq = f.extras.frequency
    if freq == "continuous":
        return yes("wp3.continuous", "frequency")
    hit = f.find("behaviour traces", *_DATA)
    if hit:
        return yes("wp3.traces", hit.field, evidence=hit.evidence, term=hit.term)
    hit = f.find("learning environment", *_DATA) or f.find("behaviour traces")
    if hit:
        return suggest("wp3.environment", hit)
    if freq == "once":
        return no("wp3.once", "frequency")
    if f.draft.data:
        return unknown("wp3.open", "data", "frequency")
    return unknown("wp3.no_data", "data", "frequency")


@_item("G-WP4", "ref:wp248-4", "WP248 criterion 4", effort=2, settle="confirm")
def _wp4(f: Facts) -> Ans:
    for i, item in enumerate(f.draft.data):
        if item.category != "general":
            return yes("wp4.category", f"data.{i}.category", evidence=item.name, category=item.category)
    hit = f.find("highly personal", *_DATA) or f.find("highly personal")
    if hit:
        return suggest("wp4.personal", hit)
    if f.category_hits:
        i = next(iter(f.category_hits))
        return suggest("wp4.category_word", None, f"data.{i}.name", evidence=f.draft.data[i].name)
    if f.draft.data:
        return no("wp4.general", "data")
    return unknown("wp4.no_data", "data")


_LARGE = (
    10_000  # the central government's pre-scan and UU's data classification (reference: WP248 criterion 5)
)


@_item("G-WP5", "ref:wp248-5", "WP248 criterion 5", effort=1, settle="scale")
def _wp5(f: Facts) -> Ans:
    scale = f.extras.scale
    n = scale.data_subjects if scale else None
    scope = scale.scope if scale else None
    if (n is not None and n >= _LARGE) or scope == "institution":
        return yes("wp5.large", "scale", n=n if n is not None else "?", scope=scope or "?")
    if scope == "course" or (n is not None and n < _LARGE and scope in (None, "course")):
        return no("wp5.small", "scale", n=n if n is not None else "?", scope=scope or "?")
    if scope in ("programme", "faculty"):
        return unknown("wp5.middle", "scale", scope=scope)
    return unknown("wp5.open", "scale", "areas")


@_item("G-WP6", "ref:wp248-6", "WP248 criterion 6", effort=1, settle="sources")
def _wp6(f: Facts) -> Ans:
    if len(f.systems) >= 2:
        return yes("wp6.systems", "data", systems=", ".join(f.systems))
    if len(f.systems) == 1 and all(item.source for item in f.draft.data):
        return no("wp6.one_system", "data", systems=f.systems[0])
    return unknown("wp6.open", "data")


@_item("G-WP7", "ref:wp248-7", "WP248 criterion 7", effort=3, settle="vulnerable")
def _wp7(f: Facts) -> Ans:
    if said := vulnerable_subjects(f, "wp7.subjects", "wp7.word"):
        return said
    if f.students_vulnerable is True:
        return yes("wp7.setting_yes")
    if f.students_vulnerable is False:
        return no("wp7.setting_no")
    return unknown("wp7.open")


@_item("G-WP8", "ref:wp248-8", "WP248 criterion 8", effort=2, settle="ai")
def _wp8(f: Facts) -> Ans:
    if f.draft.uses_ai:
        return yes("wp8.uses_ai", "uses_ai")
    if f.ai_terms:
        return suggest("wp8.ai_words", None, "summary", evidence=f.ai_terms[0], term=f.ai_terms[0])
    if f.areas & _PREDICTIVE:
        return unknown("wp8.area4", "uses_ai", "areas")
    return no("wp8.no_ai", "uses_ai")


@_item("G-WP9", "ref:wp248-9", "WP248 criterion 9", effort=3, settle="effects")
def _wp9(f: Facts) -> Ans:
    hit = f.find("blocks access", *_CONSEQUENCE_FIELDS)
    if hit:
        return suggest("wp9.blocks", hit)
    if f.find("advisory only", "effects"):
        return no("wp9.advisory", "effects")
    return unknown("wp9.open", "effects")

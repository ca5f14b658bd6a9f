"""The privacy scan (issue 21): provenance of every answer, the DPIA screening and its two-sided
verdict, the AI Act questions, the optional scan fields, and the `assistant scan` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.extras import SCAN_FIELDS, read_extras
from assistant.proposal import draft_json_schema, parse_draft
from assistant.scan import ITEMS, LEVELS, STATUSES, scan_draft
from assistant.scan.verdict import level

ROOT = Path(__file__).resolve().parent.parent

# A settled, harmless project: every screening question answered 'no' from fields with a fixed meaning.
SETTLED = {
    "title": "Gebruik van cursusmateriaal Inleiding Sociologie",
    "summary": "Na afloop van de cursus bekijkt de opleidingsdirecteur per cursus hoeveel studenten elk "
    "hoofdstuk van het cursusmateriaal hebben geopend, alleen als groepstotalen.",
    "project_type": "implementation",
    "areas": ["2b"],
    "purposes": [
        "De opleidingsdirecteur verbetert het curriculum op basis van het gebruik van het materiaal."
    ],
    "stakeholders": ["opleidingsdirecteur"],
    "data": [{"name": "eindcijfer per cursus", "category": "general", "source": "OSIRIS"}],
    "necessity": "Groepstotalen per cursus volstaan niet zonder koppeling aan de cursusinschrijving.",
    "legal_basis": "public_interest",
    "retention": "Verwijderd drie maanden na afloop van de cursus.",
    "privacy_statement": True,
    "security_measures": ["Alleen geaggregeerde tabellen, minimaal tien studenten per cel"],
    "uses_ai": False,
    "human_in_the_loop": "De opleidingsdirecteur interpreteert de totalen en beslist over aanpassingen.",
    "privacy_scan": "planned",
    "interests_weighed": "Alleen groepstotalen; geen student is herkenbaar.",
    "analysis_validation": "Een tweede analist controleert de totalen.",
    "responsible": "Opleidingsdirecteur Sociologie",
    "scale": {"data_subjects": 300, "scope": "course"},
    "data_subjects": ["students"],
    "frequency": "once",
    "effects": "Alleen advies aan de opleiding; geen gevolgen voor individuele studenten.",
}


def _answers(result) -> dict[str, tuple]:
    return {i.id: (i.answer, i.status) for i in result.items}


def test_a_settled_harmless_project_finds_no_trigger_but_never_says_not_needed():
    result = scan_draft(SETTLED, students_vulnerable=False)
    assert (result.verdict.lower, result.verdict.upper, result.verdict.dpia) == ("not_indicated",) * 3
    assert result.verdict.open_questions == []
    assert (
        "privacy officer confirms" in scan_draft(SETTLED, students_vulnerable=False, lang="en").verdict.text
    )
    assert "not needed" not in json.dumps(scan_draft(SETTLED, lang="en").model_dump()).lower()


def test_left_open_the_vulnerability_question_makes_it_depend_on_a_human_decision():
    result = scan_draft(SETTLED)  # students_vulnerable not decided
    assert result.verdict.dpia == "depends"
    assert (result.verdict.lower, result.verdict.upper) == ("not_indicated", "recommended")
    assert [q.id for q in result.verdict.open_questions] == ["G-WP7"]


@pytest.mark.parametrize(
    ("change", "dpia"),
    [
        ({"areas": ["4a", "4b"], "uses_ai": True}, "required"),  # area 4b: profiling (DPA list 15)
        ({"scale": {"data_subjects": 25000, "scope": "institution"}, "frequency": "continuous"}, "required"),
        ({"data": [{"name": "cijfers", "category": "general", "source": "OSIRIS"},
                   {"name": "enquête-antwoorden", "category": "general", "source": "Qualtrics"}]}, "recommended"),
        ({"privacy_statement": False, "frequency": "continuous"}, "required"),  # covert monitoring (DPA 1)
    ],
)  # fmt: skip
def test_criteria_from_fixed_fields_settle_the_verdict(change, dpia):
    result = scan_draft({**SETTLED, **change}, students_vulnerable=False)
    assert result.verdict.dpia == dpia, result.verdict


def test_level_follows_art35_the_dpa_list_and_the_wp248_count():
    base = {k: "no" for k in (i.id for i in ITEMS if i.id.startswith("G-"))}
    assert level(base) == "not_indicated"
    assert level({**base, "G-WP3": "yes"}) == "recommended"
    assert level({**base, "G-WP3": "yes", "G-WP6": "yes"}) == "required"
    assert level({**base, "G-AP12": "yes"}) == "required"
    assert level({**base, "G-35b": "yes"}) == "required"


def test_a_keyword_only_suggests_with_its_evidence_and_moves_only_the_upper_verdict():
    draft = {
        **SETTLED,
        "summary": SETTLED["summary"] + " Daarnaast zoeken we naar plagiaat in de opdrachten.",
    }
    result = scan_draft(draft, students_vulnerable=False)
    ap3 = next(i for i in result.items if i.id == "G-AP3")
    assert (ap3.answer, ap3.status) == ("yes", "suggested")
    assert "plagiaat" in ap3.evidence and ap3.fields == ["summary"]
    assert (result.verdict.lower, result.verdict.upper, result.verdict.dpia) == (
        "not_indicated",
        "required",
        "depends",
    )
    assert result.verdict.open_questions[0].id == "G-AP3"


def test_a_negated_mention_is_not_a_signal():
    draft = {**SETTLED, "summary": SETTLED["summary"] + " Er wordt geen plagiaat opgespoord."}
    assert _answers(scan_draft(draft, students_vulnerable=False))["G-AP3"] == ("no", "derived")


def test_every_item_has_a_known_status_and_for_person_items_are_never_prefilled():
    for draft in (SETTLED, {}, {"areas": ["4b"], "uses_ai": True}):
        for item in scan_draft(draft).items:
            assert item.status in STATUSES
            if item.status == "for_person":
                assert item.answer is None
            if item.status == "from_draft":
                assert item.fields, item.id
            if item.status in ("derived", "suggested"):
                assert item.rule, item.id
            if item.status == "suggested" and item.id.startswith("G-"):
                assert item.evidence or item.fields, item.id


def test_items_come_in_section_order_with_the_screening_ids_of_the_reference():
    ids = [i.id for i in ITEMS]
    assert len(ids) == len(set(ids))
    screening = [i for i in ids if i.startswith("G-")]
    assert screening == ["G-35a", "G-35b", "G-35c", "G-AP1", "G-AP3", "G-AP7", "G-AP11", "G-AP12", "G-AP13",
                         "G-AP15", "G-AP16", "G-AP17", *(f"G-WP{n}" for n in range(1, 10))]  # fmt: skip
    assert [i.id[0] for i in ITEMS] == sorted(i.id[0] for i in ITEMS)


def test_open_questions_come_easiest_first():
    result = scan_draft({"areas": ["1b"], "data": [{"name": "logins", "source": "Brightspace"}]})
    efforts = [q.effort for q in result.verdict.open_questions]
    assert efforts == sorted(efforts) and result.verdict.dpia == "depends"
    assert result.verdict.lower == "recommended"  # the logins are behaviour traces (WP248 3)


def test_the_verdict_is_one_of_the_levels_and_lower_never_exceeds_upper():
    order = {"not_indicated": 0, "recommended": 1, "required": 2}
    for case in json.loads((ROOT / "evals" / "drafts.json").read_text(encoding="utf-8")):
        v = scan_draft(case["draft"]).verdict
        assert v.dpia in LEVELS and order[v.lower] <= order[v.upper]
        assert (v.dpia == "depends") == (v.lower != v.upper) == bool(v.open_questions)


# ---------------------------------------------------------------- the AI Act questions


def test_a_predictive_model_on_students_is_high_risk_and_profiling_removes_the_filter():
    draft = {**SETTLED, "areas": ["4b"], "uses_ai": True, "ai_role": "provider",
             "ai": {"models": "logistic regression trained on earlier cohorts"}}  # fmt: skip
    result = scan_draft(draft, lang="en")
    answers = _answers(result)
    assert answers["H0"] == ("yes", "derived") and answers["H5"] == ("yes", "derived")
    assert answers["H6"] == ("no", "derived")
    assert result.ai_act.ai_class == "high_risk" and "3b" in result.ai_act.annex_iii
    assert result.ai_act.applies_from == "2027-12-02"
    assert any("FRIA" in d for d in result.ai_act.duties) and any(
        "provider" in d for d in result.ai_act.duties
    )
    assert result.model_dump(by_alias=True)["ai_act"]["class"] == "high_risk"


def test_emotion_recognition_is_flagged_for_the_ai_officer():
    draft = {
        **SETTLED,
        "uses_ai": True,
        "summary": "We meten de emoties van studenten via de webcam tijdens colleges.",
    }
    result = scan_draft(draft)
    assert "5(1)(f)" in result.ai_act.prohibited_flags
    assert _answers(result)["H3"][1] == "suggested" and result.ai_act.ai_class == "prohibited"


def test_a_descriptive_dashboard_is_probably_no_ai_system():
    result = scan_draft(SETTLED)
    assert _answers(result)["H0"] == ("no", "suggested")
    assert result.ai_act.ai_class == "not_ai" and result.ai_act.duties == []


def test_research_without_operational_use_suggests_the_exemption():
    draft = {**SETTLED, "project_type": "research", "uses_ai": True, "areas": ["4a"],
             "summary": "Fundamenteel onderzoek naar factoren die samenhangen met studievertraging."}  # fmt: skip
    assert _answers(scan_draft(draft))["H2"] == ("yes", "suggested")


# ---------------------------------------------------------------- optional scan fields


def test_optional_fields_are_read_tolerantly_and_never_refuse_a_draft():
    x = read_extras({"Scale": {"data_subjects": "12.000", "scope": "Opleiding"}, "dataSubjects": "studenten en docenten",
                     "frequency": "doorlopend", "processors": [{"name": "D2L", "role": "verwerker", "eea": "ja"}],
                     "effects": "n.v.t.", "suggested": {"existing_dpia": "DPIA-2024-03"}},
                    {"role": "we build our own model"})  # fmt: skip
    assert x.scale.data_subjects == 12000 and x.scale.scope == "programme"
    assert x.data_subjects == ["studenten", "docenten"] and x.frequency == "continuous"
    assert x.processors[0].role == "processor" and x.processors[0].eea is True
    assert x.effects == "" and x.existing_dpia == "DPIA-2024-03" and x.suggested == ["existing_dpia"]
    assert x.ai_role == "provider"
    bad = read_extras({"frequency": "sometimes", "scale": {"data_subjects": -4}})
    assert bad.frequency is None and len(bad.problems) == 2
    result = scan_draft({**SETTLED, "frequency": "sometimes"})
    assert result.problems and "frequency" in result.problems[0]


def test_optional_fields_are_in_the_schema_and_accepted_from_an_llm():
    props = draft_json_schema()["properties"]
    assert set(SCAN_FIELDS) <= set(props) and all(props[f].get("description") for f in SCAN_FIELDS)
    parse_draft({**SETTLED, "areas": ["2b"]}, strict=True)  # no 'fields not in the draft format'


def test_the_checker_does_not_flag_the_optional_fields():
    from assistant.checker import check_draft

    assert not [f for f in check_draft(SETTLED) if f.rule.startswith("keys.")]


def test_a_suggested_optional_value_stays_suggested():
    draft = {k: v for k, v in SETTLED.items() if k != "scale"} | {
        "suggested": {"scale": {"scope": "institution"}}
    }
    result = scan_draft(draft, students_vulnerable=False)
    assert _answers(result)["C6"] == ({"data_subjects": None, "scope": "institution"}, "suggested")


# ---------------------------------------------------------------- the command


def test_scan_json_prints_one_object_per_file(tmp_path):
    from assistant.cli.app import _register, app

    _register()
    good, bad = tmp_path / "a.json", tmp_path / "b.json"
    good.write_text(json.dumps(SETTLED), encoding="utf-8")
    bad.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["scan", str(good), "--json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out[0]["scan_version"] == 1 and out[0]["verdict"]["dpia"] in LEVELS and out[0]["items"]
    assert CliRunner().invoke(app, ["scan", str(good), str(bad), "--json"]).exit_code == 2
    text = CliRunner().invoke(app, ["scan", str(good), "--lang", "nl", "--students-vulnerable", "no"])
    assert text.exit_code == 0 and "Privacyscan" in text.stdout and "geen aanleiding" in text.stdout


_PROBE = """
import json, sys
sys.argv = ["assistant", "scan", sys.argv[1], "--json"]
from assistant.cli.app import main
try:
    main()
except SystemExit:
    pass
heavy = sorted(m for m in ("torch", "sentence_transformers", "transformers", "chromadb") if m in sys.modules)
print("HEAVY=" + json.dumps(heavy), file=sys.stderr)
"""


def test_scan_loads_no_model(tmp_path):
    path = tmp_path / "d.json"
    path.write_text(json.dumps(SETTLED), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)  # fmt: skip
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("HEAVY=")]
    assert line and json.loads(line[0][6:]) == [], proc.stderr[-2000:]
    assert json.loads(proc.stdout)[0]["file"] == str(path)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_export_carries_the_scan_section(lang):
    import io

    import docx

    from assistant.exports.draft import draft_to_docx, draft_to_markdown
    from assistant.messages import message

    draft = parse_draft(SETTLED)
    result = scan_draft(draft, lang=lang)
    md = draft_to_markdown(draft, None, lang, result)
    assert message("scan.export.heading", lang) in md and "G-WP7" in md and result.verdict.text in md
    assert message("scan.export.heading", lang) not in draft_to_markdown(draft, None, lang)
    paragraphs = [
        p.text for p in docx.Document(io.BytesIO(draft_to_docx(draft, None, lang, result))).paragraphs
    ]
    assert any(result.verdict.text in p for p in paragraphs)


def test_matching_at_candidate_words_finds_what_a_full_scan_finds():
    from assistant.scan import facts as F
    from assistant.terms import is_negated
    from assistant.text import fold

    cases = json.loads((ROOT / "evals" / "drafts.json").read_text(encoding="utf-8"))
    for case in cases:
        draft = parse_draft(case["draft"])
        f = F.facts(draft)
        norm = F._SEP.join(fold(t) for _, t in F._field_texts(draft, f.extras))
        for group, pattern in F._index().patterns.items():
            full = [m.group(0) for m in pattern.finditer(norm) if not is_negated(norm, m.start())]
            assert full == [h.term for h in f.hits(group)], (group, case["draft"].get("title"))


def test_eval_scores_labelled_scan_cases(tmp_path):
    """`assistant eval --scans F.json`: verdict, under-calls, criteria precision/recall, AI Act class."""

    from assistant.errors import InputError
    from assistant.evals.scan_eval import evaluate_scans

    draft = {
        "title": "Drop-out prediction for all first-year students",
        "project_type": "implementation",
        "purposes": ["Predict which first-year students are at risk of dropping out, for study advisers."],
        "areas": ["4a", "4b"],
        "data": [{"item": "grades", "category": "general", "source": "OSIRIS"}],
        "uses_ai": True,
    }
    right = {"verdict": "required", "criteria": {"G-WP1": "yes", "G-AP3": "no"}, "ai_act": "unclear"}
    wrong = {"verdict": "not_indicated", "criteria": {"G-WP1": "no"}, "ai_act": "no_ai_system"}
    out = evaluate_scans(
        [{"id": "a", "draft": draft, "labels": right}, {"id": "b", "draft": draft, "labels": wrong}]
    )
    (a, b) = out["results"]
    assert a["verdict"] == b["verdict"] and "G-WP1" in a["fired"]
    m = out["metrics"]
    assert m["n"] == 2 and m["verdict_accuracy"] == (0.5 if a["verdict"] == "required" else 0.0)
    assert m["criteria_recall"] == 1.0 and m["criteria_precision"] == 0.5  # G-WP1 yes once right, once not
    with pytest.raises(InputError, match="needs 'draft' and 'labels'"):
        evaluate_scans([{"id": "x"}])

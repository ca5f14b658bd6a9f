"""The privacy scan on real project descriptions (../shared/realworld/projects.jsonl), drafted by hand
for this test: what the scan derives and where a person must decide. The expected verdicts are the
reading of the research note (../shared/reference/privacy-scan.md, 5.4) and of WP248 for each project;
`students_vulnerable=False` stands for a university that has decided students are not vulnerable as
such."""

from __future__ import annotations

import pytest

from assistant.scan import scan_draft

_BASE = {"project_type": "implementation", "legal_basis": "public_interest", "privacy_statement": True,
         "privacy_scan": "planned"}  # fmt: skip

DRAFTS = {
    # rp02: study advisers see predicted delay per student (Power BI), from credits in OSIRIS.
    "rp02": {**_BASE, "title": "Studieadviseursdashboard", "areas": ["4a", "4b"], "uses_ai": True,
             "summary": "Per studieadviseur een Power BI-dashboard met voorspellingen van studievertraging voor "
                        "de eigen studenten, op basis van behaalde EC's.",
             "data": [{"name": "behaalde EC's per periode", "source": "OSIRIS"}],
             "human_in_the_loop": "De studieadviseur beslist of een student wordt uitgenodigd.",
             "scale": {"scope": "faculty"}},
    # rp12: a course-level Piwik pilot: downloads and clicks in Blackboard, shown to the teacher and students.
    "rp12": {**_BASE, "title": "Piwik-pilot Politicologie", "areas": ["1b", "1a"],
             "summary": "Een docent wil weten wanneer studenten cursusmateriaal downloaden; het online gedrag in de "
                        "leeromgeving wordt met Piwik in kaart gebracht en via een dashboard teruggegeven.",
             "data": [{"name": "downloads en kliks per student", "source": "Blackboard (Piwik)"}],
             "human_in_the_loop": "De docent interpreteert het dashboard.",
             "scale": {"data_subjects": 120, "scope": "course"}, "frequency": "continuous"},
    # rp01: THERMOS, a motivation questionnaire linked to OSIRIS progress, profile feedback per student.
    "rp01": {**_BASE, "title": "THERMOS", "areas": ["3a", "3b"],
             "summary": "Students' questionnaire answers about study behaviour and motivation are linked to their "
                        "progress data; each student gets feedback on their own profile; tutors use it in conversations.",
             "data": [{"name": "questionnaire answers on motivation", "source": "Learnlytics questionnaire"},
                      {"name": "course results", "source": "OSIRIS"}],
             "human_in_the_loop": "Tutors and study advisers discuss the feedback with the student.",
             "scale": {"scope": "programme"}},
    # rp13: grades and course evaluations per course for curriculum planners, aggregated and historical.
    "rp13": {**_BASE, "title": "Vak voor Vak", "areas": ["2b"],
             "summary": "Education managers explore grades and course evaluations per course over five years.",
             "data": [{"name": "grades per course", "source": "OSIRIS"},
                      {"name": "course evaluation answers", "source": "course evaluation system"}],
             "human_in_the_loop": "The programme director interprets the trends.",
             "scale": {"data_subjects": 900, "scope": "programme"}, "frequency": "periodic",
             "data_subjects": ["students"],
             "effects": "Only advice on the curriculum; no consequences for individual students."},
    # rp10: an engagement score from VLE use, library use and card swipes, with alerts to the tutor.
    "rp10": {**_BASE, "title": "Student Dashboard", "areas": ["4b"],
             "summary": "Voor iedere student een engagementscore uit VLE-gebruik, bibliotheekgebruik en "
                        "pasjesregistraties; zakt de score, dan krijgt de tutor een signaal.",
             "data": [{"name": "VLE-gebruik (logins)", "source": "VLE"},
                      {"name": "pasjesregistraties", "source": "toegangspassen"}],
             "human_in_the_loop": "De tutor besluit contact op te nemen.",
             "scale": {"data_subjects": 28000, "scope": "institution"}, "frequency": "continuous"},
    # rp17: simple curriculum metrics from academic records, for programme committees.
    "rp17": {**_BASE, "title": "Curriculum metrics", "areas": ["2b"],
             "summary": "Programme-level metrics on time to completion and course performance for curriculum review.",
             "data": [{"name": "course results and completion dates", "source": "OSIRIS"}],
             "human_in_the_loop": "The programme committee discusses the metrics.",
             "scale": {"data_subjects": 1500, "scope": "programme"}, "frequency": "once",
             "data_subjects": ["students"],
             "effects": "Advisory only; no decisions about individual students."},
}  # fmt: skip

# id -> (lower, upper) with students_vulnerable=False, and the criteria that must be confirmed yes
EXPECTED = {
    "rp02": ("required", "required", {"G-AP15", "G-WP1", "G-WP8"}),
    "rp12": ("recommended", "required", {"G-WP3"}),
    "rp01": ("recommended", "required", {"G-WP6"}),
    "rp13": ("recommended", "required", {"G-WP6"}),  # large scale at programme level: a judgement
    "rp10": ("required", "required", {"G-AP15", "G-AP16", "G-WP3", "G-WP5", "G-WP6"}),
    "rp17": ("not_indicated", "recommended", set()),  # idem
}


@pytest.mark.parametrize("project", sorted(DRAFTS))
def test_verdict_and_confirmed_criteria(project):
    lower, upper, reasons = EXPECTED[project]
    v = scan_draft(DRAFTS[project], students_vulnerable=False).verdict
    assert (v.lower, v.upper) == (lower, upper), v
    assert reasons <= set(v.reasons), v.reasons


def test_what_stays_open_on_a_harmless_project_is_for_people_to_judge():
    v = scan_draft(DRAFTS["rp17"], students_vulnerable=False).verdict
    assert v.dpia == "depends" and [q.id for q in v.open_questions] == ["G-WP5"]  # programme scale
    v = scan_draft(DRAFTS["rp17"]).verdict
    assert (v.upper, [q.id for q in v.open_questions]) == ("required", ["G-WP5", "G-WP7"])
    course = {**DRAFTS["rp17"], "scale": {"data_subjects": 150, "scope": "course"}}
    assert scan_draft(course, students_vulnerable=False).verdict.dpia == "not_indicated"


def test_suggestions_on_the_real_projects_name_their_evidence():
    rp01 = {i.id: i for i in scan_draft(DRAFTS["rp01"]).items}
    assert rp01["G-WP4"].status == "suggested" and "motivation" in rp01["G-WP4"].evidence
    assert rp01["H0"].answer == "no" and rp01["H0"].status == "suggested"
    rp10 = {i.id: i for i in scan_draft(DRAFTS["rp10"]).items}
    assert rp10["G-AP12"].status == "suggested" and "toegangspas" in rp10["G-AP12"].evidence
    rp02 = scan_draft(DRAFTS["rp02"])
    assert rp02.ai_act.ai_class == "high_risk" and rp02.ai_act.profiling == "yes"

"""Checker kinds found on the eighth round's spent blind set (evals/drafts_blind7.json, issue 16 point 4),
each tested in other words than the set's drafts, with the compliant wording beside it (no false positive);
and choice and yes/no fields answered the way people write them (a value with details after it)."""

from __future__ import annotations

from typing import get_args

import pytest

from assistant import proposal
from assistant.proposal import _bool_word, _norm_enum, parse_draft
from assistant.written_values import ENUM_VALUES
from tests.test_rules import EN_RESEARCH_AI, NL_IMPL, _blocking, _rules, _variant

# --------------------------------------------------------------------------- purposes outside the areas


def test_a_project_whose_every_purpose_lies_outside_the_areas_is_outside_them():
    draft = _variant(
        NL_IMPL,
        areas=["2b"],
        purposes=[
            "Slagingspercentages per docent gebruiken in het functioneringsgesprek met de leidinggevende."
        ],
    )
    rules = _rules(draft)  # one finding for one defect: the project is outside the areas
    assert rules.get("area.outside") == "major" and "purpose_limitation.outside_areas" not in rules
    beside = _variant(NL_IMPL, purposes=[*NL_IMPL["purposes"], "De cijfers ook verkopen aan een uitgever."])
    assert "area.outside" not in _rules(beside)  # one outside purpose beside an LA one: purpose limitation
    assert "area" not in _blocking(NL_IMPL)


@pytest.mark.parametrize(
    "summary",
    [
        "Studenten zien hun competenties; op verzoek krijgen toekomstige werkgevers het profiel toegestuurd.",
        "Students see their skills profile, and recruiters of partner companies get access to it on request.",
    ],
)
def test_data_handed_to_a_party_outside_education_is_outside_the_areas(summary):
    assert "purpose_limitation" in _blocking(_variant(NL_IMPL, summary=summary))


def test_employers_named_without_handing_data_over_are_no_finding():
    summary = "Studenten zien welke vaardigheden zij hebben geoefend die werkgevers in het vakgebied belangrijk vinden."
    assert "purpose_limitation" not in _blocking(_variant(NL_IMPL, summary=summary))
    shared_not = "Students see their profile; it is never shared with employers."
    assert "purpose_limitation" not in _blocking(_variant(NL_IMPL, summary=shared_not))


# --------------------------------------------------------------------------- manipulation and deception


@pytest.mark.parametrize(
    "summary",
    [
        "The chatbot's reminders play on each student's fear of failing the course to keep them studying longer.",
        "De berichten zijn afgestemd op de faalangst van elke student, zodat die meer tijd in de app doorbrengt.",
        "The dashboard shows classmates' scores that are invented figures, so that students work harder.",
        "Studenten krijgen meldingen met nepcijfers over hoeveel medestudenten de opdracht al af hebben.",
        "The reminders' framing is tuned to each student's anxiety about failing.",  # a word two groups share
    ],
)
def test_a_system_that_plays_on_fears_or_misleads_is_prohibited(summary):
    draft = _variant(EN_RESEARCH_AI, summary=summary)
    assert _rules(draft).get("prohibited_ai.described") == "blocker"


@pytest.mark.parametrize(
    "summary",
    [
        "Students who report exam anxiety can book a session with a counsellor; the model is not involved.",
        "The dashboard shows each student their own quiz scores, measured in the course, next to the group mean.",
        "Messages are never tuned to a student's fears; the AI Act's prohibition on manipulation was checked.",
    ],
)
def test_fears_or_figures_without_steering_or_deceit_are_no_finding(summary):
    assert "prohibited_ai.described" not in _rules(_variant(EN_RESEARCH_AI, summary=summary))


# --------------------------------------------------------------------------- retention


@pytest.mark.parametrize(
    "text",
    [
        "De logbestanden blijven bewaard zolang ze voor de opleiding nuttig zijn.",
        "Data are kept for as long as they remain useful to the course team.",
    ],
)
def test_data_kept_while_useful_contradict_a_retention_with_an_end(text):
    draft = _variant(
        NL_IMPL, summary=f"{NL_IMPL['summary']} {text}", retention="Twee jaar na afloop van de cursus."
    )
    assert _rules(draft).get("storage_limitation.contradiction") == "major"
    assert "storage_limitation" in _blocking(_variant(NL_IMPL, retention=text))


def test_data_kept_as_long_as_needed_is_no_indefinite_retention():
    summary = (
        f"{NL_IMPL['summary']} De gegevens worden bewaard zolang nodig voor de begeleiding, en niet langer."
    )
    draft = _variant(NL_IMPL, summary=summary, retention="Twee jaar na afloop van de cursus.")
    assert "storage_limitation.contradiction" not in _rules(draft)


def test_annual_cycles_are_a_period():
    draft = _variant(NL_IMPL, retention="De gegevens worden na twee jaarcycli verwijderd.")
    assert "storage_limitation" not in _blocking(draft)


# --------------------------------------------------------------------------- data categories


@pytest.mark.parametrize(
    "name",
    [
        "wifi access-point connections per laptop (building, room, time)",
        "verbindingen met toegangspunten per telefoon",
    ],
)
def test_where_a_device_connects_is_location_data(name):
    draft = _variant(NL_IMPL, data=[{"name": name, "category": "general", "source": "netwerklogs"}])
    assert "data_categories" in _blocking(draft)


# --------------------------------------------------------------------------- necessity, balancing, roles


@pytest.mark.parametrize(
    "necessity",
    [
        "Anonieme totalen per werkgroep zouden eigenlijk volstaan, maar met namen kunnen we later meer uitzoeken.",
        "Group-level figures would be sufficient for the dashboard; still, we keep the individual rows to be safe.",
    ],
)
def test_a_necessity_test_that_concedes_the_alternative_is_a_finding(necessity):
    assert _rules(_variant(NL_IMPL, necessity=necessity)).get("necessity.conceded") == "major"


def test_a_necessity_test_that_rejects_the_alternative_is_an_answer():
    necessity = "Aggregated figures per group would not be enough, because the tutor must know which student to contact."
    assert "necessity.conceded" not in _rules(_variant(NL_IMPL, necessity=necessity))
    assert "necessity.conceded" not in _rules(NL_IMPL)


@pytest.mark.parametrize(
    "answer",
    [
        "Vanzelfsprekend in het belang van de student; een afweging is overbodig.",
        "No need: it clearly helps everyone.",
    ],
)
def test_a_weighing_declared_unnecessary_is_not_done(answer):
    assert _rules(_variant(NL_IMPL, interests_weighed=answer)).get("fair_balancing.waived") == "major"


def test_a_head_of_department_is_a_person_in_the_loop():
    draft = _variant(
        NL_IMPL,
        human_in_the_loop="Het afdelingshoofd bespreekt de uitkomsten en besluit over vervolgstappen.",
    )
    assert "human_in_the_loop" not in _blocking(draft)


# --------------------------------------------------------------------------- values as people write them


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Implementatie-project", "implementation"),
        ("Publieke taak (art. 6 lid 1 sub e AVG)", "public_interest"),
        ("completed on 12 March 2026", "done"),
        ("Uitgevoerd op 3-2-2026", "done"),
        ("gepland voor mei", "planned"),
        ("onderzoek, promotietraject", "research"),
        ("niet gedaan", "not_planned"),
        ("general (course data)", "general"),
    ],
)
def test_a_choice_with_details_after_it_is_that_choice(value, expected):
    assert _norm_enum(value) == expected


def test_a_choice_that_is_none_stays_free_text():
    assert _norm_enum("after go-live") not in ("done", "planned", "not_planned")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ja, opgenomen in de privacyverklaring van de opleiding", True),
        ("No - the model only counts clicks", False),
        ("Yes (consulted on 3 May 2026)", True),
        ("ja, maar nog niet gepubliceerd", "ja, maar nog niet gepubliceerd"),
        ("Yes, once the pilot is over", "Yes, once the pilot is over"),
    ],
)
def test_a_yes_or_no_that_leads_an_explanation_is_that_answer_unless_hedged(value, expected):
    assert _bool_word(value) == expected


def test_compliant_drafts_in_written_values_pass():
    draft = _variant(
        NL_IMPL,
        project_type="implementatie",
        legal_basis="algemeen belang (publieke taak)",
        privacy_scan="afgerond in maart",
        privacy_statement="Ja, in de privacyverklaring van de opleiding",
    )
    parsed = parse_draft(draft)
    assert (parsed.project_type, parsed.legal_basis, parsed.privacy_scan) == (
        "implementation",
        "public_interest",
        "done",
    )
    assert not _blocking(draft)


def test_the_written_values_know_every_choice_of_the_format():
    literals = (proposal.ProjectType, proposal.Category, proposal.LegalBasis, proposal.PrivacyScan)
    assert ENUM_VALUES == frozenset(v for t in literals for v in get_args(t))


# --------------------------------------------------------------------------- the tenth round (drafts_dev10)


@pytest.mark.parametrize(
    "purpose",
    [
        "Oud-studenten met goede cijfers benaderen voor het alumninetwerk en de werving van donateurs.",
        "Estimate each lecturer's hours per course from LMS activity for the department's workload model.",
    ],
)
def test_a_project_outside_the_areas_is_one_area_finding(purpose):
    rules = _rules(_variant(EN_RESEARCH_AI, purposes=[purpose]))
    assert rules.get("area.outside") == "major" and "purpose_limitation.outside_areas" not in rules


def test_a_passive_automatic_decision_about_students_needs_a_person():
    summary = "Students whose attendance drops below 70%, are automatically deregistered from the resit."
    assert _rules(_variant(NL_IMPL, summary=summary)).get("human_in_the_loop.automated") == "blocker"


@pytest.mark.parametrize(
    "answer", ["Bij de opleiding of bij ICT; dat beslissen we nog.", "The BI working group"]
)
def test_an_undecided_or_collective_responsible_is_no_accountable_role(answer):
    assert "accountability" in _blocking(_variant(NL_IMPL, responsible=answer))


def test_a_purpose_left_to_future_questions_is_open_ended():
    purposes = [
        *NL_IMPL["purposes"],
        "Build a dataset so that future questions from policy staff can be answered.",
    ]
    assert "purpose_limitation" in _blocking(_variant(NL_IMPL, purposes=purposes))


@pytest.mark.parametrize(
    "summary",
    [
        "The bot tells students that most classmates already submitted the essay, even when untrue.",
        "De chatbot doet zich voor als een ouderejaars medestudent die berichten stuurt.",
    ],
)
def test_a_system_that_lies_to_students_or_poses_as_a_person_is_prohibited(summary):
    assert _rules(_variant(EN_RESEARCH_AI, summary=summary)).get("prohibited_ai.described") == "blocker"


def test_a_copy_kept_for_later_contradicts_a_retention_with_an_end():
    summary = f"{NL_IMPL['summary']} We bewaren een kopie van de export om later cohorten te vergelijken."
    draft = _variant(NL_IMPL, summary=summary, retention="Na afloop van de cursus verwijderd.")
    assert _rules(draft).get("storage_limitation.contradiction") == "major"


@pytest.mark.parametrize(
    ("necessity", "circular"),
    [
        ("Without these data the model cannot be trained.", True),
        ("Zonder deze gegevens werkt het dashboard niet.", True),
        (
            "Without names the tutor cannot know which student to contact; group totals would not show it.",
            False,
        ),
    ],
)
def test_a_necessity_test_answered_with_the_tools_need_is_circular(necessity, circular):
    assert ("necessity.circular" in _rules(_variant(NL_IMPL, necessity=necessity))) is circular


def test_a_shared_login_with_a_posted_password_is_insecure():
    measures = ["Access via one shared login whose password is posted in the team chat"]
    assert "security" in _blocking(_variant(NL_IMPL, security_measures=measures))


@pytest.mark.parametrize(
    "retention",
    [
        "Verwijderd zodra de eindcijfers van het blok zijn vastgesteld.",
        "Deleted once the report has been produced.",
    ],
)
def test_a_step_of_the_work_is_a_moment_of_deletion(retention):
    assert "storage_limitation" not in _blocking(_variant(NL_IMPL, retention=retention))


def test_a_validation_that_assumes_the_data_are_right_is_waived():
    answer = "We assume the data in the student information system are correct."
    assert _rules(_variant(NL_IMPL, analysis_validation=answer)).get("reliable_analyses.waived") == "major"


def test_a_weighing_dismissed_as_no_issue_is_not_done():
    answer = "Not really an issue here; it can only help the students."
    assert _rules(_variant(NL_IMPL, interests_weighed=answer)).get("fair_balancing.waived") == "major"


def test_an_empty_text_for_a_list_is_not_filled_in():
    assert _rules(_variant(NL_IMPL, security_measures="")).get("security.missing") == "major"


def test_free_text_consent_of_an_implementation_project_is_advice_only():
    rules = _rules(_variant(NL_IMPL, informed_consent="Students tick an opt-in box in week 1"))
    assert rules.get("keys.not_yes_no_unasked") == "minor" and "keys.not_yes_no" not in rules
    research = _rules(_variant(EN_RESEARCH_AI, informed_consent="Students tick an opt-in box in week 1"))
    assert research.get("keys.not_yes_no") == "major"


def test_a_choice_after_a_dash_is_that_choice():
    assert _norm_enum("Done - privacy scan by the faculty privacy officer, 12 Jan 2026") == "done"


def test_special_data_excluded_a_few_words_later_are_not_used():
    necessity = f"{NL_IMPL['necessity']} Gegevens over gezondheid worden uitdrukkelijk niet in het overzicht opgenomen."
    assert "data_categories" not in _blocking(_variant(NL_IMPL, necessity=necessity))


def test_an_index_of_extracurricular_conduct_that_ranks_students_is_social_scoring():
    summary = "One index per student from extracurricular participation and library visits sets priority for exchange places."
    assert _rules(_variant(EN_RESEARCH_AI, summary=summary)).get("prohibited_ai.described") == "blocker"


def test_an_office_is_a_person_in_the_loop():
    draft = _variant(NL_IMPL, human_in_the_loop="The exams office checks the list and decides on each case.")
    assert "human_in_the_loop" not in _blocking(draft)


# --------------------------------------------------------------------------- the eleventh round (drafts_dev11)


@pytest.mark.parametrize(
    "answer",
    [
        "The supplier, EduMetrics Ltd, under the licence terms.",
        "Ligt bij het externe adviesbureau; de faculteit krijgt alleen de rapporten.",
    ],
)
def test_responsibility_placed_with_an_external_party_is_a_finding(answer):
    assert _rules(_variant(NL_IMPL, responsible=answer)).get("accountability.outsourced") == "major"


def test_a_uu_role_beside_the_vendor_is_accountable():
    answer = "De opleidingsdirecteur; de leverancier verwerkt namens de UU."
    assert "accountability.outsourced" not in _rules(_variant(NL_IMPL, responsible=answer))


def test_students_not_told_they_talk_to_a_bot_is_deception():
    summary = "To keep the conversations natural, we do not tell students that 'Alex' is a chatbot."
    assert _rules(_variant(EN_RESEARCH_AI, summary=summary)).get("prohibited_ai.described") == "blocker"


def test_ai_documentation_that_says_almost_nothing_is_thin():
    draft = _variant(
        EN_RESEARCH_AI,
        ai__models="Our own model from last year.",
        ai__training_data="Old files.",
        ai__decision_process="It gives a score.",
    )
    assert _rules(draft).get("ai_documentation.thin") == "major"
    assert "ai_documentation.thin" not in _rules(EN_RESEARCH_AI)


def test_retention_that_keeps_data_for_later_studies_names_no_end():
    retention = "Logs go after the course; the linked file stays on the faculty share for future studies."
    assert "storage_limitation" in _blocking(_variant(NL_IMPL, retention=retention))


def test_a_scan_for_another_project_is_no_scan_of_this_one():
    rules = _rules(_variant(NL_IMPL, privacy_scan="requested in 2022 for the previous dashboard"))
    assert "privacy_scan.missing" in rules and "keys.not_a_choice" in rules


def test_consent_bought_with_a_grade_bonus_is_not_free():
    summary = "Students who give consent get one extra point on the exam; the others cannot earn it."
    assert _rules(_variant(EN_RESEARCH_AI, summary=summary)).get("informed_consent.not_free") == "major"


def test_a_bonus_without_consent_is_no_consent_finding():
    summary = "Students who finish all practice quizzes get a bonus point; the tutors see who did."
    assert "informed_consent.not_free" not in _rules(_variant(EN_RESEARCH_AI, summary=summary))


def test_an_outside_word_in_the_summary_is_a_purpose_only_when_the_sentence_says_what_for():
    summary = f"{NL_IMPL['summary']} Groepswijzigingen worden 's nachts gesynchroniseerd met het rooster (timetabling)."
    assert "purpose_limitation.outside_areas" not in _rules(_variant(NL_IMPL, summary=summary))
    used = f"{NL_IMPL['summary']} De aanwezigheid wordt ook gebruikt voor de roosterplanning."
    assert "purpose_limitation.outside_areas" in _rules(_variant(NL_IMPL, summary=used))


@pytest.mark.parametrize(
    ("field", "answer", "principle"),
    [
        ("interests_weighed", "Geen afweging nodig, het is in het belang van de student.", "fair_balancing"),
        (
            "analysis_validation",
            "Students can report if their score looks wrong; then we fix it.",
            "reliable_analyses",
        ),
        ("security_measures", ["De map is gedeeld met iedereen met de link."], "security"),
        (
            "necessity",
            "We cannot know in advance what matters, so we keep every click at student level.",
            "necessity",
        ),
        (
            "necessity",
            "An anonymised export would delay the project by months, so we use the named one.",
            "necessity",
        ),
    ],
)
def test_the_eleventh_rounds_answers_that_say_nothing(field, answer, principle):
    assert principle in _blocking(_variant(NL_IMPL, **{field: answer}))


def test_special_data_said_not_to_belong_in_the_tool_are_not_used():
    necessity = f"{NL_IMPL['necessity']} Gezondheidsinformatie hoort niet in het overzicht."
    assert "data_categories" not in _blocking(_variant(NL_IMPL, necessity=necessity))


def test_deletion_when_a_step_is_done_is_a_moment():
    draft = _variant(NL_IMPL, retention="Deleted when the thesis has been graded.")
    assert "storage_limitation" not in _blocking(draft)


# --------------------------------------------------------------------------- the ninth round's spent blind set (drafts_blind8)


def test_a_second_sentence_is_read_apart_from_the_first():
    # the split needs the capital after the full stop: folding first ran both sentences into one
    retention = "The overview is deleted six weeks after the exam. The raw logs stay on the server so later cohorts can be compared."
    assert "storage_limitation" in _blocking(_variant(NL_IMPL, retention=retention))


@pytest.mark.parametrize(
    ("field", "answer", "principle"),
    [
        (
            "necessity",
            "The quiz data are already stored in Canvas, so using them adds no extra burden.",
            "necessity",
        ),
        (
            "necessity",
            "We don't yet know which variables matter, so we ask for the complete export with IDs.",
            "necessity",
        ),
        (
            "interests_weighed",
            "It serves the students themselves, so weighing interests is not relevant here.",
            "fair_balancing",
        ),
        (
            "analysis_validation",
            "We keep an eye on whether the figures look reasonable.",
            "reliable_analyses",
        ),
        (
            "analysis_validation",
            "De leverancier staat in voor de juistheid van de rapportages.",
            "reliable_analyses",
        ),
        ("responsible", "Het LA-kernteam (samenstelling wisselt per blok)", "accountability"),
        ("responsible", "The steering group, membership rotates yearly", "accountability"),
    ],
)
def test_the_blind8_rounds_answers_that_say_nothing(field, answer, principle):
    assert principle in _blocking(_variant(NL_IMPL, **{field: answer}))


def test_data_offered_to_other_departments_or_the_vendor_is_a_further_purpose():
    purposes = [
        *NL_IMPL["purposes"],
        "De dataset wordt ook ter beschikking gesteld aan andere afdelingen voor hun analyses.",
    ]
    assert "purpose_limitation" in _blocking(_variant(NL_IMPL, purposes=purposes))


@pytest.mark.parametrize(
    "purpose",
    [
        "Target engaged taster-course participants with campaigns and open-day invitations so that more apply.",
        "Bepalen welke premasterstudenten tot de master worden toegelaten.",
    ],
)
def test_recruitment_and_admission_are_outside_the_areas(purpose):
    assert _rules(_variant(NL_IMPL, purposes=[purpose])).get("area.outside") == "major"


def test_a_clinical_screening_score_is_health_data():
    data = [{"name": "wellbeing check (PHQ-9 items)", "category": "general", "source": "Qualtrics"}]
    assert "data_categories" in _blocking(_variant(NL_IMPL, data=data))


def test_a_score_of_library_visits_that_sets_priority_is_social_scoring():
    summary = "Een model maakt van bibliotheekbezoek en aanwezigheid een studiehoudingsscore die voorrang bij keuzevakken geeft."
    assert _rules(_variant(EN_RESEARCH_AI, summary=summary)).get("prohibited_ai.described") == "blocker"


def test_a_calendar_year_before_academic_year_is_no_count_of_years():
    draft = _variant(NL_IMPL, retention="The export is deleted at the end of the 2026-2027 academic year.")
    assert "storage_limitation" not in _blocking(draft)


def test_a_teaching_block_is_no_decision_to_block():
    summary = "A model estimates after block 1 which students are at risk; study advisers use the list to offer a talk."
    assert "human_in_the_loop.automated" not in _rules(_variant(EN_RESEARCH_AI, summary=summary))


@pytest.mark.parametrize(
    ("answer", "deferred"),
    [
        ("Volgens de gebruikelijke facultaire procedures.", True),
        ("The usual faculty procedures for handling student data apply.", True),
        (
            "Data are encrypted and access is limited to the three advisers, following the usual procedures.",
            False,
        ),
    ],
)
def test_the_usual_procedures_are_no_security_measures(answer, deferred):
    from assistant.checker.rules_answers import _GENERIC
    from assistant.terms import is_deferred

    assert is_deferred(answer, _GENERIC) is deferred
    assert ("security" in _blocking(_variant(NL_IMPL, security_measures=[answer]))) is deferred

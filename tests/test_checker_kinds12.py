"""Checker kinds found on the dev set written in the tenth round (evals/drafts_dev12.json, issue 16 point 4),
each tested in other words than the set's drafts, with the compliant wording beside it (no false positive)."""

from __future__ import annotations

import pytest

from assistant.terms import classify_data_name, in_a_name
from tests.test_rules import EN_RESEARCH_AI, NL_IMPL, _blocking, _rules, _variant

# --------------------------------------------------------------------------- data categories: names


@pytest.mark.parametrize(
    "summary",
    [
        "Docenten van Gezondheidsrecht 2 zien tijdens de cursus welke oefenopgaven zijn gemaakt.",
        "Teachers of 'Religion and Society' see during the course which exercises were made.",
        "Docenten van Medische Psychologie en Ethiek zien tijdens de cursus welke opgaven af zijn.",
    ],
)
def test_a_category_word_in_a_course_name_is_no_finding(summary):
    assert "data_categories" not in _blocking(_variant(NL_IMPL, summary=summary))


@pytest.mark.parametrize(
    "summary",
    [
        "Docenten zien per student de gezondheidsklachten die in het logboek staan.",
        "Teachers see per student whether their religion was recorded at enrolment.",
        "Religion is recorded for each student.",  # a sentence's first word before a lower-case one
    ],
)
def test_a_category_word_in_running_text_is_still_a_finding(summary):
    assert "data_categories" in _blocking(_variant(NL_IMPL, summary=summary))


def test_in_a_name_reads_the_capitals_beside_the_word():
    text = "Docenten van Strafrecht 1 en Oefententamens Strafrecht; Muslim students; het strafrecht"
    for word, named in [
        ("Strafrecht 1", True),
        ("Strafrecht;", True),
        ("Muslim", False),
        ("strafrecht", False),
    ]:
        start = text.index(word)
        assert in_a_name(text, start, start + len(word.split()[0].rstrip(";"))) is named, word
    assert classify_data_name("Health Insurance data")  # a data item's own name is read without it


def test_a_category_the_draft_says_is_not_exported_is_no_finding():
    summary = (
        "Docenten zien per cursus het slagingspercentage. Het veld met voorzieningen bij een functiebeperking "
        "wordt bewust niet geexporteerd."
    )
    assert "data_categories" not in _blocking(_variant(NL_IMPL, summary=summary))


# --------------------------------------------------------------------------- retention, security, scan


@pytest.mark.parametrize(
    "retention",
    [
        "De gegevens blijven bewaard tot de migratie naar het nieuwe toetsplatform, waarvoor nog geen datum is.",
        "Kept in the dashboard until the LMS tender has been decided and the old system is phased out.",
    ],
)
def test_retention_until_an_undated_organisational_change_is_a_finding(retention):
    assert (
        _rules(_variant(NL_IMPL, retention=retention)).get("storage_limitation.undetermined_event") == "major"
    )


def test_retention_with_a_calendar_end_beside_a_replacement_is_no_finding():
    retention = (
        "Het overzicht wordt elke week vervangen; alles wordt aan het einde van het studiejaar verwijderd."
    )
    assert "storage_limitation.undetermined_event" not in _rules(_variant(NL_IMPL, retention=retention))


@pytest.mark.parametrize(
    "measures",
    [
        ["Worden nog uitgewerkt met de informatiebeveiliger zodra de eerste export er is."],
        ["Access rules will be set up in a later phase", "We will make sure only the right people see it"],
    ],
)
def test_security_announced_only_for_later_is_a_finding(measures):
    assert _rules(_variant(NL_IMPL, security_measures=measures)).get("security.later") == "major"
    now = [*measures, "Alleen de werkgroepdocent heeft toegang via de Brightspace-rol"]
    assert "security.later" not in _rules(_variant(NL_IMPL, security_measures=now))


def test_a_privacy_scan_planned_for_after_the_start_is_a_finding():
    summary = NL_IMPL["summary"] + " De privacyscan doen we achteraf, bij de evaluatie van de pilot."
    assert (
        _rules(_variant(NL_IMPL, summary=summary, privacy_scan="planned")).get("privacy_scan.late") == "major"
    )
    before = NL_IMPL["summary"] + " De privacyscan is gepland voor de start van de cursus."
    assert "privacy_scan" not in _blocking(_variant(NL_IMPL, summary=before, privacy_scan="planned"))
    done = _variant(NL_IMPL, summary=summary, privacy_scan="done")  # done: the late remark is not the plan
    assert "privacy_scan.late" not in _rules(done)


# --------------------------------------------------------------------------- ethics: roles, balancing


def test_teaching_assistants_are_a_role_in_the_loop():
    text = "Student-assistenten bepalen wie ze tijdens het practicum aanspreken."
    assert "human_in_the_loop" not in _blocking(_variant(NL_IMPL, human_in_the_loop=text))


def test_follow_up_handled_entirely_by_a_system_is_a_finding():
    text = "Follow-up is handled entirely by the LMS agents, so lecturers need not spend time on it."
    assert "human_in_the_loop" in _blocking(_variant(NL_IMPL, human_in_the_loop=text))


@pytest.mark.parametrize(
    "weighed",
    [
        "Het levert alleen betere begeleiding op, dus er staan geen nadelen tegenover.",
        "The data are in the student record system already; a separate weighing adds nothing.",
    ],
)
def test_a_weighing_that_finds_no_disadvantages_is_a_finding(weighed):
    assert "fair_balancing" in _blocking(_variant(NL_IMPL, interests_weighed=weighed))


def test_a_platform_named_as_responsible_is_a_finding():
    draft = _variant(NL_IMPL, responsible="Brightspace, dat het platform en de analyses beheert")
    assert _rules(draft).get("accountability.outsourced") == "major"
    owner = _variant(
        NL_IMPL, responsible="Cursuscoordinator Scheikunde 1, eigenaar van de Brightspace-cursus"
    )
    assert "accountability" not in _blocking(owner)


def test_validation_by_how_the_figures_looked_is_a_finding():
    text = "At the team meeting the figures in the dashboard looked right to everyone."
    assert "reliable_analyses" in _blocking(_variant(EN_RESEARCH_AI, analysis_validation=text))


def test_students_not_told_about_the_analysis_is_a_finding():
    summary = (
        NL_IMPL["summary"] + " De analyse wordt niet aangekondigd, zodat studenten hun gedrag niet aanpassen."
    )
    assert "transparency" in _blocking(_variant(NL_IMPL, summary=summary))


# --------------------------------------------------------------------------- purposes and necessity


def test_recruiting_student_ambassadors_is_outside_the_areas():
    purposes = ["Goed presterende studenten benaderen als studentambassadeur voor de voorlichting."]
    assert "area" in _blocking(_variant(NL_IMPL, purposes=purposes))


def test_a_store_for_questions_of_future_years_is_open_ended():
    purposes = [*NL_IMPL["purposes"], "Een archief opbouwen voor vragen die in toekomstige jaren opkomen."]
    assert "purpose_limitation" in _blocking(_variant(NL_IMPL, purposes=purposes))


@pytest.mark.parametrize(
    "necessity",
    [
        "Working with named records is a prerequisite for this analysis and has been agreed with the library.",
        "Gegevens per persoon zijn afgesproken met de opleiding en horen bij deze analyse.",
    ],
)
def test_a_necessity_declared_not_argued_is_a_finding(necessity):
    assert _rules(_variant(NL_IMPL, necessity=necessity)).get("necessity.asserted") == "major"


def test_a_necessity_with_its_reason_is_no_finding():
    necessity = "Gegevens per student zijn vereist, omdat de docent moet weten welke student achterloopt."
    assert "necessity.asserted" not in _rules(_variant(NL_IMPL, necessity=necessity))


def test_already_recorded_is_availability_not_necessity():
    necessity = "All of this is already recorded by the repository server, so no extra collection is needed."
    assert "necessity" in _blocking(_variant(NL_IMPL, necessity=necessity))


# --------------------------------------------------------------------------- consent, AI documentation


def test_consent_bought_with_a_bonus_is_no_lawful_basis():
    summary = EN_RESEARCH_AI["summary"] + " Students who give consent get one bonus point on the exam."
    draft = _variant(EN_RESEARCH_AI, summary=summary, legal_basis="consent")
    assert _rules(draft).get("legal_basis.consent_not_free") == "major"
    public = _variant(EN_RESEARCH_AI, summary=summary, legal_basis="public_interest")
    assert "legal_basis.consent_not_free" not in _rules(
        public
    )  # consent is not the basis: consent's own rule
    assert "legal_basis.consent_not_free" not in _rules(_variant(EN_RESEARCH_AI, legal_basis="consent"))


def test_training_data_behind_the_vendors_intellectual_property_is_not_documented():
    draft = _variant(
        EN_RESEARCH_AI, ai__training_data="Kept by the vendor; the details are its intellectual property."
    )
    assert "ai_documentation" in _blocking(draft)


def test_a_local_check_not_considered_necessary_is_no_validation():
    text = "The vendor reports an accuracy of 0.85 (AUC), so a local evaluation was not considered necessary."
    assert "reliable_analyses" in _blocking(_variant(EN_RESEARCH_AI, analysis_validation=text))


def test_a_message_worded_to_say_what_is_not_the_case_is_deceptive():
    summary = (
        "Students who fall behind get a reminder. The model picks the wording that works best, such as 'most "
        "of your group has finished', also in weeks when that is not the case."
    )
    assert "prohibited_ai" in _blocking(_variant(EN_RESEARCH_AI, summary=summary))
    true = "Students who fall behind get a reminder that names how many assignments they still have open."
    assert "prohibited_ai" not in _blocking(_variant(EN_RESEARCH_AI, summary=true))

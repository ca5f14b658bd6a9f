"""Checker kinds found on the spent blind set of the tenth round (evals/drafts_blind9.json, issue 16 point 4),
each tested in other words than the set's drafts, with the compliant wording beside it (no false positive)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.checker.retention import RESEARCH_ARCHIVE_YEARS, past_horizon, retention_end
from assistant.terms import describes_ai
from tests.test_rules import EN_RESEARCH_AI, NL_IMPL, _blocking, _rules, _variant

# --------------------------------------------------------------------------- human in the loop


@pytest.mark.parametrize(
    "human",
    [
        # a decimal comma does not end the clause that names the students
        "Studenten met een kans boven 0,7 worden door het systeem automatisch toegewezen aan een mentor.",
        # a named platform or a module is a machine that acts
        "Osiris plaatst studenten op volgorde van hun score in de werkgroepen; bezwaar kan bij de adviseur.",
        "The enrolment module assigns students below the threshold to the support track.",
        # deregistering and booking are decisions about a student
        "Wie drie deadlines mist, wordt door het script automatisch afgemeld voor de toets.",
        "When the score passes the threshold the system books a compulsory meeting for the student.",
    ],
)
def test_a_system_that_decides_about_students_is_an_automated_decision(human):
    assert _rules(_variant(NL_IMPL, human_in_the_loop=human)).get("human_in_the_loop.automated") == "blocker"


@pytest.mark.parametrize(
    "human",
    [
        "De studieadviseur bekijkt de lijst met studenten boven 0,7 en beslist wie een gesprek krijgt.",
        "The tutor books a meeting with the student after reading the overview.",
        "Osiris toont de docent welke studenten achterlopen; de docent besluit wat er gebeurt.",
    ],
)
def test_a_person_who_decides_is_no_automated_decision(human):
    assert "human_in_the_loop.automated" not in _rules(_variant(NL_IMPL, human_in_the_loop=human))


# --------------------------------------------------------------------------- retention of research data


def _years_ahead(years: int, month: int = 6) -> str:
    return f"1 juni {date.today().year + years}" if month == 6 else str(date.today().year + years)


def test_research_data_may_be_archived_ten_years_after_the_research():
    retention = (
        f"De sleutel wordt uiterlijk {_years_ahead(1)} vernietigd; de gecodeerde data blijven tien jaar in het "
        f"archief, tot {_years_ahead(11)}."
    )
    assert "storage_limitation" not in _blocking(_variant(EN_RESEARCH_AI, retention=retention))
    # the same end for an implementation project, or a project of unknown type, is past the horizon
    assert _rules(_variant(NL_IMPL, retention=retention)).get("storage_limitation.beyond_horizon") == "major"


def test_research_retention_far_past_the_archive_term_is_still_a_finding():
    for retention in (f"Tot {_years_ahead(40)}.", "Vijftien jaar na afloop van het onderzoek.", "31/12/2099"):
        rules = _rules(_variant(EN_RESEARCH_AI, retention=retention))
        assert rules.get("storage_limitation.beyond_horizon") == "major", retention


def test_the_research_archive_term_is_the_policy_frameworks_ten_years():
    assert RESEARCH_ARCHIVE_YEARS == 10  # UU Policy Framework for Research Data (2016), section 4
    today = date(2026, 12, 1)
    end = retention_end("tot 1 juni 2046")
    assert past_horizon(end, today, 10) == "1 juni 2046"
    assert past_horizon(end, today, 10, research=True) is None
    assert past_horizon(retention_end("twaalf jaar"), today, 10, research=True) == "twaalf jaar"


# --------------------------------------------------------------------------- AI named in a study's name


@pytest.mark.parametrize(
    "text",
    [
        "Dashboard for second-year Artificial Intelligence students of Logic 2",
        "Voortgangsoverzicht (Bachelor Kunstmatige Intelligentie)",
        "Case-brief tracker for the LLM International Law",
        "Oefenoverzicht voor de cursus Machine Learning 2",
        "Teachers of the AI programme see which exercises were made",
    ],
)
def test_a_field_of_study_named_ai_is_not_ai_in_use(text):
    assert describes_ai(text) == []
    assert "ai_documentation" not in _blocking(_variant(NL_IMPL, title=text, uses_ai=False))


@pytest.mark.parametrize(
    "text",
    [
        "An LLM writes a summary of each reflection report for the mentor",
        "We use machine learning to group students by their study pattern",
        "The AI Tutor gives students hints during the practicals",
        "Copilot vat de reflectieverslagen per competentie samen",
    ],
)
def test_ai_in_use_is_still_ai(text):
    assert describes_ai(text)


# --------------------------------------------------------------------------- a list in a true/false field


def test_a_list_of_announcements_in_privacy_statement_is_read_as_not_given():
    draft = _variant(NL_IMPL, privacy_statement=["bericht op de cursuspagina", "dia in het eerste college"])
    rules = _rules(draft)
    assert rules.get("keys.not_yes_no") == "major"
    assert "transparency" in _blocking(draft)
    assert "keys.not_yes_no" not in _rules(_variant(NL_IMPL, privacy_statement=True))


# --------------------------------------------------------------------------- necessity: identity for group insight

_GROUP_LEVEL = {
    "areas": ["2a"],
    "data": [
        {"name": "aantal keren geopend per kennisclip", "category": "general", "source": "Brightspace"},
        {"name": "naam en e-mailadres van de student", "category": "general", "source": "Brightspace"},
    ],
}


@pytest.mark.parametrize(
    "necessity",
    [
        "Het overzicht toont toch alleen gemiddelden per clip, dus het risico van de namen in de export is klein.",
        "Working from the named export saves the coordinator an hour a week, and the teachers only see averages.",
    ],
)
def test_identified_data_for_course_level_insight_without_a_reason_is_a_finding(necessity):
    draft = _variant(NL_IMPL, necessity=necessity, **_GROUP_LEVEL)
    assert _rules(draft).get("necessity.identified_for_groups") == "major"


def test_a_reason_that_needs_one_students_records_or_a_pseudonym_is_no_finding():
    linked = "Om herhaald kijken door dezelfde student te onderscheiden van nieuwe kijkers zijn gegevens per student nodig."
    assert "necessity.identified_for_groups" not in _rules(
        _variant(NL_IMPL, necessity=linked, **_GROUP_LEVEL)
    )
    pseudonymised = {
        **_GROUP_LEVEL,
        "data": [{"name": "gepseudonimiseerd studentnummer", "category": "general"}],
    }
    weak = "Het overzicht toont toch alleen gemiddelden per clip."
    assert "necessity.identified_for_groups" not in _rules(_variant(NL_IMPL, necessity=weak, **pseudonymised))
    # insight for the student (area 1a) needs the identity: no finding there
    own = {**_GROUP_LEVEL, "areas": ["1a"]}
    assert "necessity.identified_for_groups" not in _rules(_variant(NL_IMPL, necessity=weak, **own))


# --------------------------------------------------------------------------- discriminating features in area 4b


def test_a_model_that_picks_out_students_with_a_protected_trait_is_a_major_finding():
    base = _variant(
        EN_RESEARCH_AI,
        areas=["4b"],
        data=[
            {"name": "first-block results", "category": "general", "source": "Osiris"},
            {"name": "nationality and gender", "category": "general", "source": "Osiris"},
        ],
    )
    assert _rules(base).get("prohibited_ai.discriminating") == "major"
    assert "prohibited_ai.features" not in _rules(base)
    # the same data in a model that only studies factors (area 4a) is advice only
    study = _variant(base, areas=["4a"])
    assert _rules(study).get("prohibited_ai.features") == "minor"
    assert "prohibited_ai.discriminating" not in _rules(study)
    # a trait the draft says is left out is no finding
    left_out = _variant(
        base, data=[{"name": "first-block results (no gender or nationality)", "category": "general"}]
    )
    assert "prohibited_ai.discriminating" not in _rules(left_out)


# --------------------------------------------------------------------------- category words as course content


@pytest.mark.parametrize(
    "summary",
    [
        "Studenten zien hun scores op de oefentoetsen over psychiatrische ziektebeelden (o.a. depressie en psychose).",
        "The assigned readings cover topics such as religious healing and mental illness; only counts are used.",
        "Docenten zien per leerdoel (onder meer over seksuele gezondheid) hoeveel studenten de stof beheersen.",
    ],
)
def test_a_category_word_that_names_course_content_is_no_finding(summary):
    assert "data_categories" not in _blocking(_variant(NL_IMPL, summary=summary))


@pytest.mark.parametrize(
    "summary",
    [
        "Mentoren zien per student of er een depressie of andere psychische klacht is gemeld.",
        "Topics are chosen by the tutor. The dashboard shows each student's reported health problems.",
        "De vragenlijst bevat vragen over psychische klachten en stress; de mentor ziet de antwoorden per student.",
    ],
)
def test_a_category_word_about_the_student_is_still_a_finding(summary):
    assert "data_categories" in _blocking(_variant(NL_IMPL, summary=summary))


@pytest.mark.parametrize(
    "validation",
    [
        "De cijfers komen uit Osiris en zijn daarmee per definitie juist; een eigen controle voegt niets toe.",
        "The vendor reports an AUC of 0.88 on its own benchmark; we have no access to the model.",
    ],
)
def test_a_validation_that_dismisses_checking_or_cannot_look_inside_is_a_finding(validation):
    assert (
        _rules(_variant(NL_IMPL, analysis_validation=validation)).get("reliable_analyses.waived") == "major"
    )


# --------------------------------------------------------------------------- accountability: a system or a team


@pytest.mark.parametrize(
    ("responsible", "rule"),
    [
        (
            "Het facultaire Tableau-platform (beheer: Informatiemanagement Bètawetenschappen)",
            "accountability.system",
        ),
        ("The analytics module of the student information system", "accountability.system"),
        ("Het dataloket-team van Studentenzaken", "accountability.group"),
        ("The learning analytics working group of the faculty", "accountability.group"),
    ],
)
def test_a_system_or_a_team_without_a_head_is_nobody_to_hold_to_account(responsible, rule):
    assert _rules(_variant(NL_IMPL, responsible=responsible)).get(rule) == "major"


@pytest.mark.parametrize(
    "responsible",
    [
        "De opleidingsdirecteur Geneeskunde; het Tableau-platform wordt beheerd door Informatiemanagement",
        "Projectteam onder leiding van de onderwijsdirecteur",
        "Head of the Educational Support team",
    ],
)
def test_a_role_beside_a_system_or_a_team_is_no_finding(responsible):
    rules = _rules(_variant(NL_IMPL, responsible=responsible))
    assert "accountability.system" not in rules and "accountability.group" not in rules


def test_security_that_is_only_aims_and_appeals_is_security_later():
    measures = [
        "Versleuteling wordt ingericht zodra de ICT-afdeling daar capaciteit voor heeft",
        "We streven ernaar de toegang op termijn te beperken",
        "Medewerkers worden gevraagd zorgvuldig met de gegevens om te gaan",
    ]
    assert _rules(_variant(NL_IMPL, security_measures=measures)).get("security.later") == "major"


def test_a_validation_left_to_the_supplier_is_waived_and_a_check_against_its_data_is_not():
    data = [{"name": "oefenscores", "category": "general", "source": "Grasple"}]
    by_vendor = "The estimates are validated by Grasple's own analysts; their report is attached."
    assert _rules(_variant(NL_IMPL, data=data, analysis_validation=by_vendor)).get("reliable_analyses.waived")
    ours = "The ranking is checked by hand against Grasple for a sample of 20 students."
    assert "reliable_analyses.waived" not in _rules(_variant(NL_IMPL, data=data, analysis_validation=ours))

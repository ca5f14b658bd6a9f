"""Checker kinds found on a fresh adversarial dev set (evals/drafts_dev8.json, issue 16 point 4), each
tested in other words than the set's drafts, with the compliant wording beside it (no false positive)."""

from __future__ import annotations

import pytest

from assistant.checker import check_draft
from assistant.proposal import parse_draft
from assistant.terms import find_category_terms, is_deferred
from tests.test_rules import EN_RESEARCH_AI, NL_IMPL, _blocking, _rules, _variant

# --------------------------------------------------------------------------- answers that defer


@pytest.mark.parametrize(
    "answer",
    [
        "Volgt later, in overleg met de afdeling.",
        "As agreed with the faculty.",
        "Conform de geldende regels van de universiteit.",
        "See the DMP.",
        "Dealt with according to standard procedures.",
        "To be decided between IT and the programme.",
    ],
)
def test_an_answer_that_defers_is_no_answer(answer):
    assert is_deferred(answer)
    draft = _variant(NL_IMPL, interests_weighed=answer)
    assert "answers.deferred" in _rules(draft) and "fair_balancing" in _blocking(draft)


@pytest.mark.parametrize(
    "answer",
    [
        "Pseudonymised according to the UU guideline; only the three study advisers of the programme have access.",
        "Volgens de cursuscoördinator weegt het belang zwaarder: er worden geen cijfers getoond en niets gedeeld.",
    ],
)
def test_an_answer_with_substance_and_a_reference_is_an_answer(answer):
    assert not is_deferred(answer)


def test_a_list_of_deferring_security_measures_is_a_finding():
    draft = _variant(NL_IMPL, security_measures=["Zoals afgesproken met ICT", "zie bijlage"])
    assert "answers.deferred" in _rules(draft) and "security" in _blocking(draft)


# --------------------------------------------------------------------------- values in the wrong shape


def test_free_text_in_a_yes_no_field_is_read_as_not_given_and_flagged():
    draft = _variant(EN_RESEARCH_AI, ai__ai_officer_consulted="planned for after the first run")
    parsed = parse_draft(draft)  # no parse error: the checker runs
    assert parsed.ai.ai_officer_consulted is False
    rules = _rules(draft)
    assert rules.get("keys.not_yes_no") == "major" and "ai_officer.not_consulted" in rules
    research = _variant(EN_RESEARCH_AI, ethics_approval="not required, the data exist already")
    assert {"keys.not_yes_no", "informed_consent.ethics"} <= set(_rules(research))


def test_a_text_where_a_list_is_expected_is_read_as_one_item():
    draft = _variant(NL_IMPL, security_measures="Alleen de eigen werkgroepdocent ziet de gegevens")
    parsed = parse_draft(draft)
    assert parsed.security_measures == ["Alleen de eigen werkgroepdocent ziet de gegevens"]
    assert _rules(draft).get("keys.text_as_list") == "minor" and "security" not in _blocking(draft)


def test_a_strict_parse_still_refuses_free_text_in_a_yes_no_field():
    from assistant.errors import InputError

    with pytest.raises(InputError):
        parse_draft(_variant(NL_IMPL, privacy_statement="komt nog"), strict=True)


# --------------------------------------------------------------------------- special data named anywhere


def test_special_data_named_in_the_summary_blocks_whatever_the_items_say():
    draft = _variant(
        NL_IMPL,
        summary="Docenten zien per werkgroep de oefenopgaven en de ziekmeldingen van de afgelopen weken.",
    )
    assert _rules(draft).get("data_categories.mentioned") == "major"


@pytest.mark.parametrize(
    "text",
    [
        "No disability data or other special categories are processed.",
        "Gezondheid, geloof en andere bijzondere gegevens worden niet gebruikt.",
        "Mentors of the medical programme see the entrustment levels.",
    ],
)
def test_special_data_excluded_in_a_list_or_named_as_a_programme_is_no_finding(text):
    assert find_category_terms(text) == []
    assert "data_categories" not in _blocking(_variant(NL_IMPL, summary=text))


# --------------------------------------------------------------------------- prohibited AI in other words


@pytest.mark.parametrize(
    ("summary", "practice"),
    [
        # the base draft is Dutch, so the finding names the practice in Dutch
        (
            "A plug-in reads students' faces on the webcam to spot anxiety during online exams.",
            "emotieherkenning",
        ),
        (
            "Uit de stem in opgenomen presentaties leidt een model af hoe nerveus een student is.",
            "emotieherkenning",
        ),
        ("Photos from the student card are used to estimate each student's religion.", "biometrische"),
        (
            "Een index van overlastmeldingen en sociale media bepaalt wie achteraan de wachtlijst komt.",
            "social scoring",
        ),
    ],
)
def test_a_prohibited_practice_described_in_other_words_blocks(summary, practice):
    findings = check_draft(parse_draft(_variant(NL_IMPL, summary=summary)))
    hit = [f for f in findings if f.rule == "prohibited_ai.described"]
    assert hit and hit[0].severity == "blocker" and practice in hit[0].message.lower()


@pytest.mark.parametrize(
    "summary",
    [
        "Students rate their own confidence per topic; teachers see the group average after the lecture.",
        "Emotieherkenning via de webcam is verboden en wordt niet gebruikt; docenten zien alleen de scores.",
        "The waiting list for tutoring is ordered by the date of the request.",
    ],
)
def test_feelings_asked_or_a_named_exclusion_are_no_prohibited_practice(summary):
    assert "prohibited_ai.described" not in _rules(_variant(NL_IMPL, summary=summary))


# --------------------------------------------------------------------------- consent, security, validation, necessity


def test_research_participation_by_enrolling_is_no_informed_consent():
    draft = _variant(
        EN_RESEARCH_AI,
        summary="A research project on thesis delay; students take part by enrolling in the thesis course.",
    )
    assert _rules(draft).get("informed_consent.implied") == "blocker"
    withdraw = _variant(
        EN_RESEARCH_AI,
        summary="A research project; participation is voluntary and students can opt out any time.",
    )
    assert "informed_consent.implied" not in _rules(withdraw)


def test_a_consumer_service_or_private_device_is_no_security_measure():
    draft = _variant(NL_IMPL, security_measures=["De lijst gaat via Gmail naar de mentoren"])
    assert _rules(draft).get("security.insecure") == "major"
    assert "security.insecure" not in _rules(NL_IMPL)


@pytest.mark.parametrize(
    "validation",
    [
        "The supplier guarantees the scores are right, so we do not check them.",
        "Niet nodig: het dashboard is een standaardproduct.",
    ],
)
def test_a_validation_that_waives_the_check_is_a_finding(validation):
    assert (
        _rules(_variant(NL_IMPL, analysis_validation=validation)).get("reliable_analyses.waived") == "major"
    )


def test_convenience_is_no_necessity():
    draft = _variant(NL_IMPL, necessity="Met namen werken is makkelijker voor de docenten.")
    assert "necessity" in _blocking(draft)


def test_an_automatic_deregistration_of_students_blocks():
    draft = _variant(
        NL_IMPL,
        summary="Students without enough practice points after week 4 are automatically deregistered from the course.",
    )
    assert "human_in_the_loop" in _blocking(draft)


# --------------------------------------------------------------------------- the ninth round (evals/drafts_dev9.json)


def test_a_purpose_outside_the_areas_revealed_by_the_summary():
    draft = _variant(
        NL_IMPL,
        summary="Docenten zien per werkgroep de gemaakte opgaven; de gemiddelden gaan ook mee in het "
        "jaarlijkse beoordelingsgesprek van de docent.",
    )
    assert "purpose_limitation.outside_areas" in _rules(draft)


@pytest.mark.parametrize(
    "measure",
    [
        "Het bestand gaat met wachtwoord naar de mentoren; het wachtwoord staat in dezelfde mail.",
        "A weekly backup on the coordinator's external hard drive.",
    ],
)
def test_a_measure_that_is_itself_a_risk(measure):
    assert _rules(_variant(NL_IMPL, security_measures=[measure])).get("security.insecure") == "major"


def test_a_ranking_by_character_from_conduct_is_social_scoring():
    summary = "A score of each student's character, from their behaviour in the lecture hall, decides the group order."
    assert _rules(_variant(NL_IMPL, summary=summary)).get("prohibited_ai.described") == "blocker"


def test_a_model_fitted_on_data_is_ai_whatever_the_draft_calls_it():
    from assistant.terms import describes_ai

    assert describes_ai(
        "The grade is estimated by a regression model trained on five earlier cohorts.", ["1a"]
    )
    assert describes_ai("Het model voorspelt per student het eindcijfer; het is gewoon statistiek.", ["1b"])
    assert not describes_ai("The dashboard shows a data model of the course structure.", ["2a"])
    assert not describes_ai("Na blok 2 een lijst voor vroegsignalering van studenten onder 15 EC.", ["4b"])


def test_a_model_the_project_does_not_know_is_not_documented():
    draft = _variant(
        EN_RESEARCH_AI, ai__models="The LMS vendor's risk service; the vendor does not disclose the model."
    )
    assert _rules(draft).get("ai_documentation.undisclosed") == "major"
    assert "ai_documentation.undisclosed" not in _rules(EN_RESEARCH_AI)


def test_data_from_a_prayer_room_reveal_religion():
    hits = find_category_terms("Badge swipes at the quiet room, which many students use for prayer.")
    assert hits and hits[0].group == "religion or belief"


def test_a_negator_reaches_a_list_with_commas():
    text = "We do not import absence reasons, doctor's notes, medical certificates or exam arrangements."
    assert find_category_terms(text) == []
    assert find_category_terms(
        "We do not use names, so the medical records are linked by number."
    )  # 'so' breaks the list


def test_an_indefinite_retention_that_is_itself_a_negation():
    draft = _variant(
        NL_IMPL,
        retention="Na afstuderen gearchiveerd; dat kost niets, dus er is geen reden om te verwijderen.",
    )
    assert _rules(draft).get("storage_limitation.indefinite") == "major"


def test_a_validation_that_relies_on_someone_elses_report():
    draft = _variant(
        NL_IMPL, analysis_validation="We vertrouwen op dat rapport van de leverancier en testen niet."
    )
    assert _rules(draft).get("reliable_analyses.waived") == "major"


def test_a_text_that_is_none_of_a_choice_fields_values():
    draft = _variant(NL_IMPL, privacy_scan="na de livegang")
    rules = _rules(draft)
    assert rules.get("keys.not_a_choice") == "major" and "privacy_scan" in _blocking(draft)


def test_a_responsible_still_to_be_appointed_is_no_one():
    draft = _variant(NL_IMPL, responsible="De systeemeigenaar (nog te benoemen)")
    assert "accountability" in _blocking(draft)


@pytest.mark.parametrize(
    "answer",
    [
        "De mentor beslist, volgens het protocol.",
        "The programme director, as agreed with the dean.",
        "Conform the DPIA, only pseudonymised data.",
    ],
)
def test_a_short_answer_with_a_reference_still_answers(answer):
    from assistant.checker.rules_answers import _GENERIC

    assert not is_deferred(answer, _GENERIC)


def test_letters_are_no_words_of_substance_beside_a_deferral():
    from assistant.checker.rules_answers import _GENERIC

    assert is_deferred("Nog te bepalen (vermoedelijk de TA of de PL)", _GENERIC)

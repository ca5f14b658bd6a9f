"""Checker false findings and misses found on the spent blind set of the fifteenth round (evals/drafts_blind14.json,
issue 16 point 4), each tested in other words than the set's drafts, with the defective wording beside it
(the rule still fires): a rolling retention window, an institute's name that starts like 'usb', a measure
that rules several insecure channels out at once, social scoring named as a practice checked for; and the
misses: students moved to another group automatically, measures that say none are needed."""

from __future__ import annotations

import pytest

from assistant.checker.retention import retention_end
from tests.test_rules import EN_RESEARCH_AI, NL_IMPL, _rules, _variant

# --------------------------------------------------------------------------- a rolling retention window


@pytest.mark.parametrize(
    "retention",
    [
        "Het overzicht toont de laatste vier jaargangen; elk najaar wordt de oudste jaargang gewist.",
        "We keep the three most recent intakes; every September the oldest intake is deleted.",
    ],
)
def test_a_rolling_window_names_the_moment_of_deletion(retention):
    assert retention_end(retention).concrete
    assert "storage_limitation.no_moment" not in _rules(_variant(NL_IMPL, retention=retention))


def test_a_window_without_deletion_still_names_no_moment():
    retention = "Het overzicht bewaart alle jaargangen; ook de oudste jaargang blijft staan."
    assert _rules(_variant(NL_IMPL, retention=retention)).get("storage_limitation.no_moment") == "major"


# --------------------------------------------------------------------------- 'usb' is a word, not a prefix


def test_an_institute_that_starts_like_usb_is_no_insecure_channel():
    summary = (
        "Docenten van USBO en het Departement Bestuurs- en Organisatiewetenschap zien de groepsvoortgang."
    )
    assert "security.insecure" not in _rules(_variant(NL_IMPL, summary=summary))


@pytest.mark.parametrize("measure", ["Exports op een usb-stick voor het overleg", "Backup on a USB drive"])
def test_a_usb_stick_is_an_insecure_channel(measure):
    assert _rules(_variant(NL_IMPL, security_measures=[measure])).get("security.insecure") == "major"


# --------------------------------------------------------------------------- several channels ruled out at once


@pytest.mark.parametrize(
    "measure",
    [
        "Nooit bestanden op privé-apparaten, externe schijven of usb-sticks zetten",
        "No copies on personal laptops, home computers or external drives",
    ],
)
def test_a_measure_that_rules_channels_out_is_no_risk(measure):
    assert "security.insecure" not in _rules(_variant(NL_IMPL, security_measures=[measure]))


# --------------------------------------------------------------------------- social scoring named as checked


def test_social_scoring_named_as_a_practice_checked_for_is_no_purpose():
    summary = (
        "Het model signaleert eerstejaars met een verhoogde kans op uitval. We hebben gecontroleerd dat het "
        "geen verboden toepassing wordt, zoals social scoring."
    )
    assert "purpose_limitation.outside_areas" not in _rules(_variant(EN_RESEARCH_AI, summary=summary))


# --------------------------------------------------------------------------- misses of the same set


@pytest.mark.parametrize(
    "summary",
    [
        "After week 3 the script automatically moves students without a submission into the evening group.",
        "Het systeem verplaatst studenten zonder voldoende deelname automatisch naar de inhaalgroep.",
    ],
)
def test_moving_students_to_another_group_automatically_is_an_automated_decision(summary):
    assert _rules(_variant(NL_IMPL, summary=summary)).get("human_in_the_loop.automated") == "blocker"


def test_a_teacher_who_moves_a_student_is_no_automated_decision():
    summary = "De docent verplaatst na een gesprek soms een student naar een andere werkgroep."
    assert "human_in_the_loop.automated" not in _rules(_variant(NL_IMPL, summary=summary))


@pytest.mark.parametrize(
    "measures",
    [
        ["n.v.t., het gaat om gegevens die al in OSIRIS staan"],
        ["Not applicable: the data are not sensitive", "No special measures needed"],
    ],
)
def test_measures_that_say_none_are_needed_are_waived(measures):
    assert _rules(_variant(NL_IMPL, security_measures=measures)).get("security.waived") == "major"


def test_one_real_measure_beside_a_waiver_is_no_waiver():
    measures = ["Geen extra maatregelen nodig buiten", "Alleen de eigen werkgroepdocent ziet de gegevens"]
    assert "security.waived" not in _rules(_variant(NL_IMPL, security_measures=measures))


# --------------------------------------------------------------------------- students deliberately not told


@pytest.mark.parametrize(
    "summary",
    [
        "We gaan de studenten hier bewust niet vooraf over informeren; anders passen ze hun gedrag aan.",
        "Studenten worden hier niet vooraf over geïnformeerd, zodat het gebruik natuurlijk blijft.",
        "We will not announce the tracking to the students, so their behaviour stays natural.",
    ],
)
def test_students_deliberately_not_told_is_a_transparency_gap(summary):
    assert _rules(_variant(NL_IMPL, summary=summary)).get("transparency.not_informed") == "major"


@pytest.mark.parametrize(
    "summary",
    [
        "We do not inform teachers about individual students, only about groups.",  # another party is told
        "Research students are not asked for informed consent twice: the FETC approved one consent form.",
        "Studenten worden vooraf geïnformeerd via de privacyverklaring.",
    ],
)
def test_telling_another_party_or_consent_is_no_transparency_gap(summary):
    assert "transparency.not_informed" not in _rules(_variant(NL_IMPL, summary=summary))

"""Checker kinds found on the spent blind set of the fourteenth round (evals/drafts_blind13.json, issue 16
point 4), each tested in other words than the set's drafts, with the compliant wording beside it (no false
positive): a weighing of interests declared not applicable, a company or an external role as the
responsible, and a decision word negated right after 'automatically' (the decision to exclude)."""

from __future__ import annotations

import pytest

from tests.test_rules import EN_RESEARCH_AI, NL_IMPL, _rules, _variant

# --------------------------------------------------------------------------- weighing declared not applicable


@pytest.mark.parametrize(
    "weighing",
    [
        "N.v.t., de studenten hebben er alleen voordeel van.",
        "Not applicable: the overview only helps the students themselves.",
        "n/a since nothing is shared outside the course team",
    ],
)
def test_a_weighing_declared_not_applicable_is_waived(weighing):
    assert _rules(_variant(NL_IMPL, interests_weighed=weighing)).get("fair_balancing.waived") == "major"


def test_a_weighing_that_names_both_sides_is_no_waiver():
    weighing = (
        "Studenten kunnen zich bekeken voelen; daarom ziet alleen de eigen mentor het overzicht en bevat het "
        "geen cijfers. Het belang van tijdige begeleiding weegt daartegen op."
    )
    assert "fair_balancing.waived" not in _rules(_variant(NL_IMPL, interests_weighed=weighing))


# --------------------------------------------------------------------------- a company as the responsible


@pytest.mark.parametrize(
    "responsible",
    [
        "Datalab Onderwijs B.V., accountmanager voor de faculteit",
        "StudyMetrics Ltd (project lead for the university)",
        "Externe projectleider van het adviesbureau",
        "External data officer, hired for the pilot",
    ],
)
def test_a_company_or_external_role_as_responsible_is_outsourced(responsible):
    assert (
        _rules(_variant(EN_RESEARCH_AI, responsible=responsible)).get("accountability.outsourced") == "major"
    )


@pytest.mark.parametrize(
    "responsible",
    [
        "Opleidingsdirecteur Biologie, met ondersteuning van Datalab Onderwijs B.V.",
        "Programme director Chemistry; the vendor StudyMetrics Ltd processes the data on our behalf",
        "Cursuscoördinator Statistiek",
    ],
)
def test_a_uu_role_named_first_is_accountable(responsible):
    assert "accountability.outsourced" not in _rules(_variant(NL_IMPL, responsible=responsible))


# --------------------------------------------------------------------------- 'automatically not enrolled'


@pytest.mark.parametrize(
    "human",
    [
        "Wie de voorbereiding niet afrondt, wordt automatisch niet toegelaten tot het practicum.",
        "Students below the threshold are automatically not enrolled in the next module.",
    ],
)
def test_a_decision_negated_after_automatically_is_an_automated_exclusion(human):
    assert _rules(_variant(NL_IMPL, human_in_the_loop=human)).get("human_in_the_loop.automated") == "blocker"


@pytest.mark.parametrize(
    "human",
    [
        "Studenten worden niet automatisch ingeschreven; de coördinator beslist na een gesprek.",
        "The model never decides about students; the adviser reads the signal and decides.",
    ],
)
def test_a_negated_automatic_decision_stays_negated(human):
    assert "human_in_the_loop.automated" not in _rules(_variant(NL_IMPL, human_in_the_loop=human))

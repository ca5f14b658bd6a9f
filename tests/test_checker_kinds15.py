"""Checker kinds found on the spent blind set of the thirteenth round (evals/drafts_blind12.json, issue 16
point 4), each tested in other words than the set's drafts, with the compliant wording beside it (no false
positive): an insecure step told in the running text, data processed outside the EU/EEA with no safeguard,
and a decision taken 'volledig geautomatiseerd' or a registration withdrawn automatically."""

from __future__ import annotations

import pytest

from assistant.checker import check_draft
from assistant.policy import PRINCIPLES, passage_for
from assistant.proposal import parse_draft
from tests.test_rules import EN_RESEARCH_AI, NL_IMPL, _rules, _variant

# --------------------------------------------------------------------------- insecure step in the text


@pytest.mark.parametrize(
    ("base", "summary"),
    [
        (NL_IMPL, "Elke maand zet de coördinator het overzicht op een usb-stick voor het werkoverleg."),
        (
            EN_RESEARCH_AI,
            "Each Monday the analyst shares the scored file through WeTransfer with the supervisors.",
        ),
        (NL_IMPL, "De docenten mogen een kopie op hun eigen laptop bewaren om thuis te werken."),
    ],
)
def test_an_insecure_step_in_the_summary_is_a_security_gap(base, summary):
    draft = _variant(base, summary=summary)
    assert _rules(draft).get("security.insecure") == "major"
    finding = next(f for f in check_draft(parse_draft(draft)) if f.rule == "security.insecure")
    assert finding.field == "security_measures"
    assert finding.citation.section.endswith("Passende technische en organisatorische maatregelen")


@pytest.mark.parametrize(
    "summary",
    [
        "De gegevens staan nooit op een usb-stick of een eigen laptop, alleen op de beveiligde faculteitsschijf.",
        "Docenten zien het overzicht in Brightspace; er wordt niets gedownload.",
    ],
)
def test_a_summary_that_rules_the_insecure_step_out_is_no_gap(summary):
    assert "security.insecure" not in _rules(_variant(NL_IMPL, summary=summary))


# --------------------------------------------------------------------------- processing outside the EU/EEA


@pytest.mark.parametrize(
    ("base", "summary"),
    [
        (EN_RESEARCH_AI, "The scoring runs on the vendor's cloud platform in the United States."),
        (NL_IMPL, "De app stuurt de antwoorden naar de leverancier, die ze opslaat op servers buiten de EU."),
        (EN_RESEARCH_AI, "Log files are uploaded nightly to a US-based analytics service."),
    ],
)
def test_processing_outside_the_eea_without_a_safeguard_is_a_security_gap(base, summary):
    draft = _variant(base, summary=summary)
    assert _rules(draft).get("security.third_country") == "major"
    finding = next(f for f in check_draft(parse_draft(draft)) if f.rule == "security.third_country")
    assert "44-46" in finding.message
    # the passage the finding rests on is the policy's security principle
    assert finding.citation.text == passage_for(PRINCIPLES["security"].ref).text


@pytest.mark.parametrize(
    ("summary", "measures"),
    [
        # a safeguard named anywhere covers the transfer
        (
            "The scoring runs on the vendor's cloud platform in the United States.",
            ["Processing agreement with the vendor, transfer under the standard contractual clauses"],
        ),
        # a country named for something other than where the data go
        ("Het idee komt van een Amerikaanse universiteit; wij draaien alles op de UU-servers.", None),
        # Utrecht School of Economics and the pronoun 'us' are no country
        (
            "Students of U.S.E. send us their reflections through Brightspace, stored on university servers.",
            None,
        ),
        # ruled out in so many words
        ("De gegevens worden niet buiten de EU opgeslagen.", None),
    ],
)
def test_no_third_country_gap_without_a_transfer_or_with_a_safeguard(summary, measures):
    changes = {"summary": summary}
    if measures:
        changes["security_measures"] = measures
    assert "security.third_country" not in _rules(_variant(NL_IMPL, **changes))


# --------------------------------------------------------------------------- automated decisions


@pytest.mark.parametrize(
    "human",
    [
        "Niet van toepassing: de indeling in bijspijkergroepen gaat volledig geautomatiseerd.",
        "Not needed, the reminders and the follow-up are completely automated for every student.",
        "The script automatically cancels the resit registration of students who missed the deadline.",
        "Het systeem trekt automatisch de inschrijving in van studenten zonder voldoende deelname.",
    ],
)
def test_a_fully_automated_process_or_a_withdrawn_registration_is_an_automated_decision(human):
    assert _rules(_variant(NL_IMPL, human_in_the_loop=human)).get("human_in_the_loop.automated") == "blocker"


@pytest.mark.parametrize(
    "human",
    [
        "De coördinator bekijkt de lijst en trekt zelf de inschrijving in na een gesprek met de student.",
        "Students who withdraw from the course are removed from the overview by the teacher.",
        "Het verzamelen gaat geautomatiseerd, maar de studieadviseur beslist over elke vervolgstap.",
    ],
)
def test_a_person_who_withdraws_or_decides_is_no_automated_decision(human):
    assert "human_in_the_loop.automated" not in _rules(_variant(NL_IMPL, human_in_the_loop=human))

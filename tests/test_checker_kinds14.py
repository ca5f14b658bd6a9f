"""Checker kinds found by a new user trying the product (2026-12-01, issue 16 point 4: human in the loop names
a person who interprets and decides; retention names an end), each in other words than the user's drafts, with
the compliant wording beside it (no false positive)."""

from __future__ import annotations

import pytest

from tests.test_rules import NL_IMPL, _rules, _variant


@pytest.mark.parametrize(
    "human",
    [
        # the only people named are the students who receive what the system sends
        "Het platform stuurt studenten met minder dan 15 EC automatisch een waarschuwing.",
        "Students below the threshold automatically get a reminder e-mail from the system.",
        # 'nobody' as who looks at it
        "The dashboard updates every night; nobody looks at the flags.",
        "De lijst wordt wekelijks gemaakt; er kijkt niemand naar.",
        "No one reviews the outcomes before students see them.",
    ],
)
def test_an_automatic_action_with_nobody_who_decides_is_a_finding(human):
    assert _rules(_variant(NL_IMPL, human_in_the_loop=human)).get("human_in_the_loop.missing") == "major"


@pytest.mark.parametrize(
    "human",
    [
        # a person decides after the automatic step, or 'nobody but' names who does
        "Het platform stuurt automatisch een herinnering; de studieadviseur bekijkt de lijst en nodigt studenten uit.",
        "Students automatically get a reminder; the course coordinator reads the overview and decides on follow-up.",
        "Niemand behalve de mentor ziet de lijst; de mentor bespreekt die met de student.",
        "Nobody other than the tutor sees the flags, and the tutor decides whether to contact the student.",
        # the student is the reader who interprets (area 1a)
        "Students see their own overview and decide themselves what to practise next.",
    ],
)
def test_a_person_who_interprets_and_decides_is_no_finding(human):
    assert "human_in_the_loop.missing" not in _rules(_variant(NL_IMPL, human_in_the_loop=human))


@pytest.mark.parametrize("retention", ["nooit", "Never.", " nooit "])
def test_never_as_the_whole_retention_answer_is_indefinite(retention):
    assert _rules(_variant(NL_IMPL, retention=retention)).get("storage_limitation.indefinite") == "major"


def test_never_inside_a_period_is_no_indefinite_retention():
    rules = _rules(_variant(NL_IMPL, retention="Nooit langer dan zes weken na het einde van de cursus."))
    assert "storage_limitation.indefinite" not in rules

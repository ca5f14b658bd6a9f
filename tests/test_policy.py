"""The policy as data: every area, value, principle and topic points at the right corpus passage."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import policy
from assistant.corpus import load_passages

CORPUS = (Path(__file__).resolve().parent.parent / "corpus" / "uu-learning-analytics-beleid.md").read_text(
    "utf-8"
)


@pytest.mark.parametrize("concept", policy.ALL_CONCEPTS, ids=lambda c: f"{c.kind}:{c.key}")
def test_every_pointer_resolves_to_a_corpus_passage(concept):
    passage = policy.passage_for(concept.ref)
    assert passage.source == concept.ref.source and passage.section == concept.ref.section
    assert passage.retrievable and passage.text in CORPUS
    if concept.ref.quote:
        assert concept.ref.quote in passage.text


# What each item must say, in the policy's own words: the pointer is right, not merely resolvable.
EXPECTED = {
    "1a": "Studenten inzicht geven in hun activiteiten en voortgang",
    "1b": "Docenten inzicht geven in de voortgang binnen cursussen",
    "2a": "gebruik en de kwaliteit van hun cursusmateriaal",
    "2b": "Opleidingsdirecteuren inzicht te geven in de kwaliteit van cursussen en curricula",
    "3a": "learning analytics dashboard portfolio",
    "3b": "Docenten, tutoren en studieadviseurs",
    "3c": "studiepaden en competenties",
    "4a": "voorspellende modellen om vast te stellen welke factoren",
    "4b": "identificeren van studenten die verdere aandacht nodig hebben",
}
PRINCIPLE_TEXT = {
    "area": "binnen één (of meerdere) van deze gebieden",
    "data_categories": "alleen algemene persoonsgegevens",
    "legal_basis": "rechtmatige grondslag nodig",
    "informed_consent": "informed consent heeft gegeven",
    "purpose_limitation": "uitdrukkelijk omschreven en gerechtvaardigde doeleinden",
    "necessity": "noodzakelijkheidstoets",
    "prohibited_ai": "verboden AI-praktijken",
    "storage_limitation": "zo snel mogelijk verwijderd of onherkenbaar gemaakt",
    "transparency": "privacyverklaring",
    "ai_documentation": "modellen, trainingsdata en besluitvormingsprocessen",
    "security": "passende technische of organisatorische maatregelen",
    "privacy_scan": "privacyscan",
    "ai_officer": "AI-officer betrokken",
    "human_in_the_loop": "altijd een persoon betrokken",
    "fair_balancing": "belangen van de betrokkenen zorgvuldig afgewogen",
    "reliable_analyses": "analyses uit te voeren, te begrijpen",
    "accountability": "verantwoordelijk en aansprakelijk",
}


@pytest.mark.parametrize("area_id", list(EXPECTED))
def test_areas_point_at_their_own_item(area_id):
    area = policy.AREAS[area_id]
    assert EXPECTED[area_id] in policy.passage_for(area.ref).text
    assert area.label_nl and area.label_en and area.group == int(area_id[0])


@pytest.mark.parametrize("key", list(PRINCIPLE_TEXT))
def test_principles_point_at_the_passage_that_says_it(key):
    principle = policy.PRINCIPLES[key]
    text = principle.ref.quote or policy.passage_for(principle.ref).text
    assert PRINCIPLE_TEXT[key] in text


def test_contract_principle_keys_are_exactly_covered():
    contract = {
        "area",
        "data_categories",
        "legal_basis",
        "informed_consent",
        "purpose_limitation",
        "necessity",
        "storage_limitation",
        "transparency",
        "ai_documentation",
        "ai_officer",
        "prohibited_ai",
        "security",
        "human_in_the_loop",
        "privacy_scan",
        "fair_balancing",
        "reliable_analyses",
        "accountability",
    }
    assert set(policy.PRINCIPLE_KEYS) == contract
    assert set(policy.AREA_IDS) == set(EXPECTED)
    assert set(policy.VALUES) == {
        "transparency",
        "accountability",
        "fair_balancing",
        "reliable_analyses",
        "human_in_the_loop",
    }


def test_every_citable_passage_of_the_policy_is_reachable_by_some_concept():
    targeted = {policy.passage_for(c.ref).id for c in policy.ALL_CONCEPTS}
    citable = [p for p in load_passages() if p.retrievable]
    missing = [p.section for p in citable if p.id not in targeted]
    assert missing == [], missing


@pytest.mark.parametrize(
    "text, key",
    [
        ("Hoe lang mogen we gegevens bewaren?", "storage_limitation"),
        ("What is the retention period?", "storage_limitation"),
        ("Mogen we gezondheidsgegevens gebruiken?", "data_categories"),
        ("Can we use ethnicity in the model?", "data_categories"),
        ("What is the legal ground for this?", "legal_basis"),
        ("Moet er een DPIA komen?", "privacy_scan"),
    ],
)
def test_terms_route_reader_vocabulary_to_concepts(text, key):
    assert key in [c.key for c, _ in policy.match_concepts(text)]

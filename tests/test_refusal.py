"""RefusalPolicy: cues and the evidence that outweighs them come from what the user typed this turn."""

from __future__ import annotations

import pytest

from assistant.ask.pipeline import RefusalPolicy
from assistant.corpus import Passage
from assistant.retrieve import Hit, Retrieval

_P = Passage(
    "p1", "beleid.md", "Beleid", "3.2 Privacy-principes > Opslagbeperking", "Gegevens worden verwijderd."
)
POLICY = RefusalPolicy(
    min_dense_with_concept=0.78,
    min_dense_without_concept=0.85,
    min_lexical_without_concept=3.0,
    strong_concept=3.0,
)


def _retrieval(concept_strength: float, top_dense: float = 0.9) -> Retrieval:
    return Retrieval(
        "q", [Hit(_P, 1.0)], top_dense=top_dense, lexical_top=5.0, concept_strength=concept_strength
    )


@pytest.mark.parametrize(
    "asked, standalone, strength, refused",
    [
        # an off-topic cue in this turn; the concepts that could outweigh it only came with the history
        (
            "En hoe lang duurt die toetsing gemiddeld?",
            "En hoe lang duurt die toetsing gemiddeld? (Moet LA-onderzoek langs de ethische commissie?)",
            3.0,
            True,
        ),
        # the same cue, outweighed by the policy concepts named in this turn itself
        (
            "Hoe lang duurt het voordat de bewaartermijn van persoonsgegevens verstrijkt en opslagbeperking geldt?",
            "Hoe lang duurt het voordat de bewaartermijn van persoonsgegevens verstrijkt en opslagbeperking geldt?",
            4.0,
            False,
        ),
        # a cue word only in the borrowed history does not make this turn off-topic
        (
            "En voor onderzoeksprojecten?",
            "En voor onderzoeksprojecten? (Hoe lang duurt de bewaring?)",
            1.0,
            False,
        ),
    ],
)
def test_cues_and_their_override_come_from_this_turn(asked, standalone, strength, refused):
    assert POLICY.refuse(_retrieval(strength), standalone, asked=asked) is refused


def test_without_asked_the_standalone_question_is_this_turn():
    r = _retrieval(3.0)
    question = "Hoe lang duurt het?"
    assert POLICY.refuse(r, question) is POLICY.refuse(r, question, asked=question)


def test_no_hits_is_always_a_refusal():
    assert POLICY.refuse(Retrieval("q", []), "Mag dat?") is True

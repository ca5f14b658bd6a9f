"""The sentence vote (issue 15 point 1, quotes that answer): the nearest labelled example questions say
which sentence answered them, the extractive backend weighs that by the fitted `[extractive] vote_weight`,
and the calibration replays the same vote from its recorded signals."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.ask.scope import ExampleVote
from assistant.backends import AnswerRequest
from assistant.backends.extractive import ExtractiveBackend
from assistant.calibration import QuoteSelection
from assistant.corpus import Passage
from assistant.evals.examples import with_votes
from assistant.evals.signals import QuestionSignals, SignalSet

_PHRASE = "zo snel mogelijk verwijderd"


def _examples(k: int = 2) -> tuple[ExampleVote, np.ndarray]:
    examples = ExampleVote(
        ["a", "b", "c", "d"],
        [True, True, True, False],
        k=k,
        cites=[["p.md::Opslag"], ["p.md::Opslag"], ["p.md::Doel"], []],
        quotes=[[_PHRASE.upper()], [_PHRASE, "bewaartermijn"], ["specifieke doeleinden"], []],
    )
    vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [1.0, 0.0]], np.float32)
    return examples, vectors


def test_the_vote_is_the_share_of_the_nearest_answered_examples_whose_phrase_the_sentence_holds():
    examples, vectors = _examples()
    vote = examples.sentence_voter(np.array([0.99, 0.141], np.float32), vectors)  # nearest: a, then b
    assert vote("Gegevens worden ZO SNEL  MOGELIJK verwijderd.") == pytest.approx(1.0)  # folded, as eval
    assert vote("De bewaartermijn is kort.") == pytest.approx(0.5)  # b's second phrase
    assert vote("Alleen voor specifieke doeleinden.") == 0.0  # c is not among the 2 nearest
    assert examples.sentence_voter(np.array([0.141, 0.99], np.float32), vectors)(  # c, then b
        "Alleen voor specifieke doeleinden."
    ) == pytest.approx(0.5)


def test_examples_without_phrases_vote_for_no_sentence_and_lengths_must_match():
    plain = ExampleVote(["a"], [True], cites=[["p.md::Opslag"]])
    assert (
        plain.sentence_voter(np.array([0.5, 0.5], np.float32), np.array([[0.0, 1.0]], np.float32))(_PHRASE)
        == 0.0
    )
    with pytest.raises(ValueError):
        ExampleVote(["a", "b"], [True, True], quotes=[["x"]])


def _passage() -> Passage:
    text = "Opslagbeperking: gegevens worden bewaard. Dit geldt voor elk project. Ze worden zo snel mogelijk verwijderd."
    return Passage(
        id="p:1", source="p.md", title="t", section="Opslag", text=text, authority="official", doc_hash="a"
    )


def _quoted(weight: float, vote) -> list[str]:
    params = QuoteSelection(
        overlap_weight=0.0,
        sentence_margin=0.0,
        min_relative=0.7,
        answer_margin=1.0,
        first_passage_sentences=1,
        max_passages=1,
        vote_weight=weight,
    )
    request = AnswerRequest(
        question="Wanneer gaan de gegevens weg?",
        language="nl",
        passages=[_passage()],
        scores=[1.0],
        sentence_vote=vote,
    )
    return ExtractiveBackend(params).generate(request).quotes[1]


def test_the_backend_quotes_the_voted_sentence_by_the_fitted_weight():
    """Without vectors every sentence scores alike and the first is quoted; the vote moves the quote to
    the sentence that answered the nearest examples, only when its weight is set."""

    def vote(sentence: str) -> float:
        return 1.0 if _PHRASE in sentence else 0.0

    assert _quoted(0.0, vote) == ["Opslagbeperking: gegevens worden bewaard."]
    assert _quoted(0.5, vote) == ["Ze worden zo snel mogelijk verwijderd."]
    assert _quoted(0.5, None) == ["Opslagbeperking: gegevens worden bewaard."]


class _Embedder:
    def __init__(self, vectors: dict[str, list[float]]) -> None:
        self.vectors = vectors

    def encode_queries(self, texts):
        return np.array([self.vectors[t] for t in texts], np.float32)


def _signals(qid: str, standalone: str, held: list[bool]) -> QuestionSignals:
    zeros = np.zeros(1, np.float32)
    return QuestionSignals(
        qid,
        True,
        standalone,
        standalone,
        zeros,
        zeros,
        zeros,
        np.array([any(held)]),
        0.0,
        0.0,
        0.0,
        np.zeros(len(held), np.float32),
        np.zeros(len(held), np.float32),
        np.array(held),
    )


def test_the_calibration_replays_the_vote_the_product_casts():
    """`with_votes` gives each question the mean of its nearest train examples' `sentence_relevant`
    rows, and ships their phrases: the product's `sentence_voter` over the shipped rows agrees on the
    stored sentences."""
    passage = _passage()
    sentences = [
        "Opslagbeperking: gegevens worden bewaard.",
        "Dit geldt voor elk project.",
        "Ze worden zo snel mogelijk verwijderd.",
    ]
    train = [
        _signals("t1", "one", [False, False, True]),
        _signals("t2", "two", [True, False, True]),
        _signals("t3", "three", [False, True, False]),
    ]
    asked = _signals("h1", "new", [False, False, True])
    embedder = _Embedder({"one": [1.0, 0.0], "two": [0.8, 0.6], "three": [0.0, 1.0], "new": [0.99, 0.141]})
    rows = np.array([[0, 0, 1], [0, 1, 2], [0, 2, 3]], np.int64)

    def signal_set(questions):
        return SignalSet([passage], np.ones(1, np.float32), questions, 5, rows)

    expected = {"t1": [_PHRASE], "t2": ["gegevens worden bewaard", _PHRASE], "t3": ["elk project"]}
    parts = {"train": {"questions": signal_set(train)}, "heldout": {"questions": signal_set([asked])}}
    with_votes(parts, embedder, expected)
    replayed = parts["heldout"]["questions"].questions[0].sentence_vote
    examples = ExampleVote(
        ["one", "two", "three"],
        [True] * 3,
        cites=[parts["train"]["cites"][q] for q in ("t1", "t2", "t3")],
        quotes=[parts["train"]["quotes"][q] for q in ("t1", "t2", "t3")],
    )
    vectors = embedder.encode_queries(["one", "two", "three"])
    vote = examples.sentence_voter(embedder.encode_queries(["new"])[0], vectors)
    assert [vote(s) for s in sentences] == pytest.approx(list(replayed))
    assert list(replayed) == pytest.approx([1 / 3, 1 / 3, 2 / 3])  # all three are among the 5 nearest

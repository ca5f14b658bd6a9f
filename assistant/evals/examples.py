"""The calibration's example questions: the train questions become the scope model's example vote and
the passage vote the product ships (`assistant/data/scope_examples.jsonl`, `assistant.ask.scope`).

`with_votes` gives every question of every part its passage vote from the train questions (as the product
computes it from the shipped examples, each question's own line left out); `ExampleSet` holds the scope
model's rows per part and the train rows as examples, with the passages each answered example cites."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from assistant.ask.scope import ExampleVote
from assistant.calibration import ScopeModel
from assistant.drafting.area_model import AreaModel, embedder_key
from assistant.evals.scope_fit import answered_ids, scope_figures, scope_rows
from assistant.evals.signals import SignalSet
from assistant.retrieve import Weights, passage_key

__all__ = ["ExampleSet", "with_votes", "area_examples", "fitted_area_model"]


class ExampleSet:
    """The coverage model's inputs on every part under one set of fusion weights: rows per part, and
    the train rows as the vote's examples (what the product ships)."""

    def __init__(
        self,
        parts: dict[str, dict[str, Any]],
        weights: Weights,
        embedder: Any,
        labels: dict[str, str | None] | None = None,
    ) -> None:
        self.rows = {
            part: scope_rows(data["questions"], weights, embedder, data.get("labels", labels))
            for part, data in parts.items()
            if "questions" in data
        }
        train = self.rows["train"]
        self.cites: dict[str, list[str]] = parts["train"].get("cites", {})
        self.quotes: dict[str, list[str]] = parts["train"].get("quotes", {})
        # the train questions of the story sets: examples of the passage vote, not of the scope model
        self.passage_only: set[str] = set(parts["train"].get("passage_only", ()))
        self.fit_rows = [r for r in train if r.id not in self.passage_only]
        self.examples = ExampleVote(
            [r.standalone for r in train],
            [r.answerable for r in train],
            coverage=[r.coverage for r in train],
            cites=[self.cites.get(r.id, []) for r in train],
            scoped=[r.id not in self.passage_only for r in train],
            quotes=[self.quotes.get(r.id, []) for r in train],
        )
        self.vectors = np.stack([r.vector for r in train])

    def figures(self, part: str, model: ScopeModel) -> dict[str, float]:
        return scope_figures(self.rows[part], model, self.examples, self.vectors)

    def answered(self, part: str, model: ScopeModel) -> set[str]:
        return answered_ids(self.rows[part], model, self.examples, self.vectors)

    def example_rows(self) -> list[dict]:
        return [
            {"id": r.id, "question": r.standalone, "answerable": r.answerable}
            | ({"coverage": r.coverage} if r.coverage else {})
            | ({"cites": self.cites[r.id]} if self.cites.get(r.id) else {})
            | ({"quotes": self.quotes[r.id]} if self.cites.get(r.id) and self.quotes.get(r.id) else {})
            | ({"scope": False} if r.id in self.passage_only else {})
            for r in self.rows["train"]
        ]


def with_votes(parts: dict[str, dict[str, Any]], embedder: Any, expected: dict[str, list[str]]) -> None:
    """Give every question of every part its passage vote (`QuestionSignals.vote`) and its sentence vote
    (`QuestionSignals.sentence_vote`) from the train questions, the examples the product ships
    (`ExampleVote.passage_votes`, `ExampleVote.sentence_voter`: the same k, each question's own line left
    out by the same cosine rule), and record the train examples' cited passages (`parts["train"]["cites"]`:
    id -> passage keys holding an expected phrase) and their expected phrases (`parts["train"]["quotes"]`,
    from `expected`: case id -> phrases). The sentence vote is the mean of the nearest examples'
    `sentence_relevant` rows: a stored sentence holds one of their phrases, as the product counts it."""
    train: SignalSet = parts["train"]["questions"]
    keys = [passage_key(p) for p in train.passages]
    cites = {
        q.id: sorted({keys[i] for i in np.flatnonzero(q.relevant)}) if q.answerable else []
        for q in train.questions
    }
    quotes = {q.id: list(expected.get(q.id, [])) for q in train.questions if cites[q.id]}
    examples = ExampleVote(
        [q.standalone for q in train.questions],
        [q.answerable for q in train.questions],
        cites=[cites[q.id] for q in train.questions],
    )
    held = np.stack([q.sentence_relevant for q in train.questions]).astype(np.float32)
    vectors = np.asarray(embedder.encode_queries([q.standalone for q in train.questions]), np.float32)
    for data in parts.values():
        if "questions" not in data:
            continue
        signals: SignalSet = data["questions"]
        asked = np.asarray(embedder.encode_queries([q.standalone for q in signals.questions]), np.float32)
        voted = []
        for q, vec in zip(signals.questions, asked, strict=True):
            votes = examples.passage_votes(vec, vectors)
            nearest = examples.nearest_answered(vec, vectors)
            sentence_vote = (
                held[nearest].mean(axis=0) if len(nearest) else np.zeros(held.shape[1], np.float32)
            )
            voted.append(
                replace(
                    q,
                    vote=np.array([votes.get(k, 0.0) for k in keys], np.float32),
                    sentence_vote=sentence_vote,
                )
            )
        data["questions"] = SignalSet(signals.passages, signals.official, voted, signals.k, signals.sentences)
    parts["train"]["cites"] = cites
    parts["train"]["quotes"] = quotes


def area_examples(descriptions: list, embedder: Any) -> tuple[ExampleVote, np.ndarray, list[dict]]:
    """The drafter's area vote over the train descriptions (each 'cites' its labelled areas): the
    examples, their query vectors (`embedder.encode_queries`) and the rows `area_examples.jsonl` ships."""
    examples = ExampleVote(
        [c.description for c in descriptions],
        [True] * len(descriptions),
        cites=[list(c.areas) for c in descriptions],
        prefix="areas",
    )
    vectors = examples.vectors(embedder)  # encoded once (the calibration's embedder remembers them)
    rows = [
        {"id": c.id, "question": c.description, "answerable": True, "cites": list(c.areas)}
        for c in descriptions
    ]
    return examples, vectors, rows


def fitted_area_model(descriptions: list, vectors: np.ndarray, embedder: Any) -> AreaModel:
    """The drafter's area model fitted on the train `descriptions` and their query `vectors` (rows in the
    same order), keyed to `embedder`, with each description's out-of-fold probabilities (`AreaModel.fixed`)
    so the weights fitted on the same descriptions do not see the model's in-sample fit."""
    return AreaModel.fit(
        vectors,
        [c.areas for c in descriptions],
        embedder_key(embedder),
        texts=[c.description for c in descriptions],
    )

"""The tuned constants of the product, read from `assistant/data/calibration.toml`.

The file is written by the calibration program (`assistant eval calibrate`,
`assistant.evals.calibrate`), which fits every constant on a train split of the shipped eval sets and
records the held-out figures it measured; nobody types these numbers by hand. Product classes take
their defaults from here: `ScopePolicy` (`[scope]`), the retrieval fusion `Weights` (`[fusion]`),
the drafter's area ranking (`[drafter]`) and the extractive backend's sentence choice (`[extractive]`), so a recalibration changes behaviour without a code edit.
"""

from __future__ import annotations

import functools
import math
import tomllib
from dataclasses import field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import ConfigError

__all__ = [
    "CALIBRATION_FILE",
    "Calibration",
    "ScopeModel",
    "FusionWeights",
    "DrafterWeights",
    "QuoteSelection",
    "DataFile",
    "Provenance",
    "Fit",
    "load_calibration",
    "calibrated",
]

CALIBRATION_FILE = Path(__file__).resolve().parent / "data" / "calibration.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScopeModel(_Strict):
    """The Ask pipeline's coverage decision (`assistant.ask.scope.ScopePolicy`): a logistic model of
    p(answerable) over three signals, and two cut-offs on it."""

    sentence: float = Field(description="Coefficient of the best question-sentence cosine (e5, -1..1).")
    concept: float = Field(description="Coefficient of log(1 + policy-concept routing strength).")
    vote: float = Field(
        description="Coefficient of the example vote (mean cosine of the nearest answerable minus "
        "not-answerable example questions)."
    )
    intercept: float = Field(description="Intercept of the logistic model (log-odds).")
    none_below: float = Field(description="p(answerable) below which the answer is a refusal (`none`).")
    direct_from: float = Field(
        description="p(answerable) from which the answer is `direct`; between the cut-offs `partial`."
    )
    vote_k: int = Field(5, description="Nearest examples per side in the vote.")
    # The domain model (issue 15 point 2): does the policy touch the question's topic? Below `direct_from`
    # it tells `partial` (related passages, whom to ask) from `none`. Absent in calibrations written
    # before it existed: then `none_below` on p(answerable) decides, as before.
    domain_sentence: float | None = Field(
        None, description="Domain model: coefficient of the best sentence cosine."
    )
    domain_concept: float | None = Field(
        None, description="Domain model: coefficient of log(1 + concept strength)."
    )
    domain_vote: float | None = Field(
        None,
        description="Domain model: coefficient of the domain vote (mean cosine of the nearest examples the "
        "policy touches (answerable or partial) minus the nearest it does not (none)).",
    )
    domain_intercept: float | None = Field(None, description="Domain model: intercept (log-odds).")
    domain_from: float | None = Field(
        None, description="p(the policy touches the topic) from which a not-direct question gets `partial`."
    )


class FusionWeights(_Strict):
    """Weights of the per-query normalised signals in `assistant.retrieve.fuse` (scores 0..1 each)."""

    dense: float = Field(description="Weight of the dense (e5) similarity; the scale, fixed at 1.")
    lexical: float = Field(description="Weight of BM25, divided by the query's best BM25 score.")
    concept: float = Field(description="Weight of policy-concept routing, divided by the best concept score.")
    official_bonus: float = Field(description="Added to official passages: breaks ties in their favour.")
    vote: float = Field(
        default=0.0,
        description="Weight of the passage vote: the share (0..1) of the nearest labelled example questions "
        "whose answer a passage's section held (`assistant.ask.scope.ExampleVote.passage_votes`). 0 in a "
        "calibration written before it existed.",
    )


class DrafterWeights(_Strict):
    """How `assistant.drafting.drafter.rank_areas` mixes its signals and chooses the area set.

    The grid constants (`base` ... `purpose_weight`) have defaults only so that a calibration file
    written before they existed still loads: they are the calibration's starting point, and the product
    reads the values `assistant eval calibrate` fitted and wrote to `calibration.toml`."""

    embed_weight: float = Field(
        description="Share (0..1) of the min-max scaled embedder similarity in an area's score."
    )
    same_group: float = Field(
        description="An area of the best area's group is chosen at >= this share of the best score."
    )
    cross_group: float = Field(
        description="An area of another group is chosen at >= this share of the best score."
    )
    base: float = Field(
        0.3,
        description="Share of its group's cue strength an area gets when the text names no one who gets "
        "the insight (added to the fit of the area's audience).",
    )
    partial: float = Field(
        0.5,
        description="Weight of an audience that acts in an area without the policy naming it there "
        "(advisors in 1b and 4b, directors in 4a), against 1 for the named audience.",
    )
    term_weight: float = Field(
        0.3,
        description="Added to an area's score per policy word of that area (policy.yaml terms) in the text.",
    )
    purpose_weight: float = Field(
        0.5,
        description="Cues of a group in a purpose clause ('so that ...', 'om ... te') count this much "
        "again: what the insight is for weighs more than when its data are collected.",
    )
    vote_weight: float = Field(
        0.0,
        description="Weight of the area vote: per area, the share of the `vote_k` nearest labelled project "
        "descriptions (`assistant/data/area_examples.jsonl`) that carry it, scaled by the best area's "
        "(`assistant.drafting.areas.map_areas`). 0 in a calibration written before it existed.",
    )
    vote_k: int = Field(7, description="How many nearest labelled descriptions the area vote counts.")
    model_weight: float = Field(
        0.0,
        description="Weight of the area model: per area, its logistic regression's probability scaled by the "
        "best area's (`assistant/data/area_model.npz`, `assistant.drafting.area_model`). 0 in a calibration "
        "written before it existed.",
    )


class QuoteSelection(_Strict):
    """Which sentences the extractive backend quotes (`assistant.backends.extractive.choose_sentences`)."""

    overlap_weight: float = Field(
        description="Weight of the question-word overlap (share of the question's word stems, 0..1) added to "
        "a sentence's cosine similarity with the question."
    )
    sentence_margin: float = Field(
        description="A passage's further sentences are quoted when their score is within this of its best."
    )
    min_relative: float = Field(
        description="A lower-ranked passage is quoted when its fused score is at least this share of the best."
    )
    answer_margin: float = Field(
        description="A sentence is quoted only when its score is within this of the best sentence quoted."
    )
    first_passage_sentences: int = Field(description="At most this many sentences of the best passage.")
    max_passages: int = Field(description="Quote from at most this many passages.")
    vote_weight: float = Field(
        default=0.0,
        description="Weight of the sentence vote (share of the nearest answered example questions whose "
        "expected phrase the sentence holds, 0..1; `ExampleVote.sentence_voter`) added to a sentence's score.",
    )
    rescue_margin: float = Field(
        default=-math.inf,
        description="A lower-ranked passage below `min_relative` is quoted all the same when its best sentence "
        "scores at least the first passage's best minus this (the answering sentence of a passage retrieval "
        "ranked low: the point hidden in a story, issue 15); -inf: never.",
    )


class DataFile(_Strict):
    """One dataset the calibration read."""

    path: str = Field(description="Path relative to the project root.")
    sha256: str = Field(description="SHA-256 of the file's bytes when it was read.")
    rows: int = Field(description="Cases in the file.")
    train: int = Field(description="Cases fitted on.")
    heldout: int = Field(description="Cases only measured.")


class Provenance(_Strict):
    """When and from what the constants were fitted."""

    date: str = Field(description="ISO date of the run.")
    revision: str = Field(description="`git describe --always --dirty` of the work tree, or 'unknown'.")
    command: str = Field(description="The command that wrote the file.")
    split: str = Field(description="How cases were split into train and held-out.")
    data: list[DataFile] = Field(description="Every dataset read, with its hash.")


class Fit(_Strict):
    """How one group of constants was fitted and what it scored."""

    objective: str = Field(description="What the search maximised, in words.")
    search: str = Field(description="The search: grid, order, tie-breaking.")
    fixed: dict[str, str] = Field(default_factory=dict, description="Constants not fitted, and why.")
    open_ended: list[str] = Field(
        default_factory=list,
        description="Constants whose best values reach an end of their grid: the data bound them on one side only.",
    )
    train: dict[str, float | int] = Field(description="Figures on the train split with the fitted constants.")
    heldout: dict[str, dict[str, float | int]] = Field(
        description="Figures on each held-out set (never fitted on), by set name."
    )


class Calibration(_Strict):
    """The whole file: constants per consumer, provenance, and the fit report per group."""

    provenance: Provenance
    scope: ScopeModel | None = Field(
        None, description="None only in a file written before the coverage model (run the calibration)."
    )
    fusion: FusionWeights
    drafter: DrafterWeights
    extractive: QuoteSelection
    fit: dict[str, Fit] = Field(
        default_factory=dict, description="Keyed by group: scope, fusion, drafter, extractive."
    )
    scope_examples: list[dict] = Field(
        default_factory=list,
        exclude=True,
        description="The example questions of the scope vote ({id, question, answerable}); written by "
        "`write_calibration` to `scope_examples.jsonl` beside the file, not into it.",
    )

    area_examples: list[dict] = Field(
        default_factory=list,
        exclude=True,
        description="The labelled project descriptions of the drafter's area vote ({id, question: the "
        "description, answerable: true, cites: its areas}); written to `area_examples.jsonl`.",
    )
    area_vectors: Any = Field(
        None,
        exclude=True,
        description="(key, (n, dim) array): the area examples' query vectors; written to `areas-<key>.npy`.",
    )
    area_model: Any = Field(
        None,
        exclude=True,
        description="The drafter's area model (`assistant.drafting.area_model.AreaModel`) fitted on the train "
        "descriptions; written to `area_model.npz`.",
    )
    scope_vectors: Any = Field(
        None,
        exclude=True,
        description="(key, (n, dim) array): the examples' query vectors under the calibrating weights; "
        "written by `write_calibration` to `scope-<key>.npy` beside the file (`ask.scope.ExampleVote`).",
    )

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: Any) -> Any:
        """A file from before the coverage model has a `[refusal]` table and no `[scope]`: read it
        (its other groups are the incumbent constants of the next calibration) without the table."""
        if isinstance(data, dict) and "refusal" in data:
            data = {k: v for k, v in data.items() if k != "refusal"}
            data["fit"] = {k: v for k, v in data.get("fit", {}).items() if k != "refusal"}
        return data


@functools.cache
def load_calibration(path: str | Path | None = None) -> Calibration:
    """The calibration in `path` (default `CALIBRATION_FILE`), parsed once per path (`cache_clear()`
    forgets it). Raises ConfigError naming the file (and the field) when it is missing, not TOML, or
    off-schema."""
    path = Path(path) if path is not None else CALIBRATION_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"calibration file not found: {path}; run `assistant eval calibrate` to write it"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    try:
        return Calibration.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None


_SECTIONS: dict[str, type[BaseModel]] = {
    "scope": ScopeModel,
    "fusion": FusionWeights,
    "drafter": DrafterWeights,
    "extractive": QuoteSelection,
}


def calibrated(section: str, name: str) -> Any:
    """A dataclass field whose default is `[section] name` of the calibration file, read when an
    instance is made (so a test or a recalibration that swaps the file is seen). Raises ValueError at
    class definition for a section or name the file schema does not have."""
    model = _SECTIONS.get(section)
    if model is None or name not in model.model_fields:
        raise ValueError(f"calibration.toml has no [{section}] {name}")
    return field(default_factory=lambda: getattr(_section(section), name))


def _section(section: str) -> BaseModel:
    value = getattr(load_calibration(), section)
    if value is None:
        raise ConfigError(f"{CALIBRATION_FILE} has no [{section}]: run `assistant eval calibrate`")
    return value

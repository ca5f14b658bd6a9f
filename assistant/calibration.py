"""The tuned constants of the product, read from `assistant/data/calibration.toml`.

The file is written by the calibration program (`assistant eval calibrate`,
`assistant.evals.calibrate`), which fits every constant on a train split of the shipped eval sets and
records the held-out figures it measured; nobody types these numbers by hand. Product classes take
their defaults from here: `RefusalPolicy` (`[refusal]`), the retrieval fusion `Weights` (`[fusion]`),
the drafter's area ranking (`[drafter]`) and the extractive backend's sentence choice (`[extractive]`), so a recalibration changes behaviour without a code edit.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import ConfigError

__all__ = [
    "CALIBRATION_FILE",
    "Calibration",
    "RefusalThresholds",
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


class RefusalThresholds(_Strict):
    """When the Ask pipeline refuses (`assistant.ask.pipeline.RefusalPolicy`); signals of `Retrieval`."""

    min_dense_with_concept: float = Field(
        description="Least top cosine similarity (e5, -1..1) to answer a question that names a policy concept."
    )
    min_dense_without_concept: float = Field(
        description="Least top cosine similarity to answer a question that names no policy concept."
    )
    min_lexical_without_concept: float = Field(
        description="Least top BM25 score (unnormalised) to answer a question that names no policy concept."
    )
    strong_concept: float = Field(
        description="Least concept-routing score that overrides an off-topic or injection cue."
    )


class FusionWeights(_Strict):
    """Weights of the per-query normalised signals in `assistant.retrieve.fuse` (scores 0..1 each)."""

    dense: float = Field(description="Weight of the dense (e5) similarity; the scale, fixed at 1.")
    lexical: float = Field(description="Weight of BM25, divided by the query's best BM25 score.")
    concept: float = Field(description="Weight of policy-concept routing, divided by the best concept score.")
    official_bonus: float = Field(description="Added to official passages: breaks ties in their favour.")


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
    refusal: RefusalThresholds
    fusion: FusionWeights
    drafter: DrafterWeights
    extractive: QuoteSelection
    fit: dict[str, Fit] = Field(
        default_factory=dict, description="Keyed by group: refusal, fusion, drafter, extractive."
    )


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
    "refusal": RefusalThresholds,
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
    return field(default_factory=lambda: getattr(getattr(load_calibration(), section), name))

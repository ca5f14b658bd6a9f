"""The calibration program (`assistant eval calibrate`) and the file the product reads its constants from.

The end-to-end test runs on a small slice of the shipped eval sets over the in-memory index with the
hashing embedder (`tests/fakes.py`), so no model loads: the figures are meaningless, the plumbing is not.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from assistant import calibration
from assistant.ask.scope import ScopePolicy
from assistant.backends.extractive import ExtractiveBackend
from assistant.calibration import Calibration, DrafterWeights, calibrated, load_calibration
from assistant.config import load_settings
from assistant.drafting.area_model import AREA_MODEL, AreaModel, embedder_key
from assistant.drafting.drafter import rank_areas
from assistant.errors import ConfigError
from assistant.evals.calibrate import FIXED, GRIDS, calibrate, format_report, write_calibration
from assistant.evals.datasets import QuestionCase
from assistant.evals.search import HELDOUT_SHARE, coordinate_search, stratified_split
from assistant.retrieve import Weights
from assistant.services import build_assistant
from tests.fakes import MemoryIndex

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def product_file(monkeypatch, tmp_path):
    """Point the product at another calibration file for one test; returns a function that sets it."""

    def use(path: Path) -> None:
        monkeypatch.setattr(calibration, "CALIBRATION_FILE", path)
        load_calibration.cache_clear()

    yield use
    load_calibration.cache_clear()


# --------------------------------------------------------------------------- the shipped file


def test_the_shipped_file_is_valid_and_the_product_reads_it():
    cal = load_calibration()
    assert isinstance(cal, Calibration)
    assert ScopePolicy().model == cal.scope
    assert Weights() == Weights(**cal.fusion.model_dump())
    assert ExtractiveBackend().params == cal.extractive
    examples = ScopePolicy().examples  # the vote's examples are the scope fit's train questions
    assert len(examples.questions) == cal.fit["scope"].train["n"]
    assert examples.answerable.any() and not examples.answerable.all()
    for data in cal.provenance.data:  # the hashes name the data the constants were fitted on
        assert len(data.sha256) == 64 and data.rows == data.train + data.heldout


def test_calibrated_fields_name_the_schema():
    with pytest.raises(ValueError, match=r"no \[scope\] nonsense"):
        calibrated("scope", "nonsense")
    with pytest.raises(ValueError, match=r"no \[other\] lexical"):
        calibrated("other", "lexical")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("[scope\n", "invalid TOML"),
        ('[provenance]\ndate = "x"\n', r"provenance\.revision: Field required"),
    ],
)
def test_a_bad_calibration_file_is_a_config_error_naming_it(tmp_path, text, error):
    path = tmp_path / "calibration.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=error):
        load_calibration(path)
    with pytest.raises(ConfigError, match="not found"):
        load_calibration(tmp_path / "missing.toml")


# --------------------------------------------------------------------------- split and search


def _questions(n: int) -> list[QuestionCase]:
    return [
        QuestionCase(id=f"q{i:03}", question="x", answerable=i % 3 != 0, lang="nl" if i % 2 else "en")
        for i in range(n)
    ]


def test_split_is_stratified_deterministic_and_independent_of_order():
    cases = _questions(60)

    def stratum(c):
        return (c.answerable, c.lang)

    split = stratified_split(cases, stratum)
    assert split == stratified_split(list(reversed(cases)), stratum)
    for key in {stratum(c) for c in cases}:
        group = [c.id for c in cases if stratum(c) == key]
        held = sum(split[i] == "heldout" for i in group)
        assert held == round(len(group) * HELDOUT_SHARE)
    assert stratified_split(cases, stratum, salt="other") != split  # the salt, not the file, decides


def test_coordinate_search_takes_the_middle_of_the_best_run_and_names_what_it_cannot_fit():
    grid = {"a": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "b": [0.0, 1.0, 2.0], "c": [0.0, 1.0, 2.0, 3.0]}

    def objective(p):  # best for 2 <= a <= 4; b irrelevant; c best at its top end
        return (int(2 <= p["a"] <= 4), p["c"] >= 2)

    found = coordinate_search(grid, objective)
    assert found.point["a"] == 3.0 and found.point["c"] == 2.0
    assert found.flat == ["b"] and found.open_ended == ["c"]


@pytest.mark.parametrize(
    "gain, stderr, moved",
    [
        (0.05, 0.02, True),  # the best beats the incumbent by more than one standard error: move
        (0.01, 0.02, False),  # within one standard error: noise, keep the incumbent
        (0.02, 0.02, False),  # exactly one standard error: keep
        (0.01, 0.0, True),  # no noise estimate: any gain moves
    ],
)
def test_coordinate_search_keeps_the_incumbent_within_one_standard_error(gain, stderr, moved):
    grid = {"a": [0.0, 1.0, 2.0, 3.0, 4.0]}

    def objective(p):  # best at a = 3; the incumbent a = 1 scores `gain` less
        return (0.9 if p["a"] == 3.0 else 0.9 - gain,)

    found = coordinate_search(grid, objective, start={"a": 1.0}, stderr=lambda p: stderr)
    assert found.point["a"] == (3.0 if moved else 1.0)


# --------------------------------------------------------------------------- the program on a slice


def _slice(src: Path, dest: Path, n: int) -> Path:
    """The first `n` cases of `src`, a quarter of them (for question files) not answerable."""
    lines = [ln for ln in src.read_text(encoding="utf-8").splitlines() if ln.strip()]
    if '"answerable"' in lines[0]:
        no = [ln for ln in lines if '"answerable": false' in ln][: n // 4]
        lines = [ln for ln in lines if ln not in no][: n - len(no)] + no
    dest.write_text("\n".join(lines[:n]) + "\n", encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def memory_index():
    return MemoryIndex.of_corpus()


def test_calibration_on_a_slice_writes_a_file_the_product_reads(
    tmp_path, memory_index, product_file, monkeypatch
):
    questions = _slice(ROOT / "evals" / "questions.jsonl", tmp_path / "questions.jsonl", 30)
    descriptions = _slice(ROOT / "evals" / "descriptions.jsonl", tmp_path / "descriptions.jsonl", 12)
    holdout = _slice(ROOT / "evals" / "holdout_questions.jsonl", tmp_path / "holdout.jsonl", 10)
    assistant = build_assistant(load_settings(), index=memory_index, backend=ExtractiveBackend())
    previous = load_calibration()
    cache = tmp_path / "cache"

    fitted, before = calibrate(
        assistant,
        questions=questions,
        descriptions=descriptions,
        holdout=holdout,
        root=tmp_path,
        cache_dir=cache,
        previous=previous,
    )
    path = write_calibration(fitted, tmp_path / "calibration.toml")

    # the schema, read back through the product's loader
    cal = load_calibration(path)
    # the examples and their vectors go to their own files
    assert cal == fitted.model_copy(
        update={
            "scope_examples": [],
            "scope_vectors": None,
            "area_examples": [],
            "area_vectors": None,
            "area_model": None,
        }
    )
    assert list(tmp_path.glob("scope-*.npy")) == [tmp_path / f"scope-{fitted.scope_vectors[0]}.npy"]
    # the drafter's area model, beside it, for the calibrating embedder, read back as it was fitted
    model = AreaModel.load(tmp_path / AREA_MODEL)
    assert model.key == fitted.area_model.key == embedder_key(assistant.index.embedder)
    assert np.allclose(model.coef, fitted.area_model.coef) and model.fixed == {}
    assert list(tmp_path.glob("areas-*.npy")) == [tmp_path / f"areas-{fitted.area_vectors[0]}.npy"]
    assert (tmp_path / "area_examples.jsonl").exists()  # the drafter's labelled descriptions, beside it
    assert [(d.path, d.rows, d.train + d.heldout) for d in cal.provenance.data] == [
        ("questions.jsonl", 30, 30),
        ("descriptions.jsonl", 12, 12),
        ("holdout.jsonl", 10, 10),
    ]
    for data, src in zip(cal.provenance.data, (questions, descriptions, holdout), strict=True):
        assert data.sha256 == hashlib.sha256(src.read_bytes()).hexdigest()
    assert cal.provenance.data[2].train == 0  # the holdout file is never fitted on
    assert cal.provenance.date and cal.provenance.revision
    assert set(cal.fit) == {"scope", "fusion", "drafter", "extractive"}
    assert set(cal.fit["scope"].heldout) == {"questions", "holdout"} == set(cal.fit["fusion"].heldout)
    assert set(cal.fit["drafter"].heldout) == {"descriptions"}
    assert {"balanced_accuracy", "false_none_rate", "flagged_rate", "direct_rate"} <= set(
        cal.fit["scope"].train
    )
    assert 0 < cal.scope.none_below <= cal.scope.direct_from < 1
    assert (tmp_path / "scope_examples.jsonl").exists()  # written beside the calibration file
    assert {"mrr", "hit_at_1", "hit_at_3", "hit_at_5"} <= set(cal.fit["fusion"].train)
    assert {"first_right", "mean_jaccard"} <= set(cal.fit["drafter"].heldout["descriptions"])
    assert {"quote_hit", "quote_precision"} <= set(cal.fit["extractive"].heldout["holdout"])
    for group in ("fusion", "drafter", "extractive"):
        values = getattr(cal, group).model_dump()
        for name, grid in GRIDS[group].items():
            assert values[name] in grid or values[name] == getattr(getattr(previous, group), name)
            if name in cal.fit[group].fixed:  # not identified by the train data: the previous value kept
                assert values[name] == getattr(getattr(previous, group), name)
    assert {k: cal.fusion.model_dump()[k] for k in FIXED["fusion"]} == {
        k: v for k, (v, _) in FIXED["fusion"].items()
    }
    assert set(before) == {"scope", "fusion", "drafter", "extractive"}
    assert "[scope]" in format_report(cal, before, previous)

    # the product classes take their defaults from the file they are pointed at
    product_file(path)
    assert ScopePolicy().model == cal.scope
    assert Weights() == Weights(**cal.fusion.model_dump())
    assert ExtractiveBackend().params == cal.extractive
    text = json.loads(descriptions.read_text(encoding="utf-8").splitlines()[0])["description"]
    assert rank_areas(text) == rank_areas(text, weights=cal.drafter)
    odd = cal.model_copy(
        update={
            "scope": cal.scope.model_copy(update={"none_below": 0.05}),
            "fusion": cal.fusion.model_copy(update={"lexical": 0.123}),
            "drafter": DrafterWeights(embed_weight=0.0, same_group=0.0, cross_group=0.0),
        }
    )
    product_file(write_calibration(odd, tmp_path / "odd.toml"))
    assert ScopePolicy().model.none_below == 0.05 and Weights().lexical == 0.123
    assert len(rank_areas(text)[1]) == 3  # every area with a score, capped at three

    # a second run reads the signals back from the cache: the pipeline is not asked again
    def no_ask(*args, **kwargs):
        raise AssertionError("signals should come from the cache")

    monkeypatch.setattr(assistant, "standalone", no_ask)
    again, _ = calibrate(
        assistant,
        questions=questions,
        descriptions=descriptions,
        holdout=holdout,
        root=tmp_path,
        cache_dir=cache,
        previous=previous,
    )
    assert again.model_dump(exclude={"provenance"}) == fitted.model_dump(exclude={"provenance"})


def test_the_scope_cut_off_starts_at_the_shipped_value_and_moves_only_on_evidence():
    """`fit_scope(incumbent=...)`: on a train split where the cut-off hardly matters, the shipped
    `direct_from` stays (the one-standard-error rule), as every other calibrated constant does; without
    one the search starts at the balanced decision point 0.5."""
    import numpy as np

    from assistant.ask.scope import ExampleVote
    from assistant.evals.scope_fit import ScopeRow, fit_scope

    rng = np.random.default_rng(7)
    rows = []
    for n in range(60):
        answerable = n % 2 == 0
        rows.append(
            ScopeRow(
                id=f"q{n}",
                answerable=answerable,
                standalone=f"question {n}",
                sentence=(0.9 if answerable else 0.6) + rng.normal(0, 0.01),  # cleanly separated
                concept=1.0,
                cue=False,
                instructions=False,
                no_hits=False,
                vector=rng.normal(size=8).astype(np.float32),
                figure_missing=False,
            )
        )
    vectors = np.stack([r.vector for r in rows])
    examples = ExampleVote([r.standalone for r in rows], [r.answerable for r in rows])
    fresh, _ = fit_scope(rows, examples, vectors)
    kept, notes = fit_scope(rows, examples, vectors, incumbent=0.35)
    assert fresh.direct_from == 0.5 and kept.direct_from == 0.35
    assert "shipped value" in notes["direct_from"]

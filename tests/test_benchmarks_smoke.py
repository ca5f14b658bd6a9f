"""The benchmark tooling itself: a deterministic corpus generator, and the runner's quick checker run."""

from __future__ import annotations

import json

import pytest

from benchmarks import run as bench_run
from benchmarks.synthetic import generate, mutate, passage_count, write_corpus


def test_generator_is_deterministic():
    a, b = generate(300, seed=7), generate(300, seed=7)
    assert a == b
    assert generate(300, seed=8) != a
    assert {d.language for d in a} == {"nl", "en"}


@pytest.mark.parametrize(("passages", "docs"), [(1, None), (57, 5), (300, None), (120, 60)])
def test_generator_makes_exactly_n_passages(tmp_path, passages, docs):
    paths = write_corpus(tmp_path, passages, docs, seed=3)
    assert len(paths) == (docs or max(1, round(passages / 20)))
    assert sum(passage_count(p) for p in paths) == passages  # as the assistant's own splitter counts them


def test_mutate_changes_one_line_deterministically():
    text = generate(20, seed=1)[0].text
    changed = mutate(text)
    assert changed == mutate(text) and changed != text
    assert sum(x != y for x, y in zip(text.split("\n"), changed.split("\n"), strict=True)) == 1


def test_runner_quick_checker(tmp_path, capsys):
    assert bench_run.main(["--quick", "--only", "checker", "--results", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "drafts/s" in out
    result = json.loads((tmp_path / "checker.json").read_text(encoding="utf-8"))
    assert result["mode"] == "quick" and result["data"]["drafts_per_s"] > 0
    # no torch, transformers or chromadb in a process that only checks drafts
    assert result["data"]["library_heavy"] == []
    assert result["data"]["cli_heavy"] == []
    assert result["ratios"]["heavy modules imported by check"]["ok"] is True


def test_runner_rejects_unknown_benchmark(capsys):
    with pytest.raises(SystemExit):
        bench_run.main(["--only", "nope"])
    assert "valid: checker" in capsys.readouterr().err

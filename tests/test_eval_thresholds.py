"""The shipped eval on the default backend must hold the committed thresholds (evals/thresholds.toml)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from assistant.evals.runner import run_eval

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_eval_holds_thresholds(real_settings, real_assistant, tmp_path):
    output, failures = run_eval(
        real_settings,
        assistant=real_assistant,
        out=tmp_path / "report",
        thresholds=ROOT / "evals" / "thresholds.toml",
    )
    assert failures == [], failures
    assert set(output["metrics"]) >= {"questions", "holdout", "descriptions", "drafts"}
    report = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "answer_hit" in report or "answer hit" in report.lower()
    assert list((tmp_path / "report").glob("*.png"))
    (tmp_path / "metrics.json").write_text(json.dumps(output["metrics"], indent=1), encoding="utf-8")


def test_eval_cli_contract_on_a_small_question_file(corpus_home, tmp_path):
    questions = tmp_path / "q.jsonl"
    rows = [
        {
            "id": "a",
            "question": "Hoe lang mogen gegevens bewaard worden?",
            "expected": ["zo snel mogelijk"],
            "answerable": True,
        },
        {"id": "b", "question": "Wat is de hoofdstad van Peru?", "expected": [], "answerable": False},
    ]
    questions.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    env = {
        "ASSISTANT_HOME": str(corpus_home),
        "PATH": "/usr/bin:/bin",
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
    }
    import os

    env["ASSISTANT_MODEL_DIR"] = os.environ["ASSISTANT_MODEL_DIR"]
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from assistant.cli.app import main; main()",
            "eval",
            "--questions",
            str(questions),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert [r["id"] for r in out["results"]] == ["a", "b"]
    assert out["results"][0]["citations"] and out["results"][1]["refused"] is True
    assert set(out["results"][0]) >= {
        "question",
        "answer",
        "language",
        "refused",
        "citations",
        "backend",
        "warnings",
        "id",
    }
    assert out["metrics"]["questions"]["answer_hit"]["all"] == 1.0

"""CLI contracts of ask, chat, search and ingest (the CLI over the fakes, and in a child process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "from assistant.cli.app import main; main()"]


def _run(args, home, stdin=None, **env):
    full = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "ASSISTANT_HOME": str(home),
        "HF_HUB_OFFLINE": "1",
        "ASSISTANT_MODEL_DIR": os.environ["ASSISTANT_MODEL_DIR"],
        "PYTHONPATH": str(ROOT),
        **env,
    }
    return subprocess.run(
        CLI + args, capture_output=True, text=True, env=full, input=stdin, timeout=300, cwd=ROOT
    )


def test_ask_json_contract(corpus_home):
    proc = _run(["ask", "Is een privacyscan verplicht voor elk LA-project?", "--json"], corpus_home)
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert list(d)[:8] == ["question", "answer", "language", "refused", "citations", "backend", "warnings"][
        :8
    ] or set(d) >= {"question", "answer", "language", "refused", "citations", "backend", "warnings"}
    assert d["language"] == "nl" and d["refused"] is False and d["backend"] == "extractive"
    corpus = (ROOT / "corpus" / "uu-learning-analytics-beleid.md").read_text(encoding="utf-8")
    for c in d["citations"]:
        assert set(c) >= {"id", "source", "section", "text", "score", "quote"}
        assert c["text"] in corpus
    assert any("privacyscan" in c["text"] for c in d["citations"])


def test_first_start_ingests_by_itself(tmp_path, model_dir):
    proc = _run(["ask", "What does the policy say about the AI officer?", "--json"], tmp_path / "fresh")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["citations"]
    again = _run(["ingest", "--json"], tmp_path / "fresh")
    assert json.loads(again.stdout)["skipped"] == ["uu-learning-analytics-beleid.md"]


def test_chat_keeps_context(corpus_home):
    proc = _run(
        ["chat"],
        corpus_home,
        stdin="Welke grondslag geldt voor implementatieprojecten?\nEn voor onderzoeksprojecten?\n\n",
    )
    assert proc.returncode == 0, proc.stderr
    assert "algemeen belang" in proc.stdout and "onderzoek" in proc.stdout


def test_search_and_ingest_in_process(corpus_home, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from assistant.cli.app import _register, app

    _register()
    runner = CliRunner()
    monkeypatch.setenv("ASSISTANT_HOME", str(corpus_home))
    res = runner.invoke(app, ["search", "retention period of student data", "--k", "3", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 3 and rows[0]["section"] == "3.2 Privacy-principes > Opslagbeperking"
    assert rows[0]["score"] >= rows[1]["score"] >= rows[2]["score"]

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.md").write_text(
        "# Extra\n\nDashboards tonen alleen geaggregeerde cijfers.\n", encoding="utf-8"
    )
    (docs / "bad.pdf").write_bytes(b"%PDF-1.4 broken")
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    res = runner.invoke(app, ["ingest", str(docs), "--json"])
    report = json.loads(res.stdout)
    assert res.exit_code == 1 and report["added"] == ["ok.md"]
    assert report["failed"][0]["file"] == "bad.pdf" and "PDF" in report["failed"][0]["reason"]


def test_ask_and_search_json_over_the_fakes(memory_index, monkeypatch):
    """The CLI gets its assistant from `services.build_assistant`: here one over the in-memory index."""
    from typer.testing import CliRunner

    from assistant import services
    from assistant.cli.app import _register, app

    real_build = services.build_assistant
    monkeypatch.setattr(
        services, "build_assistant", lambda settings: real_build(settings, index=memory_index)
    )
    _register()
    runner = CliRunner()
    res = runner.invoke(app, ["ask", "Wat zegt het beleid over de AI-officer?", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert set(d) >= {"question", "answer", "language", "refused", "citations", "backend", "warnings"}
    assert d["language"] == "nl" and d["backend"] == "extractive"
    res = runner.invoke(app, ["search", "AI-officer", "--k", "2", "--json"])
    rows = json.loads(res.stdout)
    assert res.exit_code == 0 and [r["rank"] for r in rows] == [1, 2]
    assert any("AI-officer" in r["text"] for r in rows)


def test_ask_json_with_a_bad_question_prints_a_json_error(tmp_path, monkeypatch):
    """A script that asked for JSON gets a JSON object with `error` for an empty or too long question
    (exit 2), before any index is built (found by a new user)."""
    from typer.testing import CliRunner

    from assistant.cli.app import _register, app

    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "never-built"))
    _register()
    runner = CliRunner()
    res = runner.invoke(app, ["ask", "   ", "--json"])
    assert res.exit_code == 2
    d = json.loads(res.stdout)
    assert d["question"] == "   " and "empty" in d["error"]
    res = runner.invoke(app, ["ask", "x" * 100_000, "--json"])
    assert res.exit_code == 2 and json.loads(res.stdout)["error"]
    assert not (tmp_path / "never-built" / "chroma").exists()


def test_an_english_answer_shows_each_translation_once(memory_index, monkeypatch):
    """The extractive answer already quotes the unofficial English rendering first and the Dutch original
    beside it; the citation list does not print the rendering a second time (found by a new user)."""
    from typer.testing import CliRunner

    from assistant import services
    from assistant.cli.app import _register, app

    real_build = services.build_assistant
    monkeypatch.setattr(
        services, "build_assistant", lambda settings: real_build(settings, index=memory_index)
    )
    _register()
    res = CliRunner().invoke(app, ["ask", "How long may learning analytics data be kept?"])
    assert res.exit_code == 0, res.output
    assert "not in the policy" not in res.output and "[1]" in res.output
    assert "unofficial translation:" not in res.output

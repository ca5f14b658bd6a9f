"""`assistant review ...`: the CLI contract of the review workflow, in-process and end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import assistant.cli.review as cli_review
from assistant.cli.errors import error_text
from assistant.errors import AssistantError, ConflictError, InputError, ReviewError

ROOT = Path(__file__).resolve().parent.parent

COMPLETE = {
    "title": "Progress dashboard for first-year statistics",
    "summary": "Students in the first-year statistics course see their own activity and progress in a dashboard "
    "to support self-regulation.",
    "project_type": "implementation",
    "areas": ["1a"],
    "purposes": ["Support students' self-regulation with insight into their own progress"],
    "stakeholders": ["students", "course coordinator"],
    "data": [{"name": "quiz scores", "category": "general", "source": "Brightspace"}],
    "necessity": "Students see their own progress, so the data must be linked to them; anonymous data cannot "
    "show an individual's progress.",
    "legal_basis": "public_interest",
    "retention": "Deleted at the end of the academic year.",
    "privacy_statement": True,
    "security_measures": ["access limited to the student", "data stays in the university's Brightspace"],
    "uses_ai": False,
    "ai": None,
    "human_in_the_loop": "Students interpret their own dashboard; the teacher discusses it in tutorials.",
    "privacy_scan": "planned",
    "interests_weighed": "Benefit for self-regulation outweighs the small privacy impact; only own data is shown.",
    "analysis_validation": "Dashboard figures are checked against the gradebook each block.",
    "responsible": "Course coordinator",
}
# version 1 misses its legal basis (blocker) and retention (major); version 2 only the privacy statement (major)
V1 = {**COMPLETE, "legal_basis": None, "retention": ""}
V2 = {**COMPLETE, "privacy_statement": None}


@pytest.fixture
def drafts(tmp_path):
    paths = {}
    for name, data in (("v1", V1), ("v2", V2)):
        paths[name] = tmp_path / f"{name}.json"
        paths[name].write_text(json.dumps(data), encoding="utf-8")
    return paths


@pytest.fixture(params=["sqlite", "postgresql"])
def db_env(request) -> dict[str, str]:
    """The review database of a run: the default (SQLite in ASSISTANT_HOME, no setting) or a fresh
    database on the session's real PostgreSQL through ASSISTANT_DB_URL (conftest.pg_url)."""
    if request.param == "sqlite":
        return {}
    return {"ASSISTANT_DB_URL": request.getfixturevalue("pg_url")}


@pytest.fixture
def run(monkeypatch, db_env):
    """Invoke `review ...` on a fresh app in-process; AssistantErrors come back as exit code 2 + message."""
    monkeypatch.setenv("ASSISTANT_REVIEWERS", "Bob,Carol,Alice")
    for key, value in db_env.items():
        monkeypatch.setenv(key, value)
    app = typer.Typer()
    cli_review.register(app)

    @app.callback()
    def _root() -> None:
        pass

    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(app, ["review", *map(str, args)])
        if isinstance(result.exception, AssistantError):  # what `main()` prints after "Error: "
            return 2, error_text(result.exception), result.exception
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result.exit_code, result.output, None

    return invoke


def _json(output: str):
    return json.loads(output)


def test_whole_flow_in_process(run, drafts, tmp_path):
    code, out, _ = run("submit", drafts["v1"], "--author", "Alice", "--json")
    assert code == 0, out
    sub = _json(out)
    pid = sub["id"]
    assert sub["status"] == "submitted"
    rules = {f["rule"]: f["severity"] for f in sub["findings"]}
    assert rules["legal_basis.missing"] == "blocker" and rules["storage_limitation.missing"] == "major"
    assert all({"rule", "principle", "severity", "citation"} <= set(f) for f in sub["findings"])

    code, out, _ = run("list", "--json")
    assert [(p["id"], p["status"]) for p in _json(out)] == [(pid, "submitted")]

    code, _, exc = run(
        "evaluate", pid, "--finding", "legal_basis.missing", "--verdict", "to_fix", "--reviewer", "alice"
    )
    assert code == 2 and isinstance(exc, ReviewError) and "separation of duties" in str(exc)
    code, msg, _ = run("decide", pid, "--reviewer", "bob", "--decision", "approved")
    assert code == 2 and "blocker finding legal_basis.missing has no verdict" in msg

    assert (
        run("evaluate", pid, "--finding", "legal_basis.missing", "--verdict", "to_fix", "--reviewer", "Bob")[
            0
        ]
        == 0
    )
    code, out, _ = run(
        "decide",
        pid,
        "--reviewer",
        "carol",
        "--decision",
        "changes_requested",
        "--comment",
        "Name the legal basis and a retention period.",
    )
    assert code == 0 and "changes_requested" in out

    code, out, _ = run("resubmit", pid, drafts["v2"], "--author", "alice", "--json")
    assert code == 0, out
    assert (_json(out)["status"], _json(out)["version"]) == ("submitted", 2)
    assert [f["rule"] for f in _json(out)["findings"]] == ["transparency.privacy_statement"]

    code, msg, _ = run(
        "evaluate",
        pid,
        "--finding",
        "transparency.privacy_statement",
        "--verdict",
        "improvable",
        "--reviewer",
        "bob",
        "--action",
        "Publish the privacy statement",
    )
    assert code == 2 and "missing --owner, --due" in msg
    code, out, _ = run(
        "evaluate",
        pid,
        "--finding",
        "transparency.privacy_statement",
        "--verdict",
        "improvable",
        "--reviewer",
        "bob",
        "--action",
        "Publish the privacy statement",
        "--owner",
        "Alice",
        "--due",
        "2027-01-15",
    )
    assert code == 0, out
    assert run("decide", pid, "--reviewer", "carol", "--decision", "approved")[0] == 0

    code, out, _ = run("show", pid, "--json")
    view = _json(out)
    assert view["status"] == "approved"
    assert [(f["rule"], f["principle"], f["severity"], f["verdict"]) for f in view["findings"]] == [
        ("transparency.privacy_statement", "transparency", "major", "improvable")
    ]
    assert [(h["action"], h["actor"], h["version"]) for h in view["history"]] == [
        ("submit", "Alice", 1),
        ("evaluate", "Bob", 1),
        ("decide", "carol", 1),
        ("resubmit", "alice", 2),
        ("evaluate", "bob", 2),
        ("decide", "carol", 2),
    ]
    assert all(h["at"] for h in view["history"])
    plan = view["action_plan"][0]
    assert (plan["what"], plan["owner"], plan["due"]) == (
        "Publish the privacy statement",
        "Alice",
        "2027-01-15",
    )

    code, out, _ = run("show", pid)
    assert "approved" in out and "Publish the privacy statement" in out

    md, docx_path = tmp_path / "out" / "review.md", tmp_path / "review.docx"
    assert run("export", pid, "--format", "md", "--out", md)[0] == 0
    text = md.read_text(encoding="utf-8")
    assert (
        "[MAJOR] transparency.privacy_statement" in text
        and "| Publish the privacy statement | Alice |" in text
    )
    assert run("export", pid, "--format", "docx", "--out", docx_path)[0] == 0
    assert docx_path.read_bytes()[:2] == b"PK"
    code, msg, exc = run("export", pid, "--format", "docx", "--out", tmp_path)
    assert code == 2 and isinstance(exc, InputError) and "directory" in msg


def test_errors_are_clear(run, drafts, tmp_path):
    code, msg, exc = run("show", "99")
    assert code == 2 and "no proposal with id 99" in msg
    code, msg, exc = run("submit", tmp_path / "missing.json", "--author", "Alice")
    assert code == 2 and isinstance(exc, InputError) and "file not found" in msg
    bad = tmp_path / "bad.json"
    # a value of the wrong type stops the submit ('rocket' for project_type is read leniently as not
    # given, a finding of the check: keys.not_a_choice)
    bad.write_text('{"title": "x", "areas": 5}', encoding="utf-8")
    code, msg, exc = run("submit", bad, "--author", "Alice")
    assert code == 2 and "areas" in msg
    pid = _json(run("submit", drafts["v1"], "--author", "Alice", "--json")[1])["id"]
    code, msg, _ = run(
        "evaluate", pid, "--finding", "legal_basis.missing", "--verdict", "fine", "--reviewer", "bob"
    )
    assert code == 2 and "Unknown verdict 'fine'" in msg
    code, msg, _ = run(
        "evaluate",
        pid,
        "--finding",
        "legal_basis.missing",
        "--verdict",
        "improvable",
        "--reviewer",
        "bob",
        "--action",
        "a",
        "--owner",
        "o",
        "--due",
        "next week",
    )
    assert code == 2 and "YYYY-MM-DD" in msg
    code, msg, _ = run("decide", pid, "--reviewer", "mallory", "--decision", "rejected")
    assert code == 2 and "not a configured reviewer" in msg
    code, msg, exc = run("decide", pid, "--reviewer", "bob", "--decision", "rejected", "--row-version", "7")
    assert code == 2 and isinstance(exc, ConflictError) and "changed meanwhile" in msg
    code, out, _ = run("list", "--status", "bogus")
    assert code == 2 and "Unknown status" in out
    code, out, _ = run("evaluate", pid, "--verdict", "to_fix", "--reviewer", "bob")  # click usage error
    assert code == 2 and "--finding" in out


def test_review_modules_do_not_import_torch(drafts):
    code = (
        "import sys, typer\n"
        "from typer.testing import CliRunner\n"
        "import assistant.cli.review, assistant.review.service, assistant.exports.review, assistant.review.store\n"
        "app = typer.Typer()\n"
        "assistant.cli.review.register(app)\n"
        "app.callback()(lambda: None)\n"
        f"r = CliRunner().invoke(app, ['review', 'submit', {str(drafts['v1'])!r}, '--author', 'A', '--json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "r = CliRunner().invoke(app, ['review', 'export', '1', '--out', sys.argv[1]])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = sorted(m for m in ('torch', 'sentence_transformers', 'transformers', 'chromadb') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = drafts["v1"].parent / "r.docx"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert out.exists()


def _cli(*args, env, flags=()):
    return subprocess.run(
        [
            sys.executable,
            *flags,
            "-c",
            "from assistant.cli.app import main; main()",
            "review",
            *map(str, args),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_end_to_end_through_the_assistant_cli(drafts, tmp_path, db_env):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ASSISTANT_REVIEWERS": "bob, carol, alice",
        "ASSISTANT_HOME": str(tmp_path / "home"),
        **db_env,
    }
    proc = _cli("submit", drafts["v1"], "--author", "alice", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    pid = json.loads(proc.stdout)["id"]

    proc = _cli("decide", pid, "--reviewer", "alice", "--decision", "approved", env=env)
    assert proc.returncode == 2 and "separation of duties" in proc.stderr
    assert "Traceback" not in proc.stderr

    proc = _cli(
        "evaluate",
        pid,
        "--finding",
        "legal_basis.missing",
        "--verdict",
        "acceptable",
        "--reviewer",
        "bob",
        "--comment",
        "Public interest, confirmed by the privacy officer.",
        "--accept-risk",
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    proc = _cli(
        "evaluate",
        pid,
        "--finding",
        "storage_limitation.missing",
        "--verdict",
        "improvable",
        "--reviewer",
        "bob",
        "--action",
        "Set a retention period",
        "--owner",
        "alice",
        "--due",
        "2027-02-01",
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    proc = _cli("decide", pid, "--reviewer", "carol", "--decision", "approved", "--comment", "OK", env=env)
    assert proc.returncode == 0, proc.stderr

    view = json.loads(_cli("show", pid, "--json", env=env).stdout)
    assert view["status"] == "approved"
    assert {f["rule"]: f["verdict"] for f in view["findings"]}["storage_limitation.missing"] == "improvable"
    assert [h["action"] for h in view["history"]] == ["submit", "evaluate", "evaluate", "decide"]
    proc = _cli("list", "--status", "approved", "--json", env=env, flags=("-X", "importtime"))
    assert [p["id"] for p in json.loads(proc.stdout)] == [pid]
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in proc.stderr.splitlines()}
    assert not imported & {"torch", "sentence_transformers", "transformers", "chromadb"}

    out = tmp_path / "review.md"
    proc = _cli("export", pid, "--format", "md", "--out", out, env=env)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "| Set a retention period | alice | 2027-02-01 |" in text
    assert "Public interest, confirmed by the privacy officer." in text
    assert (tmp_path / "home" / "assistant.db").exists() == (not db_env)  # PostgreSQL: no SQLite file

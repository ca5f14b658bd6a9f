"""Bad input through the real `assistant` CLI (issue 10): every case ends with a clear one-line message on
stderr, a non-zero exit and no traceback, and leaves the index and the review database as they were.

All invocations run once per module, concurrently (`run_cli_batch`); each test then checks its cases.
"""

from __future__ import annotations

import io
import json

import pytest

from assistant.ask.pipeline import clean_question
from assistant.config import load_settings
from assistant.errors import InputError
from assistant.index import PolicyIndex

from .reliability_helpers import cli_env, copy_home, db_counts, manifest, no_traceback, run_cli_batch

GOOD_DRAFT = {
    "title": "Weekoverzicht",
    "summary": "Studenten zien hun voortgang.",
    "project_type": "implementation",
    "areas": ["1a"],
}
WRONG_TYPES = {
    "title": ["not", "text"],
    "areas": 5,
    "data": [{"name": "x", "category": "medical"}],
    "uses_ai": "often",
    "security_measures": "firewall",
    "privacy_scan": "maybe",
}


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def world(corpus_home, tmp_path_factory):
    """Homes, files and a review database; the CLI batch runs between a 'before' and an 'after' snapshot."""
    base = tmp_path_factory.mktemp("bad-input")
    files = base / "files"
    files.mkdir()
    bad = {
        "corrupt.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a pdf\n%%EOF",
        "encrypted.pdf": _encrypted_pdf(),
        "empty.pdf": b"",
        "binary.md": bytes(range(256)) * 4,
        "latin1.md": "# Beleid\n\nGegevens worden na één jaar verwijderd.\n".encode("latin-1"),
        "notes.xyz": b"plain text in an unsupported format\n",
        "big.md": b"# Groot\n\n" + b"Een zin over het bewaren van gegevens. " * 40_000,  # ~1.6 MB > 1 MB cap
    }
    for name, data in bad.items():
        (files / name).write_bytes(data)
    (files / "idea.txt").write_bytes(b"Een dashboard \xff\xfe voor docenten")  # invalid UTF-8
    (files / "notjson.json").write_text("{title: 'no quotes'", encoding="utf-8")
    (files / "wrong.json").write_text(json.dumps(WRONG_TYPES), encoding="utf-8")
    (files / "binary.json").write_bytes(b"\xff\xfe\x00{")
    (files / "empty.json").write_bytes(b"")
    (files / "areas.json").write_text(json.dumps(GOOD_DRAFT | {"areas": ["9z", "1a"]}), encoding="utf-8")
    (files / "good.json").write_text(json.dumps(GOOD_DRAFT), encoding="utf-8")

    ingest_home = copy_home(corpus_home, base / "ingest-home")
    review_home = base / "review-home"
    review_home.mkdir()
    db_url = f"sqlite:///{review_home / 'assistant.db'}"
    from assistant.review.service import ReviewService
    from assistant.review.store import Store

    with ReviewService(Store(db_url), ["bob"]) as svc:
        pid = svc.submit(GOOD_DRAFT, "alice").id

    ask_env = cli_env(corpus_home)
    review_env = cli_env(review_home, ASSISTANT_REVIEWERS="bob")
    ingest_env = cli_env(ingest_home, ASSISTANT_MAX_FILE_MB="1")
    plain_env = cli_env(base / "plain-home")
    f = {
        name: str(files / name)
        for name in [
            *bad,
            "idea.txt",
            "notjson.json",
            "wrong.json",
            "binary.json",
            "empty.json",
            "areas.json",
            "good.json",
        ]
    }
    export_out = base / "export.md"
    cases = {
        # questions (the shared, ingested index)
        "ask_empty": (["ask", ""], ask_env),
        "ask_blank": (["ask", "   \n\t  "], ask_env),
        "ask_long": (["ask", "Hoe lang mogen we gegevens bewaren? " + "x" * 2000, "--json"], ask_env),
        "ask_control": (["ask", "Hoe lang \x1b[31mmogen we\x07 gegevens bewaren?"], ask_env),
        "ask_bytes": ([b"ask", b"Hoe lang mogen we gegevens \xff\xfe bewaren?", b"--json"], ask_env),
        "ask_fresh_home": (
            ["ask", "  "],
            cli_env(base / "fresh-home"),
        ),  # no first-start ingest for bad input
        "search_bytes": ([b"search", b"bewaren \xff"], ask_env),
        "chat_bytes": (["chat"], ask_env, b"Hoe lang \xff\xfe bewaren we gegevens?\n\x1b[2Jwis\n\n"),
        # drafts
        "draft_bytes": (
            [b"draft", b"--description", b"Een dashboard \xff voor docenten", b"--json"],
            plain_env,
        ),
        "draft_file": (["draft", "--file", f["idea.txt"], "--json"], plain_env),
        # check
        "check_bad": (
            ["check", f["notjson.json"], f["wrong.json"], f["binary.json"], f["empty.json"]],
            plain_env,
        ),
        "check_areas": (["check", f["areas.json"], "--json"], plain_env),
        # review commands on an unknown id
        "review_show": (["review", "show", "999"], review_env),
        "review_decide": (
            ["review", "decide", "999", "--reviewer", "bob", "--decision", "rejected"],
            review_env,
        ),
        "review_evaluate": (
            [
                "review",
                "evaluate",
                "999",
                "--finding",
                "legal_basis.missing",
                "--verdict",
                "to_fix",
                "--reviewer",
                "bob",
            ],
            review_env,
        ),
        "review_export": (["review", "export", "999", "--out", str(export_out)], review_env),
        "review_resubmit": (["review", "resubmit", "999", f["good.json"], "--author", "alice"], review_env),
        "review_not_a_number": (["review", "show", "abc"], review_env),
        "review_bad_author": (
            [b"review", b"submit", f["good.json"].encode(), b"--author", b"Al\xffice"],
            review_env,
        ),
        # usage errors
        "usage_missing": (["ask"], plain_env),
        "usage_bad_option": (["search", "bewaren", "--k", "0"], plain_env),
        "usage_unknown_command": (["bogus"], plain_env),
        # ingest: every bad file at once (the size cap is 1 MB here)
        "ingest_bad": (["ingest", *(f[n] for n in bad)], ingest_env),
    }

    ingest_settings = load_settings(home=ingest_home)
    ingest_index = PolicyIndex(ingest_settings)
    shared = PolicyIndex(load_settings(home=corpus_home))
    before = {"ingest": manifest(ingest_index), "shared": manifest(shared), "db": db_counts(db_url)}
    results = run_cli_batch(cases)
    after = {"ingest": manifest(ingest_index), "shared": manifest(shared), "db": db_counts(db_url)}
    return {
        "results": results,
        "before": before,
        "after": after,
        "pid": pid,
        "export_out": export_out,
        "db_url": db_url,
        "fresh_home": base / "fresh-home",
    }


def _error(world, name: str, code: int = 2) -> str:
    r = world["results"][name]
    assert r.returncode == code, (name, r.returncode, r.stdout[-500:], r.stderr[-2000:])
    assert no_traceback(r), (name, r.stderr[-2000:])
    assert r.stderr.strip(), name
    return r.stderr


# --------------------------------------------------------------------------- questions


@pytest.mark.parametrize(
    "name, fragments",
    [
        ("ask_empty", ["The question is empty"]),
        ("ask_blank", ["The question is empty"]),
        ("ask_fresh_home", ["The question is empty"]),
        ("ask_long", ["characters long; the limit is 2,000", "ASSISTANT_MAX_QUESTION_CHARS"]),
        ("ask_control", ["control character", "U+001B"]),
        ("ask_bytes", ["not valid UTF-8"]),
        ("search_bytes", ["not valid UTF-8"]),
    ],
)
def test_bad_questions_are_refused_with_a_message(world, name, fragments):
    err = _error(world, name)
    assert err.startswith("Error: ") and len(err.strip().splitlines()) == 1, err
    for fragment in fragments:
        assert fragment in err, (name, err)
    out = world["results"][name].stdout  # refused, not answered (a long question is not truncated)
    assert out == "" or set(json.loads(out)) == {"question", "error"}  # --json: the error as JSON, no answer


def test_chat_reports_bad_lines_and_goes_on(world):
    r = world["results"]["chat_bytes"]
    assert r.returncode == 0 and no_traceback(r), r.stderr[-2000:]
    assert "not valid UTF-8" in r.stdout and "control character" in r.stdout, r.stdout


def test_clean_question_rejects_undecodable_bytes():
    with pytest.raises(InputError, match="not valid UTF-8"):
        clean_question("Hoe lang \udcff bewaren?")
    assert clean_question("  Wat is doelbinding?\n") == "Wat is doelbinding?"


# --------------------------------------------------------------------------- drafts and check


def test_draft_with_invalid_utf8(world):
    assert "not valid UTF-8" in _error(world, "draft_bytes")
    assert (
        "cannot be read" in _error(world, "draft_file")
        and "idea.txt" in world["results"]["draft_file"].stderr
    )


def test_check_names_every_problem(world):
    err = _error(world, "check_bad")
    assert "notjson.json: not valid JSON" in err
    for field in ("title", "areas", "data.0.category"):
        assert f"  - {field}: " in err, (field, err)
    # 'often' for uses_ai, a text for security_measures and 'maybe' for privacy_scan are read (the
    # checker's findings keys.not_yes_no, keys.text_as_list, keys.not_a_choice), not parse errors
    for field in ("uses_ai", "security_measures", "privacy_scan"):
        assert f"  - {field}: " not in err
    assert "binary.json: not UTF-8 text" in err
    assert "empty.json: empty" in err


def test_check_unknown_area_is_a_blocker_naming_the_id(world):
    r = world["results"]["check_areas"]
    assert r.returncode == 1 and no_traceback(r), r.stderr
    [result] = json.loads(r.stdout)
    [finding] = [f for f in result["findings"] if f["rule"] == "area.unknown"]
    assert finding["severity"] == "blocker" and "'9z'" in finding["message"]
    assert "1a, 1b, 2a, 2b, 3a, 3b, 3c, 4a, 4b" in finding["fix"]


# --------------------------------------------------------------------------- review


@pytest.mark.parametrize(
    "name", ["review_show", "review_decide", "review_evaluate", "review_export", "review_resubmit"]
)
def test_review_command_on_an_unknown_id(world, name):
    assert "There is no proposal with id 999" in _error(world, name)


def test_review_usage_errors(world):
    assert "Invalid value for 'ID'" in _error(world, "review_not_a_number")
    assert "not valid UTF-8" in _error(world, "review_bad_author")
    assert not world["export_out"].exists()


def test_review_database_unchanged(world):
    assert world["after"]["db"] == world["before"]["db"]
    assert world["before"]["db"]["proposals"] == 1


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("usage_missing", "Missing argument 'question'"),
        ("usage_bad_option", "Invalid value for '--k'"),
        ("usage_unknown_command", "No such command 'bogus'"),
    ],
)
def test_usage_errors_are_messages_not_tracebacks(world, name, fragment):
    assert fragment in _error(world, name)


# --------------------------------------------------------------------------- ingest


@pytest.mark.parametrize(
    "name, reason",
    [
        ("corrupt.pdf", "not a readable PDF"),
        ("encrypted.pdf", "the PDF is encrypted"),
        ("empty.pdf", "the file is empty"),
        ("binary.md", "looks like a binary file"),
        ("latin1.md", "not valid UTF-8 text"),
        ("notes.xyz", "unsupported file type '.xyz'"),
        ("big.md", "over the 1 MB limit (ASSISTANT_MAX_FILE_MB)"),
    ],
)
def test_bad_files_are_reported_by_name_and_reason(world, name, reason):
    err = _error(world, "ingest_bad", code=1)
    line = next((ln for ln in err.splitlines() if ln.startswith(f"failed {name}:")), None)
    assert line is not None, err
    assert reason in line, line
    assert "added 0, updated 0, removed 0, skipped 0, failed 7" in world["results"]["ingest_bad"].stdout


def test_index_unchanged_after_bad_input(world):
    assert not (
        world["fresh_home"] / "chroma"
    ).exists()  # a bad question did not trigger the first-start ingest
    assert world["after"]["ingest"] == world["before"]["ingest"]
    assert world["after"]["shared"] == world["before"]["shared"]
    assert [d[0] for d in world["before"]["shared"]] == ["uu-learning-analytics-beleid.md", "__generation__"]

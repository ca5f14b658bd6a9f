"""Decisions that mean something (issue 19, point 2): accepting a blocker needs a reason of substance
and an explicit "accept the risk" step, recorded in the audit log; a repeated identical verdict or
decision is a no-op, not a conflict. Service level and the Review page (AppTest)."""

from __future__ import annotations

import os

import pytest

from assistant.errors import ConflictError, ReviewError
from assistant.review.service import ReviewService
from assistant.review.store import Store
from assistant.review.validate import MIN_REASON_WORDS, reason_words
from assistant.ui.i18n import error_text, translate
from tests.test_app import app_env, make_app, open_page, submit_proposal  # noqa: F401 (app_env: fixture)
from tests.test_review import FakeDraft, fake_checker

REASON = "Public interest task; the faculty privacy officer confirmed the basis in writing."


@pytest.fixture
def svc(tmp_path):
    with ReviewService(Store(f"sqlite:///{tmp_path / 'r.db'}"), ["Bob", "Carol"], checker=fake_checker) as s:
        yield s


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("ok", 1),
        ("prima", 1),
        ("Fine, fine, FINE!", 1),  # a word counts once
        ("looks good to me", 4),
        ("akkoord, geen bezwaar", 3),
        ("ok ok ok ok ok ok ok", 1),
        ("1 2 3 4 5 6 7 8", 0),  # numbers are no words
        ("Pilot only; the privacy officer agreed.", 6),
        ("Alleen een pilot; de privacyfunctionaris heeft ingestemd.", 7),
    ],
)
def test_reason_words_counts_distinct_words(text, words):
    assert reason_words(text) == words


@pytest.mark.parametrize("reason", ["ok", "prima", "fine", "looks good to me", "Akkoord, geen bezwaar."])
def test_a_stock_reply_does_not_accept_a_blocker(svc, reason):
    pid = svc.submit(FakeDraft(), "Alice").id
    with pytest.raises(ReviewError) as info:
        svc.evaluate(pid, "legal_basis", "acceptable", "Bob", comment=reason, accept_risk=True)
    assert info.value.field == "comment" and f"at least {MIN_REASON_WORDS}" in str(info.value)
    assert svc.show(pid).findings[0].verdict is None


def test_accepting_a_blocker_needs_the_explicit_step_and_is_recorded(svc):
    pid = svc.submit(FakeDraft(), "Alice").id
    with pytest.raises(ReviewError) as info:
        svc.evaluate(pid, "legal_basis", "acceptable", "Bob", comment=REASON)
    assert info.value.field == "accept_risk"
    assert "confirm that you accept the remaining risk" in error_text(info.value, "en")
    assert translate("decide.accept_risk", "nl") in error_text(info.value, "nl")  # named by its label
    view = svc.evaluate(pid, "legal_basis", "acceptable", "Bob", comment=REASON, accept_risk=True)
    entry = view.history[-1]
    assert (entry.action, entry.details["risk_accepted"], entry.details["comment"]) == (
        "evaluate",
        True,
        REASON,
    )
    # a major finding needs neither; its audit entry says nothing about a risk accepted
    view = svc.evaluate(pid, "retention", "acceptable", "Bob", comment="ok")
    assert "risk_accepted" not in view.history[-1].details


def test_a_repeated_identical_verdict_is_a_no_op(svc):
    pid = svc.submit(FakeDraft(), "Alice").id
    first = svc.evaluate(pid, "retention", "to_fix", "Bob", comment="Name a period.")
    stale = first.row_version - 1
    again = svc.evaluate(
        pid, "retention", "to_fix", "Bob", comment="Name a period.", expected_row_version=stale
    )
    assert (again.row_version, len(again.history)) == (first.row_version, len(first.history))
    with pytest.raises(ConflictError):  # a different verdict from the stale view is still a conflict
        svc.evaluate(pid, "retention", "improvable", "Bob", expected_row_version=stale)


# --------------------------------------------------------------------------- the Review page


@pytest.mark.usefixtures("app_env")
def test_reviewer_accepts_a_blocker_only_with_reason_and_risk_step():
    db = os.environ["ASSISTANT_DB_URL"]
    pid = submit_proposal(db, author="Alice")
    with ReviewService(Store(db), ["Rita"]) as svc:
        blocker = svc.show(pid).findings[0]
    assert blocker.severity == "blocker"
    at = make_app("nl", name="Rita").run()
    open_page(at, "review")
    key = f"ev.{pid}.{blocker.id}"
    save = translate("review.save", "nl")

    def save_verdict(comment: str, accept: bool):
        at.radio(key=f"{key}.verdict").set_value("acceptable")
        at.text_input(key=f"{key}.comment").input(comment)
        at.checkbox(key=f"{key}.accept_risk").set_value(accept)
        [b for b in at.button if b.label == save][0].click().run()
        assert not at.exception, at.exception
        return "\n".join(e.value for e in at.error).replace("\\", "")

    errors = save_verdict("prima", True)
    assert f"ten minste {MIN_REASON_WORDS} verschillende woorden" in errors, errors
    assert translate("review.comment", "nl") in errors  # the field by its label, not `--comment`
    errors = save_verdict(REASON, False)
    assert translate("decide.accept_risk", "nl") in errors and "--accept-risk" not in errors
    assert not save_verdict(REASON, True)
    with ReviewService(Store(db), ["Rita"]) as svc:
        view = svc.show(pid)
    assert view.findings[0].verdict == "acceptable"
    assert view.history[-1].details["risk_accepted"] is True


@pytest.mark.usefixtures("app_env")
def test_a_decision_is_recorded_once_and_the_buttons_go():
    """After a decision the buttons are gone (a closed proposal has none); the browser test double-clicks
    for real (tests/test_browser.py)."""
    db = os.environ["ASSISTANT_DB_URL"]
    pid = submit_proposal(db, author="Alice")
    at = make_app("en", name="Rita").run()
    open_page(at, "review")
    at.button(key=f"dec.{pid}.changes_requested").click().run()
    assert translate("review.decided", "en", decision="changes requested") in [s.value for s in at.success]
    assert not at.error and not [b for b in at.button if (b.key or "").startswith(f"dec.{pid}.")]
    with ReviewService(Store(db), ["Rita"]) as svc:
        assert len(svc.show(pid).decisions) == 1


def test_the_cli_names_the_risk_step_by_its_flag(tmp_path, monkeypatch):
    import json

    import typer
    from typer.testing import CliRunner

    import assistant.cli.review as cli_review
    from assistant.cli.errors import error_text as cli_error_text

    monkeypatch.setenv("ASSISTANT_DB_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("ASSISTANT_REVIEWERS", "Bob")
    draft = tmp_path / "d.json"
    draft.write_text(json.dumps({"title": "Dashboard", "project_type": "implementation", "areas": ["1a"]}))
    app = typer.Typer()
    cli_review.register(app)
    app.callback()(lambda: None)
    runner = CliRunner()
    pid = json.loads(
        runner.invoke(app, ["review", "submit", str(draft), "--author", "Alice", "--json"]).output
    )["id"]
    args = ["review", "evaluate", str(pid), "--finding", "legal_basis.missing", "--verdict", "acceptable"]
    args += ["--reviewer", "Bob", "--comment", REASON]
    refused = runner.invoke(app, args)
    assert isinstance(refused.exception, ReviewError) and "(--accept-risk)" in cli_error_text(
        refused.exception
    )
    accepted = runner.invoke(app, [*args, "--accept-risk", "--json"])
    assert accepted.exit_code == 0, accepted.output
    assert json.loads(accepted.output)["history"][-1]["details"]["risk_accepted"] is True

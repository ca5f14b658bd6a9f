"""The privacy scan in review (issue 21, point 7): reviewers mark every item (right / to correct / for
the privacy officer) and sign the scan off; stored as audit entries (no schema change); `privacy_scan`
counts as done only after the sign-off; the review export (MD/DOCX) and `assistant review export`
carry the scan and the marks; `assistant draft --out` carries the scan."""

from __future__ import annotations

import io
import os

import pytest
from typer.testing import CliRunner

from assistant.errors import InputError, ReviewError
from assistant.exports.review import render_docx, render_markdown
from assistant.proposal import Draft
from assistant.review.scan_signoff import MARKS, mark_item, scan_of, scan_review, sign_off
from assistant.review.service import ReviewService
from assistant.review.store import Store
from assistant.scan.models import SECTIONS
from assistant.ui.i18n import translate
from tests.test_app import app_env, make_app, open_page, submit_proposal  # noqa: F401 (app_env: fixture)

DRAFT = {
    "title": "Early warning for first-year students",
    "summary": "A model predicts which first-year students risk dropping out, from Brightspace logins.",
    "purposes": ["Offer study advisers a list of students at risk so they can invite them"],
    "data": [{"name": "login counts", "category": "general", "source": "Brightspace"}],
    "uses_ai": True,
    "areas": ["1b"],
    "project_type": "implementation",
    "privacy_scan": "planned",
}


@pytest.fixture
def svc(tmp_path):
    with ReviewService(Store(f"sqlite:///{tmp_path / 'r.db'}"), ["Rita", "Rob"]) as s:
        yield s


def _submit(svc) -> int:
    return svc.submit(Draft.model_validate(DRAFT), author="Alice").id


def test_marks_are_audit_entries_and_the_latest_counts(svc):
    pid = _submit(svc)
    before = svc.show(pid)
    view = mark_item(svc, pid, "G-WP1", "correct", "Rita", expected_row_version=before.row_version)
    assert view.row_version == before.row_version + 1
    view = mark_item(svc, pid, "G-WP1", "right", "Rob")
    view = mark_item(svc, pid, "H7", "privacy_officer", "Rita")
    review = scan_review(view)
    assert review.marks == {"G-WP1": "right", "H7": "privacy_officer"}
    assert review.marked_by["G-WP1"] == "Rob"
    assert not review.done
    assert [h.action for h in view.history].count("scan_mark") == 3
    again = mark_item(svc, pid, "H7", "privacy_officer", "Rita")  # the same mark again: nothing new
    assert [h.action for h in again.history].count("scan_mark") == 3


def test_marks_are_checked(svc):
    pid = _submit(svc)
    with pytest.raises(InputError):
        mark_item(svc, pid, "Z9", "right", "Rita")
    with pytest.raises(InputError):
        mark_item(svc, pid, "A1", "maybe", "Rita")
    with pytest.raises(ReviewError):
        mark_item(svc, pid, "A1", "right", "Mallory")  # not a reviewer
    with pytest.raises(ReviewError):
        sign_off(svc, pid, "Alice")  # the author
    assert set(MARKS) == {"right", "correct", "privacy_officer"}


def test_privacy_scan_is_done_only_after_a_sign_off_of_that_version(svc):
    pid = _submit(svc)
    view = svc.show(pid)
    assert not scan_review(view).done  # submitting, marking: never done by the tool
    mark_item(svc, pid, "A1", "right", "Rita")
    assert not scan_review(svc.show(pid)).done
    view = sign_off(svc, pid, "Rita")
    review = scan_review(view)
    assert review.done and review.signed_off_by == "Rita"
    [entry] = [h for h in view.history if h.action == "scan_signoff"]
    assert entry.version == 1
    scan = scan_of(view, "en")
    assert entry.details["verdict"] == scan.verdict.dpia and entry.details["ai_class"] == scan.ai_act.ai_class
    assert entry.details["marks"]["right"] == 1 and entry.details["unmarked"] == len(scan.items) - 1
    assert sign_off(svc, pid, "Rob").row_version == view.row_version  # already signed off: no-op
    # a new version needs a new sign-off
    svc.decide(pid, "Rita", "changes_requested", comment="Say how often the data is collected.")
    v2 = svc.resubmit(pid, Draft.model_validate(DRAFT | {"retention": "One year."}), author="Alice")
    assert v2.version == 2 and not scan_review(v2).done
    assert scan_review(v2, version=1).done


def test_no_schema_change(svc):
    before = svc.store.schema_version()
    pid = _submit(svc)
    sign_off(svc, mark_item(svc, pid, "A1", "right", "Rita").id, "Rita")
    assert svc.store.schema_version() == before


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_review_export_holds_the_scan_and_the_marks(svc, lang):
    pid = _submit(svc)
    mark_item(svc, pid, "G-WP1", "correct", "Rita")
    view = sign_off(svc, pid, "Rita")
    scan = scan_of(view, lang)
    md = render_markdown(view, lang, scan=scan)
    assert f"## {translate('scan.title', lang)}" in md
    assert scan.verdict.text in md
    for section in SECTIONS:
        assert translate(f"scan.section.{section}", lang) in md
    assert f"{translate('scan.mark.label', lang)}: {translate('scan.mark.correct', lang)} (Rita)" in md
    assert translate("scan.mark.none", lang) in md
    assert translate("scan.signoff.done", lang, who="Rita", when="")[:20] in md
    assert translate("export.event.scan_signoff", lang) in md  # the history, in words
    assert "scan_mark" not in md and "scan_signoff" not in md
    assert f"## {translate('scan.title', lang)}" not in render_markdown(view, lang)  # only when given

    import docx

    doc = docx.Document(io.BytesIO(render_docx(view, lang, scan=scan)))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert translate("scan.mark.correct", lang) + " (Rita)" in cells
    assert any(p.text == translate("scan.title", lang) for p in doc.paragraphs)


def test_cli_review_export_includes_the_scan(tmp_path, monkeypatch):
    import typer

    import assistant.cli.review as cli_review

    app = typer.Typer()
    cli_review.register(app)
    app.callback()(lambda: None)
    db = f"sqlite:///{tmp_path / 'r.db'}"
    monkeypatch.setenv("ASSISTANT_DB_URL", db)
    monkeypatch.setenv("ASSISTANT_REVIEWERS", "Rita")
    with ReviewService(Store(db), ["Rita"]) as s:
        pid = _submit(s)
        mark_item(s, pid, "H7", "privacy_officer", "Rita")
    out = tmp_path / "review.md"
    result = CliRunner().invoke(app, ["review", "export", str(pid), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "## Privacy scan" in text and "Reviewer's mark: for the privacy officer (Rita)" in text
    assert translate("scan.signoff.pending", "en") in text


@pytest.mark.parametrize("suffix", [".md", ".docx"])
def test_cli_draft_out_includes_the_scan(tmp_path, suffix):
    from assistant.cli.draft import _write
    from assistant.drafting.drafter import draft_from_description

    result = draft_from_description("Teachers see each week which students fall behind on the quizzes.")
    path = tmp_path / f"d{suffix}"
    _write(path, result, "en")
    if suffix == ".md":
        text = path.read_text(encoding="utf-8")
    else:
        import docx

        d = docx.Document(str(path))
        text = "\n".join(
            [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]
        )
    assert translate("scan.export.heading", "en") in text
    assert translate("scan.verdict_label", "en") in text


# --------------------------------------------------------------------------- the review page (AppTest)


@pytest.mark.usefixtures("app_env")
def test_a_reviewer_marks_items_and_signs_the_scan_off():
    db = os.environ["ASSISTANT_DB_URL"]
    pid = submit_proposal(db, author="Alice")
    at = make_app("en", name="Rita").run()
    open_page(at, "review")
    radios = [r for r in at.radio if r.key and r.key.startswith(f"scan.{pid}.1_mark_")]
    assert len(radios) == len(scan_of(ReviewService(Store(db), ["Rita"]).show(pid), "en").items)
    at.radio(key=f"scan.{pid}.1_mark_G-WP1").set_value("correct").run()
    assert not at.exception, at.exception
    with ReviewService(Store(db), ["Rita"]) as s:
        assert scan_review(s.show(pid)).marks == {"G-WP1": "correct"}
    assert translate("scan.signoff.pending", "en") in "\n".join(i.value for i in at.info)
    at.button(key=f"scan.signoff.{pid}").click().run()
    assert not at.exception, at.exception
    with ReviewService(Store(db), ["Rita"]) as s:
        view = s.show(pid)
    assert scan_review(view).done and scan_review(view).signed_off_by == "Rita"
    shown = "\n".join(str(e.value) for e in (*at.success, *at.markdown)).replace("\\", "")
    assert "Scan signed off by Rita" in shown
    assert "signed off the privacy scan" in shown  # the history sentence


@pytest.mark.usefixtures("app_env")
def test_the_author_sees_the_scan_read_only_in_dutch():
    db = os.environ["ASSISTANT_DB_URL"]
    pid = submit_proposal(db, author="Alice")
    with ReviewService(Store(db), ["Rita"]) as s:
        mark_item(s, pid, "A1", "right", "Rita")
    at = make_app("nl", name="Alice").run()
    open_page(at, "review")
    assert not [r for r in at.radio if r.key and "_mark_" in r.key]
    shown = "\n".join(str(e.value) for e in (*at.caption, *at.markdown, *at.info)).replace("\\", "")
    assert f"{translate('scan.mark.label', 'nl')}: {translate('scan.mark.right', 'nl')}" in shown
    assert translate("scan.signoff.pending", "nl") in shown
    assert not [b for b in at.button if b.key == f"scan.signoff.{pid}"]

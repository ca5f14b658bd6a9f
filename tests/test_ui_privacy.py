"""Personal data kept out of drafts (issue 19, point 3): the chat's detector on the description, every
field of the form and uploaded drafts; redacted before a draft is stored, submitted or exported, by
the web UI and by `assistant review submit`."""

from __future__ import annotations

import io
import json
import os

import pytest
import typer
from typer.testing import CliRunner

import assistant.cli.review as cli_review
from assistant.exports.review import render_docx, render_markdown
from assistant.proposal import Draft
from assistant.review.redaction import PiiInField, describe, find_in_draft, redact_data
from assistant.review.service import ReviewService
from assistant.review.store import Store
from assistant.ui.i18n import translate
from tests.test_app import app_env, make_app, open_page  # noqa: F401 (app_env: a fixture, by name)

EMAIL, STUDENT, PHONE = "jan.jansen@students.uu.nl", "1234567", "06-12345678"
SECRETS = (EMAIL, STUDENT, "12345678")  # the phone's digits too (the label replaces all of it)
PERSONAL = {
    "title": f"Dashboard for student {STUDENT}",
    "summary": f"Contact {EMAIL} or call {PHONE} about the dashboard.",
    "purposes": [f"Follow studentnummer {STUDENT} during the course"],
    "data": [{"name": "quiz scores", "category": "general", "source": f"export mailed by {EMAIL}"}],
    "ai": {"models": f"tuned by s{STUDENT}"},
    "uses_ai": True,
    "areas": ["1b"],
    "project_type": "implementation",
}


def texts(elements) -> str:
    """The texts of Streamlit elements without Markdown escapes."""
    return "\n".join(str(e.value) for e in elements).replace("\\", "")


def _plain(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


def _docx_text(data: bytes) -> str:
    import docx

    doc = docx.Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _holds_no_personal_data(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def test_every_text_field_is_found_and_redacted():
    found = find_in_draft(PERSONAL)
    assert found == [
        PiiInField("title", ("student_number",)),
        PiiInField("summary", ("email", "phone")),
        PiiInField("purposes", ("student_number",)),
        PiiInField("data.source", ("email",)),
        PiiInField("ai.models", ("student_number",)),
    ]
    data, again = redact_data(Draft.model_validate(PERSONAL), "nl")
    assert again == found
    _holds_no_personal_data(_plain(data))
    assert data["summary"] == "Contact [E-MAILADRES] or call [TELEFOONNUMMER] about the dashboard."
    assert data["areas"] == ["1b"] and data["project_type"] == "implementation"  # choices untouched
    assert (
        describe(found[:2], "en", str.upper)
        == "student number in TITLE; e-mail address, phone number in SUMMARY"
    )
    assert find_in_draft({"title": "Dashboard with 12 weekly quiz scores (2026-2027)"}) == []


def test_submit_and_resubmit_store_and_export_no_personal_data(tmp_path):
    with ReviewService(Store(f"sqlite:///{tmp_path / 'r.db'}"), ["Rita"]) as svc:
        view = svc.submit(PERSONAL, "Alice")
        _holds_no_personal_data(_plain(view.draft) + view.title)
        assert view.draft["title"] == "Dashboard for student [STUDENT_NUMBER]"
        assert view.history[0].details["redacted"]["summary"] == ["email", "phone"]
        _holds_no_personal_data(_plain(view.history[0].details))  # where and what kind, never the value
        view = svc.resubmit(view.id, {**PERSONAL, "responsible": f"mail {EMAIL}"}, "Alice", lang="nl")
        assert view.version == 2 and view.draft["responsible"] == "mail [E-MAILADRES]"
        _holds_no_personal_data(render_markdown(view))
        _holds_no_personal_data(_docx_text(render_docx(view)))
        assert "[E-MAILADRES]" in render_markdown(view)


def test_the_review_export_redacts_a_draft_stored_before_the_guard(tmp_path):
    """A proposal stored before redaction existed (a raw row) is still exported without its data."""
    with ReviewService(Store(f"sqlite:///{tmp_path / 'r.db'}"), ["Rita"]) as svc:
        pid = svc.submit({"title": "Plain"}, "Alice").id
        view = svc.show(pid).model_copy(update={"draft": PERSONAL, "title": PERSONAL["title"]})
    md = render_markdown(view)
    _holds_no_personal_data(md + _docx_text(render_docx(view)))
    assert "[EMAIL]" in md


def test_cli_review_submit_redacts(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DB_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("ASSISTANT_REVIEWERS", "Bob")
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(PERSONAL), encoding="utf-8")
    app = typer.Typer()
    cli_review.register(app)
    app.callback()(lambda: None)
    result = CliRunner().invoke(app, ["review", "submit", str(path), "--author", "Alice", "--json"])
    assert result.exit_code == 0, result.output
    pid = json.loads(result.output)["id"]
    shown = CliRunner().invoke(app, ["review", "show", str(pid), "--json"])
    _holds_no_personal_data(shown.output)
    assert "[EMAIL]" in shown.output


# --------------------------------------------------------------------------- the Draft page (AppTest)


@pytest.mark.usefixtures("app_env")
def test_form_to_database_to_export_holds_no_personal_data():
    at = make_app("nl", name="Alice").run()
    open_page(at, "draft")
    at.text_area(key="d_desc").input(f"Een dashboard voor docenten; vragen aan {EMAIL}.").run()
    assert "e-mailadres" in texts(at.warning)  # the description's guard, in Dutch
    at.button(key=[b.key for b in at.button if b.label == translate("draft.new", "nl")][0]).click().run()
    at.text_input(key="d.title").input(f"Voortgang van student {STUDENT}").run()
    at.text_area(key="d.summary").input(f"Contact: {EMAIL}, {PHONE}.").run()
    warning = texts(at.warning)
    assert "studentnummer in Titel" in warning, warning
    assert "e-mailadres, telefoonnummer in Samenvatting" in warning
    at.button(key="submit_draft").click().run()
    assert not at.exception, at.exception
    with ReviewService(Store(os.environ["ASSISTANT_DB_URL"]), ["Rita"]) as svc:
        [row] = svc.list()
        view = svc.show(row.id)
    _holds_no_personal_data(_plain(view.model_dump()))
    _holds_no_personal_data(render_markdown(view))
    assert view.draft["title"] == "Voortgang van student [STUDENTNUMMER]"
    # "remove" cleans the form itself; the proposal stays the same one
    at.button(key="remove_pii").click().run()
    assert at.text_input(key="d.title").value == "Voortgang van student [STUDENTNUMMER]"
    assert at.button(key="submit_draft").label == translate("draft.resubmit", "nl", id=row.id)
    assert not [w for w in at.warning if "Samenvatting" in w.value]


@pytest.mark.usefixtures("app_env")
def test_an_uploaded_draft_is_redacted_with_a_warning():
    at = make_app("en").run()
    open_page(at, "draft")
    at.file_uploader[0].set_value(("p.json", json.dumps(PERSONAL).encode(), "application/json")).run()
    assert not at.exception, at.exception
    assert at.text_area(key="d.summary").value == "Contact [EMAIL] or call [PHONE] about the dashboard."
    assert "e-mail address in Personal data › Source" in texts(at.warning), texts(at.warning)
    assert "uploaded draft held personal data" in texts(at.warning)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_redaction_messages_exist_in_both_languages(lang):
    for key in ("redact.item", "redact.found", "redact.remove", "redact.upload", "redact.description"):
        assert translate(key, lang) != key

"""The privacy scan on the Draft & check page (issue 21, point 1): verdict, AI Act class and every
section with answer, provenance and citation, in the user's language; the MD/DOCX downloads carry it."""

from __future__ import annotations

import json

import pytest

import assistant.exports.draft as export_draft
from assistant.proposal import parse_draft
from assistant.scan import scan_draft
from assistant.scan.models import SECTIONS
from assistant.ui.i18n import translate
from assistant.ui.scan_view import students_vulnerable
from tests.test_app import app_env, make_app, open_page  # noqa: F401 (app_env: a fixture, by name)

DRAFT = {
    "title": "Early warning for first-year students",
    "summary": "A model predicts which first-year students risk dropping out, from Brightspace logins and grades.",
    "purposes": ["Offer study advisers a list of students at risk so they can invite them"],
    "data": [
        {"name": "login counts", "category": "general", "source": "Brightspace"},
        {"name": "grades", "category": "general", "source": "Osiris"},
    ],
    "uses_ai": True,
    "areas": ["1b"],
    "project_type": "implementation",
}


def _texts(at) -> str:
    parts = [str(e.value) for e in (*at.markdown, *at.caption, *at.info, *at.warning)]
    return "\n".join(parts).replace("\\", "")


def _upload(at) -> None:
    at.file_uploader[0].set_value(("d.json", json.dumps(DRAFT).encode(), "application/json")).run()
    assert not at.exception, at.exception


@pytest.mark.usefixtures("app_env")
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_draft_page_shows_the_scan_in_the_users_language(lang):
    at = make_app(lang).run()
    open_page(at, "draft")
    _upload(at)
    expected = scan_draft(DRAFT, lang=lang, principles=False)
    shown = _texts(at)
    assert f"#### {translate('scan.title', lang)}" in shown
    assert expected.verdict.text in shown  # the DPIA verdict with its text
    for q in expected.verdict.open_questions:
        assert f"{q.id}: {q.question}" in shown
    assert translate("scan.ai_act", lang) in shown
    labels = [e.label for e in at.expander]
    for section in SECTIONS:
        assert translate(f"scan.section.{section}", lang) in labels
    for item in expected.items:  # every item with its provenance and citation
        assert f"**{item.id}** {item.question}" in shown, item.id
        assert f"{item.citation.source} :: {item.citation.section}" in shown
    assert translate("scan.status.from_draft", lang) in shown
    assert translate("scan.status.for_person", lang) in shown
    assert not [e for e in at.radio if e.key and e.key.startswith("draft_scan_mark_")]  # no marks here


@pytest.mark.usefixtures("app_env")
def test_the_draft_downloads_include_the_scan(monkeypatch):
    seen: dict[str, object] = {}
    real_md = export_draft.draft_to_markdown

    def md(draft, findings=None, lang="nl", scan=None):
        seen["md"] = scan
        return ""

    def docx(draft, findings=None, lang="nl", scan=None):
        seen["docx"] = scan
        return b""

    monkeypatch.setattr(export_draft, "draft_to_markdown", md)
    monkeypatch.setattr(export_draft, "draft_to_docx", docx)
    at = make_app("en").run()
    open_page(at, "draft")
    _upload(at)
    assert seen["md"] is not None and seen["docx"] is not None
    assert seen["md"].language == "en" and seen["md"].file == "draft"
    markdown = real_md(parse_draft(DRAFT), [], "en", scan=seen["md"])
    assert translate("scan.export.heading", "en") in markdown
    assert seen["md"].verdict.text in markdown


@pytest.mark.parametrize(("value", "expected"), [("yes", True), ("no", False), ("ask", None), ("", None)])
def test_students_vulnerable_is_read_as_the_cli_reads_it(monkeypatch, value, expected):
    monkeypatch.setenv("ASSISTANT_STUDENTS_VULNERABLE", value)
    assert students_vulnerable() is expected


def test_field_names_in_scan_texts_are_shown_by_their_labels():
    from assistant.ui.scan_view import field_label

    assert field_label("privacy_scan") in ("Privacyscan", "Privacy scan")
    assert field_label("no_such_field") == "no_such_field"
    for lang in ("nl", "en"):
        assert translate("scan.field.data_subjects", lang) != "scan.field.data_subjects"

"""The review loop back to the author (issue 19, point 1): the author reads every verdict, comment,
action and decision; "Revise" loads the draft into the form and resubmits it as the next version of
the same proposal; the reviewer sees what changed between versions."""

from __future__ import annotations

import os

import pytest

from assistant.review.service import ReviewService
from assistant.review.store import Store
from assistant.review.views import FieldChange, field_changes
from assistant.ui.i18n import translate
from tests.test_app import app_env, make_app, open_page, submit_proposal  # noqa: F401 (app_env: fixture)

RETENTION = "Deleted at the end of the academic year."


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements).replace("\\", "")


def test_field_changes_in_the_draft_formats_order():
    before = {"title": "A", "retention": "", "purposes": ["x"], "legal_basis": None, "extra": 1}
    after = {"title": "A", "retention": "One year.", "purposes": [], "legal_basis": None, "extra": 2}
    assert field_changes(before, after) == [
        FieldChange("purposes", ["x"], []),
        FieldChange("retention", "", "One year."),
        FieldChange("extra", 1, 2),
    ]
    assert field_changes({"summary": None}, {"summary": ""}) == []  # both 'not filled in'


def _review(db: str, pid: int) -> None:
    """Rita judges the blocker to fix, plans an action on a major finding and asks for changes."""
    with ReviewService(Store(db), ["Rita"]) as svc:
        view = svc.show(pid)
        blocker = next(f for f in view.findings if f.severity == "blocker")
        major = next(f for f in view.findings if f.severity == "major")
        svc.evaluate(pid, blocker.id, "to_fix", "Rita", comment="Name the lawful basis: public interest.")
        svc.evaluate(
            pid, major.id, "improvable", "Rita", action="Ask the faculty", owner="Alice", due="2027-01-31"
        )
        svc.decide(pid, "Rita", "changes_requested", comment="Please add a lawful basis and retention.")


@pytest.mark.usefixtures("app_env")
def test_author_reads_the_review_and_revises_into_version_two():
    db = os.environ["ASSISTANT_DB_URL"]
    pid = submit_proposal(db, author="Alice")
    _review(db, pid)

    at = make_app("nl", name="Alice").run()
    open_page(at, "review")
    page = texts(at.markdown) + texts(at.info) + texts(at.caption)
    assert "Please add a lawful basis and retention." in page  # the decision's comment
    assert translate("status.changes_requested", "nl") in page
    assert "Name the lawful basis: public interest." in page  # the verdict's comment
    assert "changes_requested" not in page and "{" not in texts(at.markdown)  # no raw status, no JSON
    plan = at.dataframe[-1].value
    assert list(plan[translate("review.action", "nl")]) == ["Ask the faculty"]
    assert [r.key for r in at.radio] == ["lang"] and not at.text_area and not at.date_input  # read-only

    at.button(key=f"revise.{pid}").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == translate("draft.title", "nl")  # st.switch_page went to Draft & check
    assert at.text_input(key="d.title").value  # with the draft in the form
    open_page(at, "draft")  # AppTest reruns the page it last switched to itself; a browser stays here
    assert translate("loop.revising", "nl", id=pid, version=1, next=2) in texts(at.info)
    at.text_area(key="d.retention").input(RETENTION).run()
    at.button(key="submit_draft").click().run()
    assert f"Versie 2 van voorstel #{pid}" in texts(at.success)

    with ReviewService(Store(db), ["Rita"]) as svc:
        rows = svc.list()
        assert [(r.id, r.version, r.status) for r in rows] == [(pid, 2, "submitted")]  # no new proposal

    # the reviewer sees the field diff between the versions
    rita = make_app("en", name="Rita").run()
    open_page(rita, "review")
    diff = rita.dataframe[1].value  # [0] is the queue
    assert list(diff[translate("loop.col.field", "en")]) == [translate("field.retention", "en")]
    assert list(diff["Version 2"]) == [RETENTION]
    assert list(diff["Version 1"]) == [translate("value.none", "en")]

"""The check beside the work (issue 19, point 6): a compact summary of the findings at the top of the
check column, each finding naming its field by the field's label, the fields with a finding marked in
the form, and the CSS that keeps the column in view (desktop) or puts it first (phone). The layout
itself is measured in a browser: tests/test_browser_state.py."""

from __future__ import annotations

import pytest

from assistant.ui import findings_panel
from assistant.ui.i18n import translate
from tests.test_app import DESCRIPTION, app_env, make_app, open_page  # noqa: F401 (app_env: a fixture)


def test_a_finding_points_to_its_form_widget():
    assert findings_panel.field_of("data.0.name") == "data"
    assert findings_panel.field_of("ai.models") == "ai.models"
    assert findings_panel.field_of("ai") == "uses_ai"
    assert findings_panel.field_of("legal_basis") == "legal_basis"
    assert findings_panel.widget_class("legal_basis") == ".st-key-d-legal_basis"
    assert findings_panel.widget_class("ai.decision_process") == ".st-key-d-ai-decision_process"
    assert findings_panel.widget_class("data.1.source") == '[class*="st-key-d-data-"]'


def _draft_page(lang: str):
    at = make_app(lang, name="Alice").run()
    open_page(at, "draft")
    at.text_area(key="d_desc").set_value(DESCRIPTION).run()
    [make] = [b for b in at.button if b.label == translate("draft.make", lang)]
    make.click().run()
    assert not at.exception, at.exception
    return at


def _styles(at) -> str:
    return "\n".join(str(e.proto.body) for e in at.get("html"))


@pytest.mark.usefixtures("app_env")
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_summary_names_each_finding_by_its_field_label_and_marks_the_field(lang):
    at = _draft_page(lang)
    lines = [m.value for m in at.markdown if translate("draft.panel.title", lang) in m.value]
    assert lines, "no summary"
    panel = next(m.value for m in at.markdown if m.value.startswith("- :material/"))
    legal = translate("field.legal_basis", lang)
    # the lawful basis is missing from this description: a blocker on that field, named by its label
    assert f":material/block: **{legal}**:" in panel
    assert (
        panel.index(":material/block:") < panel.find(":material/lightbulb:")
        or ":material/lightbulb:" not in panel
    )
    css = _styles(at)
    assert ".st-key-d-legal_basis { border-left" in css  # marked in the form
    assert "position: sticky" in css and "order: -1" in css  # in view / first on a phone
    assert translate("sev.blocker", lang) in css

    at.selectbox(key="d.legal_basis").set_value("public_interest").run()  # the author fixes it
    assert not at.exception, at.exception
    panel = next(m.value for m in at.markdown if m.value.startswith("- :material/"))
    assert f"**{legal}**" not in panel
    assert ".st-key-d-legal_basis {" not in _styles(at)

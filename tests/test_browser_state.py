"""End to end in a real browser (issue 19, points 6 and 7): a reload mid-draft brings back the chat,
the name and the draft; the findings summary stays in view beside the form on a desktop and comes
first on a 390 px phone. Same harness as tests/test_browser.py (Debian's Chromium, screenshots to
tests/artifacts/)."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.test_browser import (  # noqa: F401 (app_url, page: fixtures, by name)
    ARTIFACTS,
    CHROMIUM,
    DESCRIPTION,
    _go,
    _idle,
    _make_draft,
    _set_name,
    app_url,
    page,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing: run `make browser-deps`"),
]


def _saved(home: Path, url: str, text: str, timeout_s: float = 30.0) -> None:
    """Wait (bounded) until the session file of the page's `?session=` token holds `text`: the app
    saves after its run, and under CPU load that can end after the status widget went (a reload
    before the save restored nothing)."""
    token = parse_qs(urlparse(url).query).get("session", [""])[0]
    path = home / "sessions" / f"{token}.json"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if token and path.exists() and text in path.read_text(encoding="utf-8"):
            return
        time.sleep(0.1)
    raise AssertionError(f"the session was not saved with {text!r} within {timeout_s} s")


def test_a_reload_mid_draft_restores_the_draft_the_chat_and_the_name(page, corpus_home):  # noqa: F811
    from playwright.sync_api import expect

    expect(
        page.get_by_test_id("stSidebar").get_by_text("Policy: uu-learning-analytics-beleid.md")
    ).to_be_visible()
    _set_name(page, "Alice")
    chat = page.get_by_test_id("stChatInputTextArea")
    chat.fill("Which personal data may I use for learning analytics?")
    chat.press("Enter")
    expect(page.get_by_test_id("stExpander").filter(has_text="[1]").first).to_be_visible()
    _idle(page)
    _make_draft(page)
    retention = page.get_by_role("textbox", name="Retention")
    retention.fill("Deleted at the end of the academic year.")
    retention.press("Control+Enter")
    _idle(page)
    assert "session=" in page.url and "Alice" not in page.url
    _saved(corpus_home, page.url, "Deleted at the end of the academic year.")

    page.reload()
    _idle(page)
    expect(page.get_by_role("textbox", name="Retention")).to_have_value(
        "Deleted at the end of the academic year."
    )
    expect(page.get_by_role("textbox", name="Project idea")).to_have_value(DESCRIPTION)
    expect(page.get_by_role("textbox", name="Your name")).to_have_value("Alice")
    page.screenshot(path=str(ARTIFACTS / "8-reload-draft.png"), full_page=True)
    _go(page, "Ask")
    expect(page.get_by_text("Which personal data may I use for learning analytics?")).to_be_visible()
    expect(page.get_by_test_id("stExpander").filter(has_text="[1]").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "8-reload-chat.png"), full_page=True)


def test_the_findings_summary_stays_in_view_and_comes_first_on_a_phone(page):  # noqa: F811
    from playwright.sync_api import expect

    expect(
        page.get_by_test_id("stSidebar").get_by_text("Policy: uu-learning-analytics-beleid.md")
    ).to_be_visible()
    _make_draft(page)
    panel = page.locator(".st-key-draft_check")
    expect(panel.get_by_text("The check at a glance")).to_be_visible()
    expect(panel.get_by_text("Lawful basis:", exact=False).first).to_be_visible()

    # desktop: scrolled down to the last fields of the form, the summary is still on screen
    lower = page.get_by_role("textbox", name="Responsible")
    lower.scroll_into_view_if_needed()
    _idle(page)
    height = page.viewport_size["height"]
    box = lower.bounding_box()
    assert box and 0 <= box["y"] < height
    title = panel.get_by_text("The check at a glance").bounding_box()
    assert title and 0 <= title["y"] < height, title
    form_top = page.get_by_role("heading", name="Draft", exact=True).bounding_box()
    assert form_top["y"] < 0  # the form's top has scrolled away: the panel stayed (sticky)
    page.screenshot(path=str(ARTIFACTS / "9-panel-desktop.png"))

    # phone: columns stack and the summary comes before the form
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(800)
    page.get_by_test_id("stMain").evaluate("(el) => el.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    title = panel.get_by_text("The check at a glance").bounding_box()
    form_top = page.get_by_role("heading", name="Draft", exact=True).bounding_box()
    assert title["y"] < form_top["y"], (title, form_top)
    column = page.get_by_test_id("stColumn").filter(has=panel).first.bounding_box()
    assert column["height"] <= 0.6 * 844 + 2  # capped: the form follows it
    panel.evaluate("(el) => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "9-panel-phone.png"))

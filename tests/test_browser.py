"""End to end in a real browser: `streamlit run` on 127.0.0.1, driven by Playwright + Debian's Chromium.

Run alone with `pytest -m browser tests/test_browser.py`. Screenshots of every page are written to
tests/artifacts/ (gitignored; CI keeps them as artefacts). Needs /usr/bin/chromium
(`make browser-deps` installs Debian's chromium and chromium-driver); Playwright's own browser
download is never used.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from benchmarks.common import free_port, stop_process, streamlit_command, streamlit_healthy

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESCRIPTION = (
    "Teachers want to see each week during the course which students fall behind on the quizzes in "
    "Brightspace, so that they can give targeted feedback."
)
TIMEOUT_MS = 90_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is missing: run `make browser-deps` "
        "(apt-get install chromium chromium-driver) to run the browser tests",
    ),
]


def start_app(env: dict, log_path: Path) -> tuple[subprocess.Popen, str]:
    """`streamlit run streamlit_app.py` on a free 127.0.0.1 port with `env`, output to `log_path`:
    (the process, its URL). Wait for it with `wait_healthy`; stop it with `stop_process`."""
    port = free_port()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            streamlit_command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    return proc, f"http://127.0.0.1:{port}"


def wait_healthy(proc: subprocess.Popen, url: str, log_path: Path, timeout: float = 60) -> None:
    """Wait (bounded) until the app at `url` answers its health check; fail with its log otherwise."""
    deadline = time.monotonic() + timeout
    while not streamlit_healthy(url):
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
        if time.monotonic() > deadline:
            pytest.fail(
                f"streamlit did not answer on {url} within {timeout:.0f} s:\n{log_path.read_text(errors='replace')}"
            )
        time.sleep(0.3)


def new_page(playwright, width: int = 1440, height: int = 1000, locale: str = "en-GB"):
    """(browser, context, page) in Debian's headless Chromium at the given viewport and locale, with the
    tests' timeouts; close the context and the browser when done."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    context.set_default_timeout(TIMEOUT_MS)
    return browser, context, context.new_page()


@pytest.fixture
def app_url(corpus_home, tmp_path):
    """`streamlit run streamlit_app.py` on a free 127.0.0.1 port over the ingested corpus; killed afterwards."""
    env = dict(os.environ) | {
        "ASSISTANT_HOME": str(corpus_home),
        "ASSISTANT_DB_URL": f"sqlite:///{tmp_path / 'review.db'}",
        "ASSISTANT_REVIEWERS": "Rita",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    log_path = tmp_path / "streamlit.log"
    proc, url = start_app(env, log_path)
    try:
        wait_healthy(proc, url, log_path)
        yield url
    finally:
        stop_process(proc)


@pytest.fixture
def page(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser, context, pg = new_page(p)
        pg.goto(f"{app_url}/?lang=en")
        try:
            yield pg
        except BaseException:
            pg.screenshot(path=str(ARTIFACTS / "failure.png"), full_page=True)
            raise
        finally:
            context.close()
            browser.close()


def _shot(page, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main container, so the viewport is
    stretched to the content's height for the picture."""
    _idle(page)
    height = page.evaluate(
        "() => (document.querySelector('[data-testid=stMain]') || document.body).scrollHeight"
    )
    page.set_viewport_size({"width": 1440, "height": min(max(int(height), 1000), 5000)})
    page.wait_for_timeout(600)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 1000})


def _idle(page) -> None:
    """Wait until Streamlit has finished the current run (the status widget disappears)."""
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="detached", timeout=TIMEOUT_MS)


def _set_name(page, name: str) -> None:
    box = page.get_by_role("textbox", name="Your name")
    box.fill(name)
    box.press("Enter")
    _idle(page)


def _go(page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    _idle(page)


def _make_draft(page) -> None:
    """Draft & check: the shared description becomes a draft (the page settles after each step)."""
    _go(page, "Draft & check")
    idea = page.get_by_role("textbox", name="Project idea")
    idea.fill(DESCRIPTION)
    idea.press("Control+Enter")
    _idle(page)
    page.get_by_role("button", name="Make draft").click()
    _idle(page)


def _request_changes(page, comment: str) -> None:
    """Review: the open proposal gets `comment` and the decision "Request changes"."""
    from playwright.sync_api import expect

    box = page.get_by_role("textbox", name="Comment on the decision")
    box.fill(comment)
    box.press("Control+Enter")
    _idle(page)
    page.get_by_role("button", name="Request changes").click()
    expect(page.get_by_text("Decision recorded: changes requested.").first).to_be_visible()


def test_ask_draft_submit_review_in_a_browser(page):
    from playwright.sync_api import expect

    # Ask: a question gets an answer with citation cards
    expect(page.get_by_role("heading", name="Ask the policy")).to_be_visible()
    chat = page.get_by_test_id("stChatInputTextArea")
    chat.fill("Which personal data may I use for learning analytics?")
    chat.press("Enter")
    card = page.get_by_test_id("stExpander").filter(has_text="[1]").first
    expect(card).to_be_visible()
    _idle(page)
    card.locator("summary").click()
    expect(card.get_by_text("Authority: official")).to_be_visible()
    _shot(page, "1-ask")

    # Draft & check: a description becomes a draft with findings; submit it
    _set_name(page, "Alice")
    _make_draft(page)
    expect(page.get_by_text("1 blocker", exact=False).first).to_be_visible()
    expect(page.get_by_text("The draft names no lawful basis").first).to_be_visible()
    _idle(page)
    _shot(page, "2-draft")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted as proposal #1")).to_be_visible()

    # Review: a reviewer sees the proposal in the queue with its findings and verdict controls
    _set_name(page, "Rita")
    _go(page, "Review")
    expect(page.get_by_role("heading", name="Proposal #1", exact=False)).to_be_visible()
    first = page.get_by_test_id("stExpander").filter(has_text="Verdict").first
    first.locator("summary").click()
    expect(first.get_by_role("button", name="Save verdict")).to_be_visible()
    _shot(page, "3-review")

    _go(page, "Evaluation")
    expect(page.get_by_role("button", name="Run the eval suite")).to_be_visible()
    _shot(page, "4-evaluation")

    _go(page, "Documents")
    expect(page.get_by_test_id("stMain").get_by_test_id("stDataFrame")).to_be_visible()
    _shot(page, "5-documents")


def _review_service(url: str):
    from assistant.review.service import ReviewService
    from assistant.review.store import Store

    return ReviewService(Store(url), ["Rita"])


def test_author_reviewer_author_loop_in_a_browser(page, tmp_path):
    """Issue 19: changes requested -> the author reads the comment and revises -> version 2 with its
    field diff -> a blocker accepted with a reason and the explicit risk step -> a double-clicked
    Approve records one decision and no conflict."""
    from playwright.sync_api import expect

    db = f"sqlite:///{tmp_path / 'review.db'}"  # the app_url fixture's database
    # the first page run must finish opening the index (its sidebar names the policy): a rerun that
    # interrupts it leaves the next run with Chroma's "Could not connect to tenant" (reported)
    expect(
        page.get_by_test_id("stSidebar").get_by_text("Policy: uu-learning-analytics-beleid.md")
    ).to_be_visible()
    _set_name(page, "Alice")
    _go(page, "Draft & check")
    idea = page.get_by_role("textbox", name="Project idea")
    idea.fill(DESCRIPTION + " Questions to jan.jansen@uu.nl.")
    idea.press("Control+Enter")
    _idle(page)
    expect(page.get_by_text("holds personal data (e-mail address)")).to_be_visible()
    page.get_by_role("button", name="Make draft").click()
    _idle(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted as proposal #1")).to_be_visible()

    _set_name(page, "Rita")
    _go(page, "Review")
    _request_changes(page, "Please name the lawful basis and a retention period.")

    _set_name(page, "Alice")
    _go(page, "Review")
    expect(page.get_by_text("Comment of the reviewer: Please name the lawful basis")).to_be_visible()
    expect(page.get_by_text("Rita decided: changes requested", exact=False)).to_be_visible()  # history
    _shot(page, "6-author-reads-review")
    page.get_by_role("button", name="Revise").click()
    _idle(page)
    expect(page.get_by_text("You are revising proposal #1")).to_be_visible()
    retention = page.get_by_role("textbox", name="Retention")
    retention.fill("Deleted at the end of the academic year.")
    retention.press("Control+Enter")
    _idle(page)
    page.get_by_role("button", name="Submit a new version (#1)").click()
    expect(page.get_by_text("Version 2 of proposal #1 submitted")).to_be_visible()

    with _review_service(db) as svc:  # the majors judged outside the page, to keep the test short
        for f in svc.show(1).findings:
            if f.severity == "major":
                svc.evaluate(1, f.id, "acceptable", "Rita")
    _set_name(page, "Rita")
    _go(page, "Review")
    diff = page.get_by_test_id("stExpander").filter(has_text="What changed between versions")
    expect(diff.get_by_test_id("stDataFrame")).to_be_visible()  # its rows: tests/test_ui_review_loop.py
    blocker = page.get_by_test_id("stExpander").filter(has_text="Verdict").first
    blocker.locator("summary").click()
    blocker.get_by_text("acceptable", exact=True).click()
    blocker.get_by_role("textbox", name="Comment").fill(
        "Public interest task; the faculty privacy officer confirmed the basis in writing."
    )
    blocker.get_by_text("I accept the remaining risk of this blocker").click()
    blocker.get_by_role("button", name="Save verdict").click()
    expect(page.get_by_text("Verdict saved.").first).to_be_visible()
    _idle(page)
    _shot(page, "7-reviewer-diff-and-risk")
    page.get_by_role("button", name="Approve").dblclick()
    expect(page.get_by_text("Decision recorded: approved.").first).to_be_visible()
    _idle(page)
    expect(page.get_by_text("Somebody else changed this proposal")).to_have_count(0)
    with _review_service(db) as svc:
        view = svc.show(1)
    assert (view.status, view.version, len(view.decisions)) == ("approved", 2, 2)
    assert any(h.details.get("risk_accepted") for h in view.history)
    assert "jan.jansen@uu.nl" not in str(view.model_dump())


def test_dutch_staff_member_on_a_phone(app_url):
    """Issue 19, "Tested": both languages and a phone-sized viewport. A Dutch staff member on a 390 px
    screen asks a question (answer with citation cards, Dutch UI) and makes a draft whose findings are in
    Dutch; a question the policy does not answer gets the partial or refusal box, not 'the policy says'."""
    from playwright.sync_api import expect, sync_playwright

    from assistant.messages import message

    with sync_playwright() as p:
        browser, context, page = new_page(p, 390, 844, "nl-NL")
        try:
            page.goto(f"{app_url}/?lang=nl")
            expect(page.get_by_role("heading", name=message("ask.title", "nl"))).to_be_visible()
            chat = page.get_by_test_id("stChatInputTextArea")
            chat.fill("Hoe lang mogen we studentgegevens bewaren?")
            chat.press("Enter")
            expect(page.get_by_test_id("stExpander").filter(has_text="[1]").first).to_be_visible()
            expect(page.get_by_text("Opslagbeperking", exact=False).first).to_be_visible()
            _idle(page)
            chat.fill("Hoeveel vakantiedagen krijg ik als promovendus?")
            chat.press("Enter")
            _idle(page)
            told = page.get_by_text(message("ask.refused_title", "nl")).or_(
                page.get_by_text(message("ask.partial_title", "nl"))
            )
            expect(told.first).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "10-phone-nl-ask.png"), full_page=True)

            page.goto(f"{app_url}/draft?lang=nl")
            _idle(page)
            idea = page.get_by_role("textbox", name=message("draft.description", "nl"))
            idea.fill(
                "Docenten willen tijdens de cursus per week zien welke studenten achterlopen met de quizzen "
                "in Brightspace, zodat ze gerichte feedback kunnen geven."
            )
            idea.press("Control+Enter")
            _idle(page)
            page.get_by_role("button", name=message("draft.make", "nl")).click()
            _idle(page)
            expect(page.get_by_text("rechtmatige grondslag", exact=False).first).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "11-phone-nl-draft.png"), full_page=True)
        finally:
            context.close()
            browser.close()

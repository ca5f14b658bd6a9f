"""Two app replicas end to end (issue 20): one `chroma run`, one PostgreSQL (tests/pg.py) and two
`streamlit run` on different 127.0.0.1 ports, each with its own ASSISTANT_HOME, driven in headless
Chromium: a question answered on each; a supplementary document added through one is cited by the
other; a proposal submitted on one is reviewed on the other; the audit trail shows both.

The replicas listen on 127.0.0.1 only (nothing beyond this machine), in local mode with
ASSISTANT_ALLOW_LOCAL_MODE=1, the explicit setting docs/scale-out.md names for a trusted network.
A `browser` test (about 90 s on 2 cores: an ingest, a Chroma server, two model loads):
`pytest -m browser tests/test_replicas.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.common import ChromaServer, stop_process

from .test_browser import (
    CHROMIUM,
    _go,
    _idle,
    _make_draft,
    _request_changes,
    _set_name,
    new_page,
    start_app,
    wait_healthy,
)

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing: run `make browser-deps`"),
]

SUPPLEMENT = """# Afspraken studievoortgangsdashboard Geowetenschappen

## Bewaartermijn van quizscores

Het studievoortgangsdashboard van de faculteit Geowetenschappen bewaart de quizscores van studenten
achttien maanden na het einde van de cursus. Daarna verwijdert de facultaire datamanager de quizscores
uit het studievoortgangsdashboard.
"""
QUESTION_ON_SUPPLEMENT = "How long does the Geowetenschappen study-progress dashboard keep quiz scores?"


@pytest.fixture
def replicas(model_dir, pg_url, tmp_path):
    """(url of replica 1, url of replica 2, the shared review database URL)."""
    from assistant.config import load_settings
    from assistant.index import PolicyIndex

    with ChromaServer(tmp_path / "chroma-server") as chroma:
        # index once, centrally, before the replicas start (docs/scale-out.md, section 1)
        admin = load_settings(
            home=tmp_path / "admin", model_dir=model_dir, chroma_host="127.0.0.1", chroma_port=chroma.port
        )
        report = PolicyIndex(admin).ingest()
        assert not report.failed, report.failed
        procs, urls = [], []
        try:
            for i in (1, 2):  # both start, then both are waited for
                env = dict(os.environ) | {
                    "ASSISTANT_HOME": str(tmp_path / f"replica{i}"),
                    "ASSISTANT_MODEL_DIR": str(model_dir),
                    "CHROMA_HOST": "127.0.0.1",
                    "CHROMA_PORT": str(chroma.port),
                    "ASSISTANT_DB_URL": pg_url,
                    "ASSISTANT_REVIEWERS": "Rita",
                    "ASSISTANT_ALLOW_LOCAL_MODE": "1",
                    "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
                }
                log_path = tmp_path / f"replica{i}.log"
                proc, url = start_app(env, log_path)
                procs.append((proc, log_path))
                urls.append(url)
            for (proc, log_path), url in zip(procs, urls, strict=True):
                wait_healthy(proc, url, log_path, timeout=120)
            yield urls[0], urls[1], pg_url
        finally:
            for proc, _ in procs:
                stop_process(proc)


def _ask(page, question: str):
    from playwright.sync_api import expect

    chat = page.get_by_test_id("stChatInputTextArea")
    chat.fill(question)
    chat.press("Enter")
    card = page.get_by_test_id("stExpander").filter(has_text="[1]").first
    expect(card).to_be_visible()
    _idle(page)
    return card


def test_two_replicas_share_index_and_review_database(replicas, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from assistant.review.service import ReviewService
    from assistant.review.store import Store

    url1, url2, db_url = replicas
    with sync_playwright() as p:
        browser, context, one = new_page(p)  # one browser, one tab per replica
        two = context.new_page()
        try:
            one.goto(f"{url1}/?lang=en")
            two.goto(f"{url2}/?lang=en")
            # a question answered on each replica
            for page in (one, two):
                expect(page.get_by_role("heading", name="Ask the policy")).to_be_visible()
                _ask(page, "Which personal data may I use for learning analytics?")

            # a supplementary document added through replica 1 (by a reviewer: issue 19, roles on documents) ...
            doc = tmp_path / "geo-dashboard.md"
            doc.write_text(SUPPLEMENT, encoding="utf-8")
            _set_name(one, "Rita")
            _go(one, "Documents")
            one.get_by_test_id("stMain").locator("input[type=file]").set_input_files(str(doc))
            _idle(one)
            expect(one.get_by_role("button", name="Add and index")).to_be_enabled()
            one.get_by_role("button", name="Add and index").click()
            expect(one.get_by_text("Index updated", exact=False).first).to_be_visible()
            # ... is cited by replica 2 (which rebuilds its BM25 on the new index generation)
            _ask(two, QUESTION_ON_SUPPLEMENT)
            cited = two.get_by_test_id("stExpander").filter(has_text="geo-dashboard.md")
            expect(cited.first).to_be_visible()
            two.screenshot(path=str(ARTIFACTS / "replicas-1-supplement-cited.png"), full_page=True)

            # a proposal submitted on replica 1 ...
            _set_name(one, "Alice")
            _make_draft(one)
            one.get_by_role("button", name="Submit for review").click()
            expect(one.get_by_text("Submitted as proposal #1")).to_be_visible()

            # ... is reviewed on replica 2
            _set_name(two, "Rita")
            _go(two, "Review")
            expect(two.get_by_role("heading", name="Proposal #1", exact=False)).to_be_visible()
            _request_changes(two, "Please name the lawful basis and a retention period.")

            # the author on replica 1 sees the reviewer's decision from replica 2 in the trail
            _go(one, "Review")
            expect(one.get_by_text("Rita decided: changes requested", exact=False)).to_be_visible()
            one.screenshot(path=str(ARTIFACTS / "replicas-2-trail.png"), full_page=True)
        except BaseException:
            for name, page in (("one", one), ("two", two)):
                page.screenshot(path=str(ARTIFACTS / f"replicas-failure-{name}.png"), full_page=True)
            raise
        finally:
            context.close()
            browser.close()

    with ReviewService(Store(db_url), ["Rita"]) as svc:
        view = svc.show(1)
    assert view.status == "changes_requested"
    assert [(h.action, h.actor) for h in view.history] == [("submit", "Alice"), ("decide", "Rita")]

"""The Streamlit app under `streamlit.testing.v1.AppTest`: pages, ask, refusal, draft, review roles.

The Ask and Draft tests use the real extractive backend and embedding model on the shipped corpus
(`corpus_home`); every test has its own review database.
"""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.ui.i18n import EXAMPLES, LANGS, MESSAGES, missing_translations, translate
from assistant.ui.render import answer_markdown, escape_md, highlight_passage

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

APP = Path(__file__).resolve().parent.parent / "streamlit_app.py"
PAGES = ("ask", "draft", "review", "evaluation", "documents")
DESCRIPTION = (
    "Teachers want to see each week during the course which students fall behind on the quizzes in "
    "Brightspace, so that they can give targeted feedback."
)


@pytest.fixture
def app_env(real_settings, monkeypatch, tmp_path):
    """ASSISTANT_HOME on the ingested corpus (set by real_settings), a fresh review DB, one reviewer."""
    db = f"sqlite:///{tmp_path / 'review.db'}"
    monkeypatch.setenv("ASSISTANT_DB_URL", db)
    monkeypatch.setenv("ASSISTANT_REVIEWERS", "Rita, rita@uu.nl")
    return db


def make_app(lang: str = "en", name: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["lang"] = lang
    if name is not None:
        at.session_state["user_name"] = name
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"assistant/ui/{page}.py").run()
    assert not at.exception, at.exception
    return at


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def submit_proposal(db: str, author: str = "Alice") -> int:
    from assistant.drafting.drafter import draft_from_description
    from assistant.review.service import ReviewService
    from assistant.review.store import Store

    with ReviewService(Store(db), ["Rita"]) as svc:
        return svc.submit(draft_from_description(DESCRIPTION).draft, author=author).id


# --------------------------------------------------------------------------- pure helpers (no app)


def test_catalogue_is_complete_in_both_languages():
    assert missing_translations() == []
    assert set(EXAMPLES) == set(LANGS)
    assert all(set(v) == set(LANGS) for v in MESSAGES.values())
    assert translate("nav.ask", "nl") == "Vraag" and translate("nav.ask", "en") == "Ask"


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[click](http://evil)",
        "![x](http://evil/x.png)",
        "**bold** _it_ `code` $x$ :red[x] # head",
    ],
)
def test_passage_and_user_text_are_escaped(text):
    out = escape_md(text)
    assert not re.search(r"(?<!\\)[\[\]()*_`$<>#:!]", out), out  # every special character escaped
    assert out.replace("\\", "") == text


def test_answer_markdown_keeps_bullets_and_bolds_markers():
    md = answer_markdown("Intro: <b>x</b>\n\n- First [1]\n- Second [2]")
    assert "\n- First **\\[1\\]**" in md and "- Second **\\[2\\]**" in md and "<b>" not in md


def test_highlight_marks_the_quoted_sentences_only():
    passage = "Eerste zin. Tweede zin met [haken] en *ster*.\nDerde zin."
    md, missing = highlight_passage(passage, "Tweede zin met [haken] en *ster*. … Niet aanwezig.")
    assert md.startswith("Eerste zin\\. :orange-background[Tweede zin met \\[haken\\] en \\*ster\\*\\.]")
    assert missing == ["Niet aanwezig."]


# --------------------------------------------------------------------------- pages


def test_every_page_renders(app_env):
    at = make_app("nl").run()
    assert not at.exception, at.exception
    assert at.title[0].value == translate("ask.title", "nl")
    for page in PAGES:
        open_page(at, page)
        assert at.title, page
    assert "Documenten" in at.title[0].value
    assert "uu-learning-analytics-beleid.md" in texts(at.sidebar.caption)


def test_question_gets_an_answer_with_citation_cards(app_env):
    at = make_app("en").run()
    at.chat_input[0].set_value("Which personal data may I use for learning analytics?").run()
    assert not at.exception, at.exception
    assert len(at.chat_message) == 2
    answer = at.chat_message[1]
    assert "**\\[1\\]**" in texts(answer.markdown)
    cards = [e for e in answer.expander if e.label.startswith("**\\[")]
    assert cards, [e.label for e in answer.expander]
    assert "Privacy" in cards[0].label
    card_text = texts(cards[0].markdown)
    assert ":orange-background[" in card_text  # the quoted sentence is highlighted
    assert escape_md("uu-learning-analytics-beleid.md") in texts(cards[0].caption)
    assert "Authority: official" in texts(cards[0].caption)
    assert not at.info  # not a refusal
    # the conversation survives the next run; "new conversation" clears it
    at.run()
    assert len(at.chat_message) == 2
    at.button(key="new_chat").click().run()
    assert len(at.chat_message) == 0 and at.button(key="example_0")


def test_refusal_renders_as_a_refusal(app_env):
    at = make_app("en").run()
    at.chat_input[0].set_value("What is the capital of France?").run()
    assert not at.exception, at.exception
    refusal = at.chat_message[1]
    assert refusal.info and translate("ask.refused_title", "en") in refusal.info[0].value
    assert "The policy covers" in refusal.info[0].value
    assert not refusal.expander  # no citation cards


def test_a_too_long_question_is_refused_with_a_message(app_env):
    at = make_app("en").run()
    at.chat_input[0].set_value("x" * 2001).run()
    assert not at.exception, at.exception
    assert "limit is 2,000" in texts(at.error)


def test_llm_answers_stream_and_fallbacks_warn(app_env, monkeypatch):
    """The fake backend (ASSISTANT_LLM=fake) stands in for an LLM: its answer is streamed through
    `on_token`; an answer that cannot be verified falls back to the extractive one with a banner."""
    from assistant.config import load_settings
    from assistant.ui import state

    monkeypatch.setenv("ASSISTANT_LLM", "fake")
    at = make_app("en").run()
    fake = state.assistant(load_settings()).backend  # the app's cached instance
    fake.enqueue("For learning analytics only general personal data may be processed [1].")
    at.chat_input[0].set_value("Which personal data may I use for learning analytics?").run()
    assert not at.exception, at.exception
    assert fake.requests[-1].on_token is not None  # streamed into the chat
    answer = at.chat_message[1]
    # the marker links to the cited passage on the Policy page (issue 19, point 9)
    linked = "only general personal data may be processed [**\\[1\\]**](policy?lang=en#p-"
    assert linked in texts(answer.markdown)
    assert "fake" in texts(answer.caption) and answer.expander
    fake.enqueue("no markers at all in this rather long answer", "still no markers in this long answer")
    at.chat_input[0].set_value("How long may learning-analytics data be kept?").run()
    assert "could not be verified" in texts(at.chat_message[3].warning)
    assert "extractive" in texts(at.chat_message[3].caption)


@pytest.fixture
def mini_corpus(monkeypatch, tmp_path, model_dir):
    """A one-document corpus (ASSISTANT_CORPUS) for tests that change their own, empty home."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "mini.md").write_text(
        '---\ntitle: Mini policy\nauthority: official\nversion: "0.1"\n---\n\n# Mini policy\n\n'
        "## Bewaren\n\nLA-gegevens worden na afloop van het project verwijderd of geanonimiseerd.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ASSISTANT_CORPUS", str(corpus))
    return corpus


def test_first_start_indexes_the_corpus_then_a_document_is_added(mini_corpus, monkeypatch):
    monkeypatch.setenv("ASSISTANT_REVIEWERS", "Rita")  # adding documents is for reviewers (issue 19)
    at = make_app("en", name="Rita").run()
    assert not at.exception, at.exception
    assert at.status and at.status[0].label.startswith("Ready: added 1"), at.status
    assert at.status[0].get("progress")  # the progress bar of the first-start ingest
    assert "mini.md" in texts(at.sidebar.caption)
    # Documents: an uploaded document is indexed as supplementary, with a progress bar
    open_page(at, "documents")
    at.file_uploader[0].set_value(
        (
            "faq.md",
            b"# FAQ\n\n## Dashboards\n\nEen dashboard toont alleen eigen voortgang aan studenten.\n",
            "text/markdown",
        )
    ).run()
    [b for b in at.button if b.label == translate("docs.add", "en")][0].click().run()
    assert not at.exception, at.exception
    assert "Index updated: added 1" in texts(at.success)
    table = at.dataframe[0].value
    assert sorted(table["File"]) == ["faq.md", "mini.md"]
    assert dict(zip(table["File"], table["Authority"], strict=True))["faq.md"] == "supplementary"
    assert (Path(os.environ["ASSISTANT_HOME"]) / "uploads" / "faq.md").is_file()


def test_an_unreachable_chroma_server_is_shown_not_raised(monkeypatch):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(port))
    at = make_app("en").run()
    assert not at.exception, at.exception
    assert escape_md("cannot be reached (CHROMA_HOST / CHROMA_PORT)") in texts(at.error)


def test_evaluation_page_shows_the_latest_report(mini_corpus):
    from assistant.config import load_settings
    from assistant.evals.runner import DEFAULT_SETS, run_eval

    settings = load_settings()
    run_eval(settings, drafts=DEFAULT_SETS["drafts"], out=settings.home / "eval-report")  # checker only: fast
    at = make_app("en").run()
    open_page(at, "evaluation")
    assert "Checker (labelled drafts)" in texts(at.markdown)
    assert at.get("image")  # the recall plot, drawn from the report's folder
    assert at.button[0].label == translate("eval.run", "en")


def test_example_question_and_personal_data_warning(app_env):
    at = make_app("nl").run()
    at.button(key="example_0").click().run()
    assert not at.exception, at.exception
    assert at.chat_message[0].markdown[0].value == escape_md(EXAMPLES["nl"][0])
    at.chat_input[0].set_value("Mag ik het e-mailadres jan.jansen@uu.nl gebruiken in een LA-dashboard?").run()
    assert not at.exception, at.exception
    last = at.chat_message[-1]
    assert last.warning and "persoonsgegevens" in last.warning[0].value
    assert "jan.jansen@uu.nl" not in texts(at.chat_message[-2].markdown)  # shown as processed (redacted)


def test_draft_page_turns_a_description_into_a_draft_and_findings(app_env):
    at = make_app("en", name="Alice").run()
    open_page(at, "draft")
    at.text_area(key="d_desc").input(DESCRIPTION).run()
    at.button[0].click().run()  # "Make draft"
    assert not at.exception, at.exception
    assert at.text_input(key="d.title").value.startswith("Teachers want")
    assert at.multiselect(key="d.areas").value == ["1b"]
    assert any("1b" in p.proto.text for p in at.get("progress"))  # areas with confidence
    assert "blocker" in texts(at.error)  # grouped counts
    labels = [e.label for e in at.expander]
    assert any("lawful basis" in label for label in labels)
    assert at.text_input(key="d.title").help  # help text from the schema
    # live: filling a field removes its finding
    at.text_input(key="d.responsible").input("The programme director").run()
    assert not any("responsible" in e.label for e in at.expander)
    # nothing is lost when visiting another page
    open_page(at, "ask")
    open_page(at, "draft")
    assert at.text_input(key="d.responsible").value == "The programme director"
    assert at.text_area(key="d_desc").value == DESCRIPTION
    # a bad JSON upload is refused with a message; the draft is kept
    at.file_uploader[0].set_value(("broken.json", b"{not json", "application/json")).run()
    assert "not valid JSON" in texts(at.error)
    assert at.text_input(key="d.responsible").value == "The programme director"
    # submit for review
    at.button(key="submit_draft").click().run()
    assert "proposal #1" in texts(at.success)
    # a changed draft goes in as a new version of the same proposal, not as a duplicate
    at.text_area(key="d.retention").input("Deleted at the end of the academic year.").run()
    assert at.button(key="submit_draft").label == translate("draft.resubmit", "en", id=1)
    at.button(key="submit_draft").click().run()
    assert "Version 2 of proposal #1" in texts(at.success)


def test_draft_upload_of_an_existing_json(app_env):
    at = make_app("en").run()
    open_page(at, "draft")
    draft = {
        "title": "Uploaded plan",
        "project_type": "research",
        "areas": ["4a"],
        "uses_ai": True,
        "ai": {"models": "logistic regression"},
    }
    at.file_uploader[0].set_value(("plan.json", json.dumps(draft).encode(), "application/json")).run()
    assert not at.exception, at.exception
    assert at.text_input(key="d.title").value == "Uploaded plan"
    assert at.selectbox(key="d.project_type").value == "research"
    assert at.text_area(key="d.ai.models").value == "logistic regression"


def test_non_reviewer_sees_no_review_controls(app_env):
    pid = submit_proposal(app_env, author="Alice")
    at = make_app("en", name="Alice").run()
    open_page(at, "review")
    assert translate("review.not_reviewer", "en") in texts(at.info)
    # no review controls: only her own "Revise" and the sidebar's button
    assert [b.label for b in at.button] == [translate("loop.revise", "en"), translate("side.new_chat", "en")]
    assert [r.key for r in at.radio] == ["lang"]
    assert not at.text_area and not at.date_input
    assert f"{pid}" in str(at.dataframe[0].value)  # her own proposal, read only


def test_reviewer_evaluates_and_a_conflict_is_reported(app_env):
    from assistant.review.service import ReviewService
    from assistant.review.store import Store

    pid = submit_proposal(app_env, author="Alice")
    at = make_app("en", name="Rita").run()
    open_page(at, "review")
    with ReviewService(Store(app_env), ["Rita", "Bob"]) as svc:
        view = svc.show(pid)
        first = view.findings[0]
        at.radio(key=f"ev.{pid}.{first.id}.verdict").set_value("to_fix")
        [b for b in at.button if b.label == translate("review.save", "en")][0].click().run()
        assert not at.exception, at.exception
        assert translate("review.saved", "en") in texts(at.success)
        assert svc.show(pid).findings[0].verdict == "to_fix"
        assert at.button(key=f"dec.{pid}.approved").disabled  # a to_fix finding blocks approval
        # another reviewer acts meanwhile; Rita's stale page must not overwrite it
        svc.evaluate(pid, view.findings[1].id, "acceptable", "Bob", comment="fine")
        at.button(key=f"dec.{pid}.rejected").click().run()
        assert translate("review.conflict", "en") in texts(at.error)
        assert svc.show(pid).status == "in_review"
        at.button(key="reload").click().run()
        at.button(key=f"dec.{pid}.changes_requested").click().run()
        assert svc.show(pid).status == "changes_requested"


def test_oidc_identity(app_env):
    at = make_app("en")
    at.user = {"is_logged_in": False}
    at.run()
    assert at.title[0].value == translate("login.title", "en") and not at.chat_input
    at = make_app("en")
    at.user = {"is_logged_in": True, "email": "rita@uu.nl", "name": "Rita R."}
    at.run()
    assert "Signed in as Rita R." in texts(at.sidebar.caption)
    assert translate("side.role_reviewer", "en") in texts(at.sidebar.caption)

"""State that survives a reload (issue 19, point 7): a new browser session with the same `?session=`
token gets back the chat, the user's name and the draft in progress; personal data is not stored and
the URL holds no personal data; the store is bounded and expires."""

from __future__ import annotations

import json
import os
import time

import pytest

from assistant.ui import persist
from tests.test_app import DESCRIPTION, app_env, make_app, open_page  # noqa: F401 (app_env: a fixture)


def _reload(at):
    """A new session (what a browser reload gives) with the URL the last run left."""
    params = dict(at.query_params)
    fresh = make_app(params.get("lang", ["en"])[0] if isinstance(params.get("lang"), list) else "en")
    for key, value in params.items():
        fresh.query_params[key] = value[0] if isinstance(value, list) else value
    return fresh


def _token(at) -> str:
    value = at.query_params.get(persist.TOKEN_PARAM)
    return value[0] if isinstance(value, list) else value


def _file(at, corpus_home):
    return corpus_home / "sessions" / f"{_token(at)}.json"


@pytest.mark.usefixtures("app_env")
def test_chat_name_and_draft_survive_a_reload(corpus_home):
    at = make_app("en", name="Alice").run()
    at.chat_input[0].set_value("Which personal data may I use? Mail me at jan.jansen@uu.nl").run()
    assert not at.exception, at.exception
    assert len(at.chat_message) == 2
    open_page(at, "draft")
    at.text_area(key="d_desc").set_value(DESCRIPTION).run()
    [make] = [b for b in at.button if b.label == "Make draft"]
    make.click().run()
    assert not at.exception, at.exception
    at.text_area(key="d.retention").set_value("Deleted after the course; questions to piet@uu.nl").run()
    token = _token(at)
    assert token and len(token) >= 20
    url = json.dumps(dict(at.query_params))
    assert "Alice" not in url and "uu.nl" not in url  # no personal data in the URL
    stored = _file(at, corpus_home).read_text(encoding="utf-8")
    assert "jan.jansen@uu.nl" not in stored and "piet@uu.nl" not in stored  # redacted before storing

    again = _reload(at).run()
    assert not again.exception, again.exception
    assert again.session_state["user_name"] == "Alice"
    assert len(again.chat_message) == 2  # the chat is back on the Ask page
    assert "jan.jansen@uu.nl" not in again.chat_message[0].markdown[0].value
    open_page(again, "draft")
    assert again.text_area(key="d.retention").value.startswith("Deleted after the course")
    assert again.text_area(key="d_desc").value == DESCRIPTION
    assert again.text_input(key="d.title").value == at.text_input(key="d.title").value
    assert again.query_params[persist.TOKEN_PARAM] in (token, [token])


@pytest.mark.usefixtures("app_env")
def test_an_unknown_or_expired_token_restores_nothing(corpus_home):
    at = make_app("en", name="Bob").run()
    file = _file(at, corpus_home)
    assert file.exists()
    old = time.time() - persist.TTL_SECONDS - 60
    os.utime(file, (old, old))
    expired = _reload(at).run()
    assert not expired.exception, expired.exception
    assert not expired.session_state["user_name"]
    assert not file.exists()  # an expired file is deleted when read

    forged = make_app("en")
    forged.query_params[persist.TOKEN_PARAM] = "../../etc/passwd"
    forged.run()
    assert not forged.exception, forged.exception
    assert not forged.session_state["user_name"]


def test_the_store_is_bounded():
    from assistant.ask.pipeline import Answer, Citation

    cite = Citation("p1", "beleid.md", "3.2", "x" * 4000, 1.0, "x" * 100)
    messages = [
        {
            "question": f"Vraag {i}?",
            "answer": Answer(f"Vraag {i}?", "y" * 2000, "nl", False, [cite], "extractive"),
        }
        for i in range(60)
    ]
    kept = persist.snapshot({"messages": messages}, "nl")
    assert len(kept["chat"]) <= persist.MAX_EXCHANGES
    assert kept["chat"][-1]["question"] == "Vraag 59?"  # the newest are kept
    assert len(json.dumps(kept, ensure_ascii=False).encode()) <= persist.MAX_BYTES

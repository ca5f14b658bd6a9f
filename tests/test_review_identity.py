"""Identity where it matters (issue 20): local mode (a typed name, no login) is refused when the app
listens beyond the loopback address, unless OIDC is configured or ASSISTANT_ALLOW_LOCAL_MODE is set.

The app runs under AppTest (in-process, nothing listens); `server.address` is the Streamlit option a
replica sets with `--server.address`. No embedding model: the refusal comes before the index is opened,
and the allowed cases run only the start-up check (`sidebar.require_login`)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from assistant.config import load_settings
from assistant.ui import sidebar
from assistant.ui.i18n import translate
from assistant.ui.sidebar import listens_beyond_loopback

APP = Path(__file__).resolve().parent.parent / "streamlit_app.py"


@pytest.fixture
def address():
    """Set Streamlit's `server.address` for the test (as `--server.address` does), restored after."""
    before = st_config.get_option("server.address")

    def set_address(value: str | None) -> None:
        st_config.set_option("server.address", value)

    yield set_address
    st_config.set_option("server.address", before)


def _start_up_check() -> None:
    import streamlit as st

    from assistant.ui import sidebar, state

    sidebar.require_login(state.identity(state.settings()))
    st.write("past the start-up check")


def _probe(name: str = "Rita") -> AppTest:
    at = AppTest.from_function(_start_up_check, default_timeout=30)
    at.session_state["user_name"] = name
    return at.run()


@pytest.mark.parametrize(
    "value, beyond",
    [
        ("127.0.0.1", False),
        ("127.0.0.53", False),
        ("::1", False),
        ("[::1]", False),
        ("localhost", False),
        ("unix:///run/la-assistant.sock", False),
        (None, True),  # unset: Streamlit listens on every interface
        ("", True),
        ("0.0.0.0", True),
        ("::", True),
        ("10.0.0.5", True),
        ("app1.faculty.uu.nl", True),
    ],
)
def test_which_addresses_are_beyond_loopback(value, beyond):
    assert listens_beyond_loopback(value) is beyond


def test_the_shipped_streamlit_config_listens_on_loopback_only():
    assert st_config.get_option("server.address") == "127.0.0.1"  # .streamlit/config.toml


def test_app_beyond_loopback_refuses_local_mode_and_says_why(address, monkeypatch, caplog):
    monkeypatch.setenv("ASSISTANT_REVIEWERS", "Rita")
    address("0.0.0.0")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["lang"] = "en"
    at.session_state["user_name"] = "Rita"  # a reviewer's name, typed by anyone
    sidebar._log_refusal.cache_clear()  # logged once per process: forget earlier tests' refusals
    with caplog.at_level(logging.ERROR, logger="assistant.ui.sidebar"):
        at.run()
    assert not at.exception, at.exception
    [error] = at.error
    assert error.value == translate(
        "login.local_refused", "en", address="0.0.0.0", setting="ASSISTANT_ALLOW_LOCAL_MODE"
    )
    assert "OIDC" in error.value and "ASSISTANT_ALLOW_LOCAL_MODE" in error.value
    assert not at.main.button and not at.main.text_area and not at.chat_input  # no page is drawn
    assert not (load_settings().home / "chroma").exists()  # and nothing was indexed
    assert any("local mode refused" in r.getMessage() for r in caplog.records)


def test_refusal_in_dutch():
    assert "ASSISTANT_ALLOW_LOCAL_MODE" in translate(
        "login.local_refused", "nl", address="0.0.0.0", setting="ASSISTANT_ALLOW_LOCAL_MODE"
    )


@pytest.mark.parametrize("value", [None, "10.0.0.5"])
def test_local_mode_beyond_loopback_is_refused_by_the_check(address, value):
    address(value)
    at = _probe()
    assert [e.value for e in at.error] and "past the start-up check" not in [m.value for m in at.markdown]


def test_explicit_setting_allows_local_mode_on_a_trusted_network(address, monkeypatch):
    address("0.0.0.0")
    monkeypatch.setenv("ASSISTANT_ALLOW_LOCAL_MODE", "1")
    at = _probe()
    assert not at.error and [m.value for m in at.markdown] == ["past the start-up check"]


def test_loopback_keeps_local_mode(address):
    address("127.0.0.1")
    at = _probe()
    assert not at.error and [m.value for m in at.markdown] == ["past the start-up check"]


def test_oidc_beyond_loopback_is_not_refused(address):
    """With OIDC configured (`st.user` carries `is_logged_in`), the check lets a signed-out user through
    to the sign-in screen and a signed-in user to the app, also beyond loopback."""
    address("0.0.0.0")
    at = AppTest.from_function(_start_up_check, default_timeout=30)
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception, at.exception
    assert not at.error  # no local-mode refusal ...
    assert [t.value for t in at.title] == [translate("login.title", "nl")]  # ... but sign-in (nl default)
    at.user = {"is_logged_in": True, "email": "rita@uu.nl", "name": "Rita R."}
    at.run()
    assert not at.error and [m.value for m in at.markdown] == ["past the start-up check"]

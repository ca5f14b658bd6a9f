"""The sidebar shown on every page: language, identity, backend and corpus version, new conversation."""

from __future__ import annotations

import functools
import ipaddress
import logging

import streamlit as st

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.ui.i18n import LANGS
from assistant.ui.state import Identity, assistant, identity, lang, settings, t

__all__ = ["render_sidebar", "render_status", "require_login", "listens_beyond_loopback"]

log = logging.getLogger(__name__)

_LANG_NAMES = {"nl": "Nederlands", "en": "English"}


def _corpus_lines(s: Settings) -> list[str]:
    try:
        docs = assistant(s).index.documents()
    except AssistantError as exc:
        return [str(exc)]
    if not docs:
        return [t("side.corpus_empty")]
    official = [d for d in docs if d.get("authority") == "official"] or docs
    lines = [
        t(
            "side.corpus",
            source=d.get("source", "?"),
            version=d.get("version") or "–",
            date=d.get("date") or "–",
        )
        for d in official
    ]
    extra = len(docs) - len(official)
    if extra:
        lines.append(t("side.corpus_more", n=extra))
    return lines


def render_sidebar(s: Settings) -> Identity:
    """Language switch and identity; returns who is using the app."""
    with st.sidebar:
        if "lang" not in st.session_state:
            st.session_state["lang"] = lang()
        st.radio(t("side.language"), LANGS, key="lang", horizontal=True, format_func=_LANG_NAMES.get)
        who = identity(s)
        if who.mode == "oidc":
            if who.name:
                st.caption(t("side.signed_in", name=who.display))
                if st.button(t("side.logout"), icon=":material/logout:"):
                    st.logout()
        else:
            st.text_input(
                t("side.name"),
                key="user_name",
                help=t("side.name_help"),
                placeholder=t("side.name_placeholder"),
            )
            st.caption(":material/info: " + t("side.local_mode"))
        if who.name:
            st.caption(t("side.role_reviewer") if who.reviewer else t("side.role_staff"))
    return who


def render_status(s: Settings) -> None:
    """Which backend and corpus version answer (drawn after first-start indexing), and a new chat."""
    with st.sidebar:
        st.divider()
        st.caption(t("side.backend", name=s.llm))
        for line in _corpus_lines(s):
            st.caption(line)
        if st.button(t("side.new_chat"), icon=":material/add_comment:", key="new_chat"):
            st.session_state["messages"] = []
            st.session_state.pop("pending_question", None)


def listens_beyond_loopback(address: str | None) -> bool:
    """Whether Streamlit's `server.address` takes connections from other hosts: unset or empty (all
    interfaces, Streamlit's default), 0.0.0.0, ::, a host name, or any non-loopback IP. Loopback
    (127.0.0.0/8, ::1, `localhost`) and a unix socket (`unix://PATH`) are local."""
    address = (address or "").strip()
    if address.startswith("unix://") or address.casefold() == "localhost":
        return False
    try:
        return not ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:  # empty (all interfaces) or a host name
        return True


@functools.cache
def _log_refusal(address: str) -> None:
    log.error("local mode refused: listening on %s; configure OIDC or ASSISTANT_ALLOW_LOCAL_MODE", address)


def require_login(who: Identity) -> None:
    """Under OIDC, stop with a sign-in screen until the user has logged in. In local mode (no login:
    a typed name acts as that reviewer, so separation of duties holds only on one person's machine),
    stop with a refusal when the app listens beyond the loopback address (`listens_beyond_loopback`)
    unless ASSISTANT_ALLOW_LOCAL_MODE is set (a trusted network); logged once per process. Issue 20."""
    if who.mode == "local":
        address = st.get_option("server.address") or "0.0.0.0"
        if listens_beyond_loopback(address) and not settings().allow_local_mode:
            _log_refusal(address)
            st.error(t("login.local_refused", address=address, setting="ASSISTANT_ALLOW_LOCAL_MODE"))
            st.stop()
    if who.mode == "oidc" and not who.name:
        st.title(t("login.title"))
        st.write(t("login.text"))
        if st.button(t("login.button"), type="primary", icon=":material/login:"):
            st.login()
        st.stop()

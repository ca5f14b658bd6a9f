"""Shared state of the Streamlit app: settings, cached heavy objects, language and identity.

Heavy objects (the Assistant with its index and embedding model, the review service) are built once
per process with `st.cache_resource`, keyed by the settings they depend on; per-user state (chat,
draft, language, display name) lives in `st.session_state`.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

import streamlit as st

from assistant.config import Settings, load_settings
from assistant.errors import AssistantError
from assistant.ui.i18n import LANGS, translate
from assistant.ui.render import escape_md

__all__ = [
    "Identity",
    "lang",
    "t",
    "labeler",
    "settings",
    "assistant",
    "embedder",
    "review_service",
    "identity",
    "ensure_index",
    "show_error",
]

_LANG_KEY = "lang"


def lang() -> str:
    """The UI language: the sidebar switch, else `?lang=`, else the browser's locale, else Dutch."""
    value = st.session_state.get(_LANG_KEY)
    if value in LANGS:
        return value
    asked = st.query_params.get("lang")
    if asked in LANGS:
        return asked
    locale = (getattr(st.context, "locale", None) or "").lower()
    if locale and not locale.startswith("nl"):
        return "en"
    return "nl"


def t(key: str, **fields) -> str:
    """A message of the catalogue in the current UI language."""
    return translate(key, lang(), **fields)


def labeler(prefix: str, empty: str | None = None):
    """A `format_func` for option widgets: `prefix + value` from the catalogue, '' -> `empty`.

    The language is bound now: AppTest (and Streamlit) may call format functions outside a run."""
    bound = lang()

    def label(value) -> str:
        if value in ("", None) and empty:
            return translate(empty, bound)
        return translate(f"{prefix}{value}", bound)

    return label


def show_error(exc: BaseException) -> None:
    """A user-facing error: AssistantError messages as they are, anything else with its type."""
    message = (
        str(exc)
        if isinstance(exc, AssistantError)
        else t("error.generic", error=f"{type(exc).__name__}: {exc}")
    )
    st.error(escape_md(message), icon=":material/error:")  # messages may quote file names or user input


def settings() -> Settings:
    """Settings from the environment, read once per run (a bad value stops the page with its message)."""
    try:
        return load_settings()
    except AssistantError as exc:
        show_error(exc)
        st.stop()
        raise  # unreachable: st.stop() raises


def _key(s: Settings, *exclude: str) -> str:
    raw = s.model_dump_json(exclude=set(exclude))
    return hashlib.sha256(raw.encode()).hexdigest()


@st.cache_resource(show_spinner=False)
def _assistant(key: str, _settings: Settings):
    from assistant.services import build_assistant

    return build_assistant(_settings)


def assistant(s: Settings):
    """One Assistant per process and index/backend configuration."""
    return _assistant(_key(s, "db_url", "reviewers", "roles_file"), s)


def embedder(s: Settings):
    """The embedding model of the Assistant (loaded once per process)."""
    return assistant(s).index.embedder


@st.cache_resource(show_spinner=False)
def _review_service(url: str, reviewers: tuple[str, ...], _settings: Settings):
    from assistant.review.service import ReviewService
    from assistant.review.store import Store

    return ReviewService(Store(url), reviewers)


def review_service(s: Settings):
    """One review service (database engine) per process and database/reviewer configuration."""
    return _review_service(s.database_url, tuple(sorted(s.reviewer_names())), s)


@st.cache_resource(show_spinner=False)
def _ready() -> set[str]:
    """Index configurations known to be non-empty in this process (skips the check on every rerun)."""
    return set()


def ensure_index(s: Settings) -> None:
    """First start: provision the embedding model and ingest the shipped corpus, with visible progress.

    An unreachable index (Chroma server down, unreadable folder) stops the page with its message."""
    key = _key(s, "db_url", "reviewers", "roles_file")
    if key in _ready():
        return
    try:
        a = assistant(s)
        if a.index.is_empty():
            _first_start(a, s)
        if not a.index.is_empty():
            _ready().add(key)
            _warm_up(key, a)
    except AssistantError as exc:
        show_error(exc)
        st.stop()


@st.cache_resource(show_spinner=False)
def _warm_up(key: str, _assistant) -> threading.Thread:
    """Load the embedding model and the lexical index in the background, once per process, so the
    first question does not wait for them (the model's lock makes a concurrent question wait instead)."""

    def load() -> None:
        try:
            _assistant.index.embedder  # noqa: B018 (property that loads the model)
            _assistant.retriever.passages  # noqa: B018
            from assistant.language import detect_language

            detect_language("Welke gegevens mag ik gebruiken?")  # loads the language detector
        except Exception:  # the first question reports any problem with its own message
            pass

    thread = threading.Thread(target=load, name="assistant-warm-up", daemon=True)
    thread.start()
    return thread


def _first_start(a, s: Settings) -> None:
    from assistant.services import first_start, load_embedder

    with st.status(t("setup.status"), expanded=True) as status:
        st.write(t("setup.model"))
        load_embedder(s)  # before the progress bar: the ingest's bar starts after the model is ready
        bar = st.progress(0.0)

        def progress(stage: str, done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=t("setup.indexing", stage=stage))

        report = first_start(a, progress=progress)
        if report is None:
            status.update(state="complete", expanded=False)
            return
        for name, reason in report.failed:
            st.warning(t("setup.failed", name=name, reason=reason))
        status.update(
            label=t("setup.done", summary=report.summary()),
            state="error" if report.failed and not report.passages else "complete",
            expanded=bool(report.failed),
        )


@dataclass(frozen=True)
class Identity:
    """Who uses the app: `name` acts as author/reviewer; `mode` is 'oidc' or 'local'."""

    name: str
    display: str
    reviewer: bool
    mode: str


def identity(s: Settings) -> Identity:
    """OIDC (`st.user`, when `[auth]` is configured in secrets) or local mode (a typed display name).

    Reviewers are matched case-insensitively against `Settings.reviewer_names()` (ASSISTANT_REVIEWERS
    and the roles file): by e-mail under OIDC, by display name in local mode.
    """
    try:
        reviewers = s.reviewer_names()
    except AssistantError as exc:
        show_error(exc)
        reviewers = set()
    user = st.user
    if "is_logged_in" in user:  # OIDC configured
        if not user.get("is_logged_in"):
            return Identity("", "", False, "oidc")
        email = str(user.get("email") or "").strip()
        display = str(user.get("name") or email)
        actor = email or display
        return Identity(
            actor, display, actor.casefold() in reviewers or display.casefold() in reviewers, "oidc"
        )
    name = " ".join(str(st.session_state.get("user_name") or "").split())
    return Identity(name, name, bool(name) and name.casefold() in reviewers, "local")

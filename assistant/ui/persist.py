"""State that survives a browser reload (issue 19, point 7): the chat, the user's name and the draft in
progress, kept in a small server-side store keyed by a random session token in the URL.

Why this mechanism: Streamlit starts a new session (empty `st.session_state`) on every reload; the only
thing a reload keeps is the URL. Browser storage needs a third-party component (JavaScript in an
iframe, a round trip before the first draw); the review database is for proposals, not chats. So the
URL holds only `?lang=` and `?session=<token>` (a random `secrets.token_urlsafe`, no personal data) and
the state lives on the server in `<ASSISTANT_HOME>/sessions/<token>.json`:

- personal data is redacted before writing, as the app does elsewhere (chat questions are stored as the
  assistant processed them, i.e. already redacted; the draft with `review.redaction.redact_data`, the
  idea box and the notes with `assistant.pii.redact`);
- bounded: the last `MAX_EXCHANGES` questions and answers, at most `MAX_BYTES` per file (older
  exchanges are dropped first);
- expiry: a file not written for `TTL_SECONDS` is neither read nor kept (swept when others save);
- under OIDC a file is restored only for the user who wrote it.

The token is a bearer secret: whoever has the URL reads that chat and draft (as on a shared screen).
`restore()` runs before the sidebar is drawn, `save()` after the page; both are one-line hooks in
`streamlit_app.py`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.ask.pipeline import Answer, Citation
from assistant.pii import redact
from assistant.ui import state

__all__ = [
    "TOKEN_PARAM",
    "MAX_EXCHANGES",
    "MAX_BYTES",
    "TTL_SECONDS",
    "store_dir",
    "snapshot",
    "restore",
    "save",
]

TOKEN_PARAM = "session"
MAX_EXCHANGES = 20
MAX_BYTES = 256 * 1024
TTL_SECONDS = 7 * 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_DONE = "_persist.restored"
_HASH = "_persist.hash"
_SWEEP_EVERY = 3600.0
_last_sweep = 0.0

# session-state keys (owned by the pages; read here only)
_MESSAGES, _NAME, _DRAFT, _META, _PROPOSAL, _IDEA = (
    "messages",
    "user_name",
    "draft",
    "draft_meta",
    "draft_proposal",
    "_keep.d_desc",
)


def store_dir() -> Path:
    """`<ASSISTANT_HOME>/sessions`: one JSON file per session token."""
    return Path(state.settings().home) / "sessions"


def _path(token: str) -> Path | None:
    return store_dir() / f"{token}.json" if _TOKEN.match(token or "") else None


def _scrub(value: Any, lang: str) -> Any:
    """Every string inside `value` with its personal data replaced by labels (`assistant.pii.redact`)."""
    if isinstance(value, str):
        return redact(value, lang)[0]
    if isinstance(value, list | tuple):
        return [_scrub(v, lang) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, lang) for k, v in value.items()}
    return value


def _answer_data(answer: Answer) -> dict:
    return answer.to_dict() | {"seconds": answer.seconds}


def _answer(data: dict) -> Answer:
    data = dict(data)
    citations = [Citation(**c) for c in data.pop("citations", [])]
    return Answer(citations=citations, **data)


def snapshot(ss: Any, lang: str, owner: str = "") -> dict:
    """What is kept of a session (JSON-ready, redacted, bounded): `{"version", "owner", "name", "chat",
    "idea", "draft", "meta", "proposal"}`."""
    from assistant.review.redaction import redact_data

    chat = [
        {"question": redact(m["question"], lang)[0], "answer": _answer_data(m["answer"])}
        for m in (ss.get(_MESSAGES) or [])[-MAX_EXCHANGES:]
        if isinstance(m.get("answer"), Answer)
    ]
    draft = ss.get(_DRAFT)
    data = None
    if isinstance(draft, dict):
        data, _ = redact_data({k: v for k, v in draft.items()}, lang)
    out = {
        "version": 1,
        "owner": owner,
        "name": str(ss.get(_NAME) or ""),
        "chat": chat,
        "idea": redact(str(ss.get(_IDEA) or ""), lang)[0],
        "draft": data,
        "meta": _scrub(ss.get(_META) or {}, lang) if data is not None else {},
        "proposal": ss.get(_PROPOSAL) if data is not None else None,
    }
    while len(json.dumps(out, ensure_ascii=False).encode()) > MAX_BYTES and out["chat"]:
        out["chat"] = out["chat"][1:]  # the oldest exchange goes first
    return out


def _load(path: Path) -> dict | None:
    try:
        if time.time() - path.stat().st_mtime > TTL_SECONDS:
            path.unlink(missing_ok=True)
            return None
        if path.stat().st_size > MAX_BYTES * 2:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == 1 else None


def _owner() -> str:
    who = state.identity(state.settings())
    return who.name if who.mode == "oidc" else ""


def restore() -> None:
    """Once per browser session: the chat, name, idea and draft of `?session=<token>`, if its file exists,
    has not expired and (under OIDC) belongs to the signed-in user. Call before the sidebar is drawn."""
    ss = st.session_state
    if ss.get(_DONE):
        return
    ss[_DONE] = True
    path = _path(str(st.query_params.get(TOKEN_PARAM) or ""))
    data = _load(path) if path else None
    if not data or data.get("owner", "") != _owner():
        return
    if data.get("name") and _NAME not in ss:
        ss[_NAME] = data["name"]
    if data.get("chat") and not ss.get(_MESSAGES):
        try:
            ss[_MESSAGES] = [
                {"question": m["question"], "answer": _answer(m["answer"])} for m in data["chat"]
            ]
        except (KeyError, TypeError):
            pass
    if data.get("idea") and _IDEA not in ss:
        ss[_IDEA] = data["idea"]
    if isinstance(data.get("draft"), dict) and ss.get(_DRAFT) is None:
        from assistant.errors import InputError
        from assistant.proposal import DRAFT_FIELDS, parse_draft
        from assistant.ui.draft_form import load_draft_into_form

        try:
            draft = parse_draft(
                {k: v for k, v in data["draft"].items() if k in DRAFT_FIELDS}, source="session"
            )
        except InputError:
            return
        load_draft_into_form(draft, data.get("meta") or {})
        if data.get("proposal"):
            ss[_PROPOSAL] = data["proposal"]
    ss[_HASH] = None


def _sweep(folder: Path) -> None:
    """Delete files not written for TTL_SECONDS (at most once an hour per process)."""
    global _last_sweep
    now = time.time()
    if now - _last_sweep < _SWEEP_EVERY:
        return
    _last_sweep = now
    for f in folder.glob("*.json"):
        try:
            if now - f.stat().st_mtime > TTL_SECONDS:
                f.unlink(missing_ok=True)
        except OSError:
            pass


def save() -> None:
    """After the page: keep `?lang=` and `?session=` in the URL and write the session's file when its
    contents changed (atomically). A session with nothing to keep writes nothing."""
    ss = st.session_state
    lang = state.lang()
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    data = snapshot(ss, lang, _owner())
    if not (data["name"] or data["chat"] or data["idea"] or data["draft"]):
        return
    token = str(st.query_params.get(TOKEN_PARAM) or "")
    if not _TOKEN.match(token):
        token = secrets.token_urlsafe(18)
    if st.query_params.get(TOKEN_PARAM) != token:
        st.query_params[TOKEN_PARAM] = token
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(f"{token}\n{text}".encode()).hexdigest()
    path = _path(token)
    if path is None or (ss.get(_HASH) == digest and path.exists()):
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        os.chmod(path, 0o600)
    except OSError:
        return  # a read-only home: the app works, only reloads forget
    ss[_HASH] = digest
    _sweep(path.parent)

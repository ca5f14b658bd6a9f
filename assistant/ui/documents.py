"""Documents: what is indexed (id, version, status official/supplementary, date, when and by whom it was
added, passages, tables, pages, what was left out) for everyone, read-only; uploading, re-indexing and
removing documents only for reviewers and admins (issue 19, point 4: `may_manage`).

Uploads are stored under ASSISTANT_HOME/uploads and indexed as `supplementary`; removing an uploaded
document deletes its file too. Ingest and removal go through the same index switch
(`assistant.index`). Run by `st.navigation` as a page script.
"""

from __future__ import annotations

import re
import tomllib
from datetime import datetime
from pathlib import Path

import streamlit as st

from assistant.config import Settings
from assistant.corpus import SUPPORTED_SUFFIXES
from assistant.errors import AssistantError, ConfigError
from assistant.index import FileReport
from assistant.messages import message
from assistant.ui import state
from assistant.ui.render import escape_md
from assistant.ui.state import t

__all__ = ["render", "upload_path", "may_manage"]


def _admins(s: Settings) -> set[str]:
    """`admins = [...]` of the roles file (ASSISTANT_ROLES_FILE), case-folded; none without the file.
    Raises ConfigError when the file cannot be read."""
    if not s.roles_file:
        return set()
    try:
        data = tomllib.loads(s.roles_file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"ASSISTANT_ROLES_FILE {s.roles_file} cannot be read: {exc}") from exc
    return {str(n).casefold() for n in data.get("admins", [])}


def may_manage(s: Settings, who: state.Identity) -> bool:
    """Whether `who` may add, re-index and remove documents: a reviewer (ASSISTANT_REVIEWERS or
    `reviewers` of the roles file), or an admin (`admins` of the roles file), matched case-insensitively
    by name or display name. Adding a supplementary document changes everyone's answers (issue 19).
    Raises ConfigError for an unreadable roles file."""
    if not who.name:
        return False
    return who.reviewer or bool({who.name.casefold(), who.display.casefold()} & _admins(s))


def upload_path(folder: Path, name: str) -> Path:
    """A safe place for an uploaded file inside `folder` (no directories, no hidden names)."""
    stem = re.sub(r"[^\w.\-]+", "_", Path(name).name).lstrip("._") or "document"
    target = (folder / stem).resolve()
    if not target.is_relative_to(folder.resolve()):
        raise ValueError(name)
    return target


def _left_out(skipped: dict) -> str:
    return (
        "; ".join(message(f"ingest.skip.{k}", state.lang(), n=n) for k, n in sorted(skipped.items()) if n)
        or "–"
    )


def _day(stamp) -> str:
    return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d") if stamp else "–"


def _added_by(d: dict) -> str:
    if d.get("added_by"):
        return str(d["added_by"])
    return t("docs.shipped") if d.get("authority") == "official" else "–"


def _table(docs: list[dict]) -> list[dict]:
    rows = []
    for d in docs:
        rows.append(
            {
                t("docs.col.id"): str(d.get("hash", ""))[:10],
                t("docs.col.source"): d.get("source"),
                t("docs.col.title"): d.get("title"),
                t("docs.col.version"): d.get("version") or "–",
                t("docs.col.date"): d.get("date")
                or (
                    datetime.fromtimestamp(d["ingested_at"]).strftime("%Y-%m-%d")
                    if d.get("ingested_at")
                    else "–"
                ),
                t("docs.col.authority"): t(f"common.{d.get('authority')}")
                if d.get("authority") in ("official", "supplementary")
                else d.get("authority"),
                t("docs.col.added_on"): _day(d.get("ingested_at")),
                t("docs.col.added_by"): _added_by(d),
                t("docs.col.passages"): d.get("passages"),
                t("docs.col.tables"): d.get("tables", 0),
                t("docs.col.pages"): d.get("pages") or None,
                t("docs.col.skipped"): _left_out(d.get("skipped") or {}),
            }
        )
    return rows


def _files(files: list[FileReport]) -> list[dict]:
    return [
        {
            t("docs.col.source"): f.source,
            t("docs.col.status"): f.status,
            t("docs.col.passages"): f.passages,
            t("docs.col.tables"): f.tables,
            t("docs.col.pages"): f.pages or None,
            t("docs.col.skipped"): "; ".join(f.notes(state.lang())) or "–",
        }
        for f in files
    ]


def _ingest(s, paths: list[Path], authority: str | None, *, uploaded: bool = False, by: str = "") -> None:
    index = state.assistant(s).index
    bar = st.progress(0.0, text=t("docs.indexing", stage="…"))

    def progress(stage: str, done: int, total: int) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=t("docs.indexing", stage=stage))

    report = index.ingest(paths, progress=progress, authority=authority, added_by=by)
    bar.progress(1.0, text=t("docs.report", summary=report.summary()))
    for name, reason in report.failed:
        st.error(escape_md(t("docs.failed", name=name, reason=reason)), icon=":material/error:")
        if uploaded:  # keep the uploads folder free of files that cannot be indexed
            for p in paths:
                if p.name == name:
                    p.unlink(missing_ok=True)
    if uploaded:  # a duplicate is not indexed: its upload is not kept either
        for name, _of in report.duplicates:
            (paths[0].parent / name).unlink(missing_ok=True)
    if not report.failed:
        st.success(t("docs.report", summary=report.summary()), icon=":material/task_alt:")
    if report.files:
        st.caption(t("docs.files"))
        st.dataframe(_files(report.files), hide_index=True, width="stretch")


def _remove(s, docs: list[dict], uploads: Path) -> None:
    """The remove action (reviewers and admins: the caller checks): pick documents, remove them, delete
    their uploaded files."""
    st.subheader(t("docs.remove"))
    st.caption(t("docs.remove_help"))
    labels = {f"{d['source']} ({str(d['hash'])[:10]})": d for d in docs}
    picked = st.multiselect(t("docs.remove_pick"), list(labels), key="docs_remove_pick")
    if st.button(t("docs.remove"), icon=":material/delete:", disabled=not picked, key="docs_remove"):
        chosen = [labels[p] for p in picked]
        report = state.assistant(s).index.remove([d["key"] for d in chosen])
        for d in chosen:
            path = Path(d["key"])
            if uploads.is_dir() and path.is_relative_to(uploads.resolve()):
                path.unlink(missing_ok=True)
        st.success(t("docs.removed", names=escape_md(", ".join(report.removed))), icon=":material/delete:")


def render() -> None:
    s = state.settings()
    st.title(t("docs.title"))
    st.caption(t("docs.intro"))
    try:
        docs = state.assistant(s).index.documents()
    except AssistantError as exc:
        state.show_error(exc)
        return
    table = st.empty()
    who = state.identity(s)
    try:
        manager = may_manage(s, who)
    except AssistantError as exc:
        state.show_error(exc)
        manager = False
    if not manager:  # everyone reads the list; only reviewers and admins change it
        st.info(t("docs.read_only"), icon=":material/lock:")
        table.dataframe(_table(docs), hide_index=True, width="stretch")
        return

    uploads = Path(s.home) / "uploads"
    rev = st.session_state.get("docs_rev", 0)
    files = st.file_uploader(
        t("docs.upload"),
        type=[x.lstrip(".") for x in sorted(SUPPORTED_SUFFIXES)],
        accept_multiple_files=True,
        key=f"docs_upload_{rev}",
        max_upload_size=max(1, int(s.max_file_mb)),
    )
    c1, c2 = st.columns(2)
    add = c1.button(
        t("docs.add"), type="primary", icon=":material/upload:", disabled=not files, width="stretch"
    )
    reindex = c2.button(t("docs.reindex"), icon=":material/refresh:", width="stretch")
    try:
        if add and files:
            uploads.mkdir(parents=True, exist_ok=True)
            paths = []
            for f in files:
                if f.size > s.max_file_mb * 1e6:
                    st.error(
                        t("docs.too_big", name=escape_md(f.name), mb=s.max_file_mb), icon=":material/error:"
                    )
                    continue
                target = upload_path(uploads, f.name)
                target.write_bytes(f.getvalue())
                paths.append(target)
            if paths:
                _ingest(s, paths, "supplementary", uploaded=True, by=who.display or who.name)
            st.session_state["docs_rev"] = rev + 1
        elif reindex:
            _ingest(s, [*s.corpus, *([uploads] if uploads.is_dir() else [])], None)
        _remove(s, docs, uploads)
    except AssistantError as exc:
        state.show_error(exc)
    docs = state.assistant(s).index.documents()
    table.dataframe(_table(docs), hide_index=True, width="stretch")


if __name__ == "__main__":
    render()

"""Evaluation: the latest eval report (tables and plots) and a button to run the suite with progress.

Run by `st.navigation` as a page script.
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from pathlib import Path

import streamlit as st

from assistant.config import PACKAGE_ROOT
from assistant.errors import AssistantError
from assistant.ui import state
from assistant.ui.state import t

__all__ = ["render", "report_dirs", "latest_report"]

_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+\.png)\)\s*$")


def report_dirs(s) -> list[Path]:
    """Where reports are written: by this page (ASSISTANT_HOME/eval-report) and by `make eval`."""
    return [Path(s.home) / "eval-report", PACKAGE_ROOT / "evals" / "report"]


def latest_report(s) -> Path | None:
    found = [d / "report.md" for d in report_dirs(s) if (d / "report.md").is_file()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def _show_report(path: Path) -> None:
    """report.md as Markdown, with its PNG plots drawn from the report's folder (no path outside it)."""
    when = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    st.caption(t("eval.latest", path=path.parent.name, when=when))
    chunk: list[str] = []

    def flush() -> None:
        if "".join(chunk).strip():
            st.markdown("\n".join(chunk))
        chunk.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):  # the report's own title: the page already has one
            continue
        m = _IMAGE.match(line)
        if m and "/" not in m.group(2) and (path.parent / m.group(2)).is_file():
            flush()
            st.image(str(path.parent / m.group(2)), caption=m.group(1))
        else:
            chunk.append(line)
    flush()


class _CountingAssistant:
    """The real Assistant, counting questions for the progress bar."""

    def __init__(self, inner, tick) -> None:
        self._inner, self._tick = inner, tick

    def ask(self, *args, **kwargs):
        try:
            return self._inner.ask(*args, **kwargs)
        finally:
            self._tick()

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


def _run(s) -> None:
    from assistant.evals.datasets import load_jsonl
    from assistant.evals.runner import DEFAULT_SETS, run_eval

    total = len(load_jsonl(DEFAULT_SETS["questions"])) if DEFAULT_SETS["questions"].exists() else 0
    bar = st.progress(0.0, text=t("eval.running", done=0, total=total))
    done = [0]

    def tick() -> None:
        done[0] += 1
        if done[0] >= total:
            bar.progress(1.0, text=t("eval.finishing"))
        else:
            bar.progress(done[0] / max(total, 1), text=t("eval.running", done=done[0], total=total))

    started = time.perf_counter()
    output, _ = run_eval(s, out=report_dirs(s)[0], assistant=_CountingAssistant(state.assistant(s), tick))
    bar.progress(1.0, text=t("eval.done", seconds=time.perf_counter() - started))
    with st.expander(t("eval.metrics"), icon=":material/analytics:"):
        st.json(output.get("metrics") or {}, expanded=1)


def render() -> None:
    s = state.settings()
    st.title(t("eval.title"))
    st.caption(t("eval.intro"))
    if st.button(t("eval.run"), type="primary", icon=":material/play_arrow:"):
        try:
            _run(s)
        except AssistantError as exc:
            state.show_error(exc)
    path = latest_report(s)
    if path is None:
        st.info(t("eval.none"), icon=":material/info:")
    else:
        _show_report(path)


if __name__ == "__main__":
    render()

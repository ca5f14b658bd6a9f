"""Policy: the whole official policy, passage by passage, each with an anchor a citation links to; for
English users the unofficial English rendering beside each official (Dutch) passage. Issue 19, point 9.

Passages come from the index's live view (`PolicyIndex.live()`, the passages the Ask page cites), in
document order; renderings from `assistant.translation.translation_for`. All passage text is escaped
(`assistant.ui.render.escape_md`), never rendered as HTML. Run by `st.navigation` as a page script;
importing it has no side effects (the Ask page imports `passage_anchor` and `passage_link`).
"""

from __future__ import annotations

import re

import streamlit as st

from assistant.corpus.model import Passage
from assistant.errors import AssistantError
from assistant.translation import translation_for
from assistant.ui import state
from assistant.ui.render import escape_md
from assistant.ui.state import t

__all__ = ["render", "passage_anchor", "passage_link", "official_passages", "URL_PATH"]

URL_PATH = "policy"  # the page's url path in streamlit_app.NAVIGATION (no docstring: Streamlit magic)

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def passage_anchor(passage_id: str) -> str:
    """The HTML anchor of a passage on the Policy page: its id with every character outside
    `[A-Za-z0-9_-]` replaced by '-', prefixed 'p-' ('uu-beleid:003' -> 'p-uu-beleid-003')."""
    return "p-" + _UNSAFE.sub("-", passage_id).strip("-")


def passage_link(passage_id: str, lang: str) -> str:
    """A relative URL to the passage on the Policy page in `lang` ('policy?lang=en#p-…'); only safe
    characters, so it can go into a Markdown link as it is."""
    return f"{URL_PATH}?lang={_UNSAFE.sub('', lang)}#{passage_anchor(passage_id)}"


def official_passages(index) -> list[Passage]:
    """Every passage of the official documents in `index` (captions and footnotes included), in
    document order. Raises what `index.live()` raises (IndexUnavailableError)."""
    return [p for p in index.live().passages if p.authority == "official"]


def _passage(n: int, p: Passage, lang: str) -> None:
    st.subheader(f"¶ {n}", anchor=passage_anchor(p.id))
    rendering = translation_for(p, lang) if lang != "nl" else None
    official = escape_md(p.text)
    if p.kind != "text":
        official = f"*{official}*"
    if rendering is None:
        st.markdown(official)
        return
    left, right = st.columns(2)
    with left:
        st.caption(t("policy.official_text"))
        st.markdown(official)
    with right:
        st.caption(f"{t('policy.unofficial')} · {escape_md(rendering.section)}")
        st.markdown(escape_md(rendering.text))


def render() -> None:
    s = state.settings()
    lang = state.lang()
    st.title(t("policy.title"))
    st.caption(t("policy.intro"))
    try:
        passages = official_passages(state.assistant(s).index)
    except AssistantError as exc:
        state.show_error(exc)
        return
    if not passages:
        st.info(t("policy.empty"), icon=":material/info:")
        return
    if lang != "nl":
        st.info(t("policy.translation_note"), icon=":material/translate:")
    source = section = None
    for n, p in enumerate(passages, start=1):
        if p.source != source:
            source = p.source
            st.caption(t("policy.source", source=escape_md(p.source)))
        if p.section != section:
            section = p.section
            st.header(escape_md(p.section or p.title), anchor=False, divider="gray")
        _passage(n, p, lang)


if __name__ == "__main__":
    render()

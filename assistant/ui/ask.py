"""Ask (landing page): a chat over the policy; answers stream, cite passages and show them as cards.

Run by `st.navigation` as a page script (`__name__ == "__main__"`); importing it has no side effects.
"""

from __future__ import annotations

import re

import streamlit as st

from assistant.ask.pipeline import Answer, Citation
from assistant.errors import AssistantError
from assistant.ui import state
from assistant.ui.i18n import EXAMPLES
from assistant.ui.policy import passage_link
from assistant.ui.render import answer_markdown, escape_md, highlight_passage
from assistant.ui.state import t

__all__ = ["render", "citation_card", "show_answer", "copy_text"]

_MESSAGES = "messages"
_PENDING = "pending_question"
_INPUT = "ask_input"
_TOO_LONG = "ask_too_long"


def citation_card(n: int, c: Citation) -> None:
    """One cited passage: section path, source and authority; the quoted sentences highlighted."""
    official = c.authority == "official"
    icon = ":material/verified:" if official else ":material/description:"
    with st.expander(f"**\\[{n}\\]** {escape_md(c.section)}", icon=icon):
        level = t("common.official") if official else t("common.supplementary")
        st.caption(
            f"{t('ask.card_source')}: {escape_md(c.source)} · {t('ask.card_authority')}: {level} · "
            f"{t('ask.card_score')}: {c.score:.2f}"
        )
        where = [f"{t('ask.card_section')}: {escape_md(c.section)}"]
        if c.page:  # where in the document: PDF page(s), table row
            where.append(
                t("ask.card_pages", page=c.page, end=c.page_end)
                if c.page_end
                else t("ask.card_page", page=c.page)
            )
        if c.row:
            where.append(t("ask.card_row", row=c.row))
        st.caption(" · ".join(where))
        if official:  # the passage in the whole policy (the Policy page), in a new tab
            link = passage_link(c.id, state.lang())
            st.markdown(f":material/menu_book: [{escape_md(t('ask.card_open_policy'))}]({link})")
        body, missing = highlight_passage(c.text, c.quote)
        st.markdown(body)
        if missing:
            st.caption(t("ask.card_quote_missing"))
            for q in missing:
                st.markdown("> " + escape_md(q))
        else:
            st.caption(t("ask.highlight_note"))
        if c.translation:  # English answers: the unofficial rendering beside the official Dutch text
            st.markdown(f"**{t('ask.card_translation')}** · {escape_md(c.translation_section or '')}")
            body, _ = highlight_passage(c.translation, c.translation_quote or "")
            st.markdown(body)
            st.caption(t("ask.card_translation_note"))


_BOLD_MARKER = re.compile(r"\*\*\\\[(\d{1,3})\\\]\*\*")


def _linked_markers(markdown: str, citations: list[Citation]) -> str:
    """`answer_markdown` output with each bold `[n]` of an official citation made a link to its passage
    on the Policy page (opened in a new tab: the chat stays); other markers stay bold text."""
    links = {
        n: passage_link(c.id, state.lang()) for n, c in enumerate(citations, 1) if c.authority == "official"
    }

    def link(m: re.Match) -> str:
        target = links.get(int(m.group(1)))
        return f"[{m.group(0)}]({target})" if target else m.group(0)

    return _BOLD_MARKER.sub(link, markdown)


def copy_text(answer: Answer) -> str:
    """The answer with its citations as plain text, for the copy button (issue 19, point 9): the answer,
    then per source `[n] source, section` and its quoted sentences (the official text; for an English
    answer also the unofficial rendering when it aligns)."""
    lines = [answer.answer.strip()]
    if answer.citations:
        lines += ["", t("ask.copy.sources")]
        for n, c in enumerate(answer.citations, start=1):
            lines.append(t("ask.copy.source", n=n, source=c.source, section=c.section))
            for quote in (c.quote, c.translation_quote):
                if quote:
                    lines.append("  " + t("ask.copy.quote", quote=" ".join(quote.split())))
    return "\n".join(lines)


def _copy_button(answer: Answer) -> None:
    """A button that opens the plain text in `st.code`, whose copy icon (Streamlit's own, no extra
    component) puts it on the clipboard."""
    with st.popover(t("ask.copy.label"), icon=":material/content_copy:"):
        st.caption(t("ask.copy.help"))
        st.code(copy_text(answer), language=None, wrap_lines=True)


def show_answer(answer: Answer) -> None:
    """An answer (warnings, text, sources) or a refusal, inside the current chat message."""
    for warning in answer.warnings:
        st.warning(escape_md(warning), icon=":material/warning:")
    if answer.refused:  # coverage none
        st.info(f"**{t('ask.refused_title')}**\n\n{answer.answer}", icon=":material/block:")
        return
    partial = answer.coverage == "partial"
    if partial:  # the policy touches the topic, not the point: related passages, not an answer
        st.warning(f"**{t('ask.partial_title')}**", icon=":material/help:")
    st.markdown(_linked_markers(answer_markdown(answer.answer), answer.citations))
    st.caption(t("ask.meta", backend=answer.backend, seconds=answer.seconds))
    if answer.citations:
        st.markdown(f"**{t('ask.related' if partial else 'ask.sources')}**")
        for n, c in enumerate(answer.citations, start=1):
            citation_card(n, c)
        _copy_button(answer)


def _check_length() -> None:
    """The chat box's submit callback: a question over the limit (ASSISTANT_MAX_QUESTION_CHARS) is not
    sent; its text goes back into the box and the page says how long it is."""
    ss = st.session_state
    text = ss.get(_INPUT)
    limit = state.settings().max_question_chars
    if isinstance(text, str) and len(text) > limit:
        ss[_TOO_LONG] = (len(text), limit)
        ss[_INPUT] = text  # shown in the box again, not submitted


def _n(number: int) -> str:
    """A whole number with the thousands separator of the UI's language (4.900 / 4,900)."""
    text = f"{number:,}"
    return text.replace(",", ".") if state.lang() == "nl" else text


def _queue(question: str) -> None:
    st.session_state[_PENDING] = question


def _examples() -> None:
    st.caption(t("ask.examples"))
    cols = st.columns(2)
    for i, q in enumerate(EXAMPLES[state.lang()]):
        cols[i % 2].button(q, key=f"example_{i}", on_click=_queue, args=(q,), width="stretch")


def render() -> None:
    s = state.settings()
    st.title(t("ask.title"))
    messages: list[dict] = st.session_state.setdefault(_MESSAGES, [])
    # st.chat_input is pinned to the bottom wherever it is called; read it first to know what to draw
    prompt = st.chat_input(t("ask.placeholder"), key=_INPUT, on_submit=_check_length)
    prompt = prompt or st.session_state.pop(_PENDING, None)
    if too_long := st.session_state.pop(_TOO_LONG, None):
        prompt = None
        length, limit = too_long
        st.error(t("ask.limit.too_long", length=_n(length), limit=_n(limit)), icon=":material/short_text:")
    if not messages and not prompt:
        st.write(t("ask.intro"))
        st.caption(t("ask.limit.hint", limit=_n(s.max_question_chars)))
        _examples()
    for m in messages:
        with st.chat_message("user"):
            st.markdown(escape_md(m["question"]))
        with st.chat_message("assistant"):
            show_answer(m["answer"])
    if not prompt:
        return
    with st.chat_message("user"):
        shown = st.empty()
        shown.markdown(escape_md(prompt))
    with st.chat_message("assistant"):
        stream = st.empty()
        tokens: list[str] = []

        def on_token(token: str) -> None:
            tokens.append(token)
            stream.markdown(answer_markdown("".join(tokens)) + " ▌")

        history = [(m["question"], m["answer"].answer) for m in messages]
        try:
            with st.spinner(t("ask.thinking")):
                answer = state.assistant(s).ask(prompt, history=history, on_token=on_token)
        except AssistantError as exc:
            stream.empty()
            state.show_error(exc)
            return
        stream.empty()
        shown.markdown(escape_md(answer.question))  # as processed: personal data redacted
        show_answer(answer)
    messages.append({"question": answer.question, "answer": answer})


if __name__ == "__main__":
    render()

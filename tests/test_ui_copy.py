"""The copy button of the Ask page (issue 19, point 9): the answer with its citations (source, section,
quote) as plain text in an `st.code` block, whose copy icon is Streamlit's own."""

from __future__ import annotations

import pytest

from assistant.ui.i18n import translate
from tests.test_app import app_env, make_app  # noqa: F401 (app_env: a fixture, by name)


@pytest.mark.usefixtures("app_env")
@pytest.mark.parametrize(
    ("lang", "question"),
    [("nl", "Hoe lang mogen gegevens bewaard worden?"), ("en", "Which personal data may I use?")],
)
def test_the_answer_is_copied_with_source_section_and_quote(lang, question):
    at = make_app(lang).run()
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    answer = at.session_state["messages"][-1]["answer"]
    assert answer.citations
    [block] = at.code
    text = block.value
    assert text.startswith(answer.answer.strip())
    assert "**" not in text and "\\[" not in text  # plain text, no Markdown
    assert translate("ask.copy.sources", lang) in text
    for n, c in enumerate(answer.citations, start=1):
        assert translate("ask.copy.source", lang, n=n, source=c.source, section=c.section) in text
        assert " ".join(c.quote.split()) in text
    assert translate("ask.copy.label", lang) in [p.proto.popover.label for p in at.get("popover")]


def test_an_answer_without_sources_is_copied_as_it_is():
    from assistant.ask.pipeline import Answer
    from assistant.ui.ask import copy_text

    refusal = Answer("Wat is het weer?", "Daar gaat het beleid niet over.", "nl", True, [], "extractive")
    assert copy_text(refusal) == "Daar gaat het beleid niet over."

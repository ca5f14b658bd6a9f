"""Limits before sending (issue 19, point 8): a question over the limit is not sent; the page says how
long it is and what the limit is, in the user's language, and the text stays in the box."""

from __future__ import annotations

import pytest

from assistant.ui.i18n import translate
from tests.test_app import app_env, make_app  # noqa: F401 (app_env: a fixture, by name)


@pytest.mark.usefixtures("app_env")
@pytest.mark.parametrize(("lang", "numbers"), [("nl", ("4.900", "2.000")), ("en", ("4,900", "2,000"))])
def test_a_long_paste_is_not_sent_and_stays_in_the_box(lang, numbers):
    at = make_app(lang).run()
    assert translate("ask.limit.hint", lang, limit=numbers[1]) in [c.value for c in at.caption]
    pasted = "Mag ik quizscores gebruiken? " * 169  # about 4,900 characters
    pasted = pasted[:4900]
    at.chat_input[0].set_value(pasted).run()
    assert not at.exception, at.exception
    assert not at.chat_message  # nothing was sent to the assistant
    [error] = at.error
    assert error.value == translate("ask.limit.too_long", lang, length=numbers[0], limit=numbers[1])
    assert at.chat_input[0].proto.set_value and at.chat_input[0].proto.value == pasted  # back in the box
    at.chat_input[0].set_value("Welke gegevens mag ik gebruiken?").run()  # a short one goes through
    assert len(at.chat_message) == 2 and not at.error


def _show_fixed_answer(coverage: str, lang: str) -> None:
    """An AppTest script: one fixed answer with `coverage`, rendered by the Ask page's `show_answer`."""
    import streamlit as st

    from assistant.ask.pipeline import Answer, Citation
    from assistant.ui.ask import show_answer

    st.query_params["lang"] = lang
    cite = Citation(
        "p1",
        "beleid.md",
        "3.2 Privacy-principes > Opslagbeperking",
        "Gegevens worden verwijderd.",
        1.0,
        "Gegevens worden verwijderd.",
    )
    text = "Lead line\n\n- Gegevens worden verwijderd. [1]"
    show_answer(
        Answer(
            "Vraag?",
            text,
            lang,
            coverage == "none",
            [] if coverage == "none" else [cite],
            "extractive",
            coverage=coverage,
        )
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_three_coverages_show_differently(lang):
    """Issue 15 point 2: direct (the sources), partial (a warning, then related passages, not sources),
    none (a refusal box, no citations)."""
    from streamlit.testing.v1 import AppTest

    shown = {}
    for coverage in ("direct", "partial", "none"):
        at = AppTest.from_function(_show_fixed_answer, args=(coverage, lang)).run()
        assert not at.exception, at.exception
        shown[coverage] = (
            [w.value for w in at.warning],
            [i.value for i in at.info],
            "\n".join(m.value for m in at.markdown),
        )
    sources, related = translate("ask.sources", lang), translate("ask.related", lang)
    assert not shown["direct"][0] and sources in shown["direct"][2] and related not in shown["direct"][2]
    assert translate("ask.partial_title", lang) in shown["partial"][0][0]
    assert related in shown["partial"][2] and sources not in shown["partial"][2]
    assert translate("ask.refused_title", lang) in shown["none"][1][0] and sources not in shown["none"][2]

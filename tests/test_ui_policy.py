"""The policy in the app (issue 19, point 9): a Policy page with the whole official policy, an anchor
per passage, the unofficial English rendering beside each passage for English users, and citation
cards on the Ask page that link to the cited passage's anchor. Passage text is escaped."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.ui.i18n import translate
from assistant.ui.policy import passage_anchor, passage_link
from assistant.ui.render import escape_md
from tests.test_app import app_env, make_app, open_page, texts  # noqa: F401 (app_env: a fixture)
from tests.test_browser import app_url, page  # noqa: F401 (fixtures, for the browser test)


def _anchors(at) -> list[str]:
    return [h.proto.anchor for h in at.subheader]


def test_anchor_and_link_hold_only_safe_characters():
    assert passage_anchor("uu-learning-analytics-beleid:003") == "p-uu-learning-analytics-beleid-003"
    assert passage_anchor("a b/<x>\"'):7") == "p-a-b-x-7"
    link = passage_link("doc:1", 'en")<script>')
    assert link == "policy?lang=enscript#p-doc-1"


@pytest.mark.usefixtures("app_env")
def test_the_policy_page_shows_every_official_passage_with_its_anchor(real_assistant):
    from assistant.translation import translation_for

    official = [p for p in real_assistant.index.live().passages if p.authority == "official"]
    assert len(official) > 20
    at = open_page(make_app("en").run(), "policy")
    assert at.title[0].value == translate("policy.title", "en")
    assert _anchors(at) == [passage_anchor(p.id) for p in official]
    shown = texts(at.markdown)
    for p in official:
        assert escape_md(p.text) in shown, p.id
        rendering = translation_for(p, "en")
        if rendering is not None:  # beside it, labelled unofficial
            assert escape_md(rendering.text) in shown, p.id
    assert sum(translation_for(p, "en") is not None for p in official) > 20
    labels = [c.value for c in at.caption]
    assert sum(v.startswith(translate("policy.unofficial", "en")) for v in labels) == sum(
        translation_for(p, "en") is not None for p in official
    )
    assert translate("policy.translation_note", "en") in [i.value for i in at.info]


@pytest.mark.usefixtures("app_env")
def test_dutch_users_read_the_official_text_only():
    at = open_page(make_app("nl").run(), "policy")
    assert at.title[0].value == translate("policy.title", "nl")
    assert _anchors(at) and not at.info
    labels = [c.value for c in at.caption]
    assert not any(v.startswith(translate("policy.unofficial", "nl")) for v in labels)
    assert not any(v.startswith(translate("policy.unofficial", "en")) for v in labels)


def _card(authority: str, text: str, lang: str) -> None:
    """An AppTest script: one citation card of the Ask page."""
    import streamlit as st

    from assistant.ask.pipeline import Citation
    from assistant.ui.ask import citation_card

    st.query_params["lang"] = lang
    citation_card(
        1, Citation("uu-learning-analytics-beleid:003", "beleid.md", "1. Scope", text, 1.0, "", authority)
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_official_citation_card_links_to_its_passage(lang):
    at = AppTest.from_function(_card, args=("official", "Tekst.", lang)).run()
    assert not at.exception, at.exception
    link = f"({passage_link('uu-learning-analytics-beleid:003', lang)})"
    assert link == f"(policy?lang={lang}#p-uu-learning-analytics-beleid-003)"
    [line] = [m.value for m in at.markdown if link in m.value]
    assert escape_md(translate("ask.card_open_policy", lang)) in line


def test_a_supplementary_card_has_no_policy_link_and_passage_text_stays_escaped():
    evil = "<script>alert(1)</script> [click](http://evil) ![x](http://evil/x.png)"
    at = AppTest.from_function(_card, args=("supplementary", evil, "en")).run()
    assert not at.exception, at.exception
    shown = texts(at.markdown)
    assert "policy?lang=" not in shown
    assert escape_md(evil) in shown and "<script>" not in shown and "](http" not in shown


def _passage_script(text: str) -> None:
    """An AppTest script: one passage as the Policy page draws it."""
    import streamlit as st

    from assistant.corpus.model import Passage
    from assistant.ui.policy import _passage

    st.query_params["lang"] = "en"
    _passage(1, Passage("user:1", "x.md", "X", "Sectie", text), "en")


def test_policy_passages_are_escaped():
    evil = "<img src=x onerror=alert(1)> [a](javascript:alert(1)) **bold** :red[x]"
    at = AppTest.from_function(_passage_script, args=(evil,)).run()
    assert not at.exception, at.exception
    assert [m.value for m in at.markdown] == [escape_md(evil)]
    assert _anchors(at) == ["p-user-1"]


@pytest.mark.usefixtures("app_env")
def test_the_cards_of_a_real_answer_point_at_anchors_of_the_policy_page():
    at = make_app("en").run()
    at.chat_input[0].set_value("Which personal data may I use for learning analytics?").run()
    assert not at.exception, at.exception
    cards = [e for e in at.chat_message[1].expander if e.label.startswith("**\\[")]
    links = [m.value for card in cards for m in card.markdown if "policy?lang=en#" in m.value]
    assert links and len(links) == len(cards)
    targets = {line.split("#", 1)[1].rstrip(")") for line in links}
    open_page(at, "policy")
    assert targets <= set(_anchors(at))


def _answer(lang: str) -> None:
    """An AppTest script: an answer citing an official passage [1] and a supplementary one [2]."""
    import streamlit as st

    from assistant.ask.pipeline import Answer, Citation
    from assistant.ui.ask import show_answer

    st.query_params["lang"] = lang
    cites = [
        Citation("uu-learning-analytics-beleid:010", "beleid.md", "3. Privacy", "Tekst.", 1.0, "Tekst."),
        Citation("faq:1", "faq.md", "FAQ", "Extra.", 0.5, "Extra.", "supplementary"),
    ]
    show_answer(Answer("Vraag?", "Lead\n\n- Tekst. [1]\n- Extra. [2]", lang, False, cites, "extractive"))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_answer_markers_of_official_passages_link_to_the_policy_page(lang):
    at = AppTest.from_function(_answer, args=(lang,)).run()
    assert not at.exception, at.exception
    body = at.markdown[0].value
    target = passage_link("uu-learning-analytics-beleid:010", lang)
    assert f"[**\\[1\\]**]({target})" in body
    assert "**\\[2\\]**" in body and "[**\\[2\\]**](" not in body  # a supplementary source: no policy link


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs /usr/bin/chromium")
def test_a_policy_link_opens_the_page_at_its_passage_in_a_browser(page, app_url):  # noqa: F811
    """A citation's link (`policy?lang=en#p-…`) opens the Policy page scrolled to that passage, with
    the unofficial English rendering beside it. Screenshot: tests/artifacts/policy.png."""
    from playwright.sync_api import expect

    from tests.test_browser import ARTIFACTS, _idle

    anchor = passage_anchor("uu-learning-analytics-beleid:020")
    page.goto(f"{app_url}/{passage_link('uu-learning-analytics-beleid:020', 'en')}")
    _idle(page)
    expect(page.get_by_role("heading", name=translate("policy.title", "en"))).to_be_attached()
    target = page.locator(f"[id='{anchor}']")
    expect(target).to_be_in_viewport()
    expect(page.get_by_text(translate("policy.unofficial", "en")).first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "policy.png"))

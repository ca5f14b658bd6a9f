"""English answers carry the unofficial rendering of each cited official passage; Dutch answers do not."""

from __future__ import annotations

from assistant.translation import translation_for


def test_english_answer_cites_the_dutch_passage_with_its_rendering(real_assistant):
    answer = real_assistant.ask("How long may we keep student data?")
    assert not answer.refused and answer.citations
    first = answer.citations[0]
    assert "Opslagbeperking" in first.section  # the citation stays the official Dutch passage
    assert first.translation and first.translation_section
    assert first.translation_quote and "as soon as possible" in first.translation_quote
    assert "zo snel mogelijk" in first.quote  # the quote itself stays verbatim Dutch


def test_every_translated_quote_renders_the_quoted_sentences(real_assistant):
    answer = real_assistant.ask("Which lawful basis applies to learning analytics implementation projects?")
    for c in answer.citations:
        if c.translation_quote:
            assert c.translation_quote.split(" … ")[0] in c.translation
            assert len(c.translation_quote.split(" … ")) == len(c.quote.split(" … "))


def test_dutch_answers_and_user_documents_get_no_rendering(real_assistant):
    answer = real_assistant.ask("Hoe lang mogen we studentgegevens bewaren?")
    assert answer.citations and all(c.translation is None for c in answer.citations)
    passage = answer.citations[0]
    assert (
        translation_for(type("P", (), {"id": "x-not-a-policy-id", "section": passage.section, "text": "x"})())
        is None
    )

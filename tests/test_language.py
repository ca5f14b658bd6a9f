"""Dutch vs English on short questions."""

from __future__ import annotations

import pytest

from assistant.language import detect_language


@pytest.mark.parametrize(
    "text, lang",
    [
        ("En voor onderzoeksprojecten?", "nl"),
        ("And for research projects?", "en"),
        ("Mag dat?", "nl"),
        ("Is AI allowed?", "en"),
        ("Wat is learning analytics?", "nl"),
        ("What is learning analytics?", "en"),
        ("privacyscan nodig?", "nl"),
        ("Data retention?", "en"),
        ("Hoe lang mag ik cijfers bewaren?", "nl"),
        ("Who decides when a model flags a student?", "en"),
        ("Moet de AI-officer erbij?", "nl"),
    ],
)
def test_detect(text, lang):
    assert detect_language(text) == lang

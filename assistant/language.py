"""Dutch or English? Function words decide clear cases (short questions); lingua decides the rest."""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["detect_language", "text_language"]

_NL = set(
    """wat hoe welke welk wie waar waarom wanneer mag mogen moet moeten kan kunnen is zijn wordt worden een het
de van voor ik we wij mijn onze ons niet geen bij naar dat die er ook nog als en of over met om te zou zal mag
hebben heeft gaat dit deze jullie u je zich elk elke alle iets wel dan hoeveel waarvoor waarmee mijn zonder""".split()
)
_EN = set(
    """what how which who where why when may must can could is are be been being the a an of for i we my our us
not no to at that this these those also and or about with should would will shall do does did have has go any
every all you your it its there than how much whom whose without""".split()
)
_SHARED = {"is", "we", "en", "of", "over"}  # counted for neither


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.DUTCH, Language.ENGLISH).build()


def detect_language(text: str, default: str = "nl", *, model: bool = True) -> str:
    """'nl' or 'en' for a question; `default` when nothing tells (the policy's own language).
    `model=False` skips lingua (slow to load) and returns `default` when function words do not decide."""
    words = re.findall(r"[a-zà-ÿ']+", text.lower())
    nl = sum(1 for w in words if w in _NL and w not in _SHARED)
    en = sum(1 for w in words if w in _EN and w not in _SHARED)
    if nl != en and (max(nl, en) >= 2 or min(nl, en) == 0 and max(nl, en) >= 1):
        if abs(nl - en) >= 1:
            return "nl" if nl > en else "en"
    if not words or not model:
        return default
    from lingua import Language

    values = _detector().compute_language_confidence_values(text)
    best = values[0]
    if best.value < 0.6:
        return default
    return "nl" if best.language == Language.DUTCH else "en"


# Languages an answer may drift into besides Dutch and English (checked in LLM answers).
_TEXT_LANGUAGES = ("DUTCH", "ENGLISH", "FRENCH", "GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE")


@lru_cache(maxsize=1)
def _wide_detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _TEXT_LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).with_minimum_relative_distance(0.1).build()


def text_language(text: str) -> str | None:
    """The language of a longer text (an LLM answer) as an ISO 639-1 code among nl, en, fr, de, es, it
    and pt; None when the text is too short (under four words) or too close to call."""
    if len(re.findall(r"[^\W\d_]{2,}", text)) < 4:
        return None
    found = _wide_detector().detect_language_of(text)
    return None if found is None else found.iso_code_639_1.name.lower()

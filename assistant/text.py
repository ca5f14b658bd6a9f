"""The one text layer: folding for matching, sentence spans, and the `[n]` citation marker.

`fold` is the form every matcher works on (retrieval routing, drafting cues, checker terms, eval
phrase tests): what a reader would call "the same word" folds to the same string, whatever the
document's typography. Text shown to users (quotes, passages) is never folded: it stays verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

__all__ = [
    "MARKER",
    "fold",
    "phrase_fold",
    "contains_phrase",
    "clean_invisible",
    "split_sentences",
    "sentences",
    "words",
    "mask_abbreviations",
]

MARKER = re.compile(r"\[(\d+)\]")
"""A citation marker in an answer: `[n]` points at the n-th passage given to the backend (1-based)."""

# Characters that carry no letter: soft hyphen, zero-width space / joiners, word joiner, BOM.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
# Typography that readers do not distinguish when they search: quotes, dashes, bullets.
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u201a": "'",  # ‚
        "\u2032": "'",  # ′
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2212": "-",  # minus sign
    }
)


def clean_invisible(text: str) -> str:
    """`text` without soft hyphens and zero-width characters, NBSPs as plain spaces (still verbatim to a
    reader: nothing visible changes). Use on passages and questions before they are stored or shown."""
    return text.translate(_INVISIBLE).replace("\u00a0", " ").replace("\u202f", " ")


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """The matching form of `text`: NFKC (ligatures, no-break and other odd spaces), invisible
    characters removed, quotes and dashes unified, lower case, accents removed, whitespace collapsed.

    Length may change, so offsets into a folded string refer to the folded string only.
    """
    text = unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).translate(_TYPOGRAPHY).lower()
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(text.split())


_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The folded word tokens of `text` (letters and digits; hyphens and punctuation split)."""
    return _WORD.findall(fold(text))


# --------------------------------------------------------------------------- sentences

# Abbreviations that end in a full stop without ending a sentence (Dutch and English).
_ABBREVIATIONS = (
    "d.w.z.",
    "bijv.",
    "o.a.",
    "e.g.",
    "i.e.",
    "nr.",
    "art.",
    "ca.",
    "m.b.t.",
    "t.a.v.",
    "vs.",
    "etc.",
)
# A sentence end: . ! ? or … with closing quotes/brackets, footnote marks ([^1]) and citation markers
# ([1] [2]) after it, then whitespace before a capital, a digit or an opening quote/bracket.
_BOUNDARY = re.compile(r"[.!?…][\"”’)]*(?:\[\^?\w+\])*(?:\s*\[\d+\])*\s+(?=[\"“‘(]?[A-ZÀ-Ý0-9])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans `(start, end)` of `text`, character offsets, end exclusive, trailing space left out.

    Abbreviations ('d.w.z.', 'e.g.') and list labels ('b.') do not end a sentence; footnote marks and
    citation markers stay with the sentence they follow.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.start() + len(m.group(0).rstrip())
        if text[: m.start() + 1].lower().endswith(_ABBREVIATIONS) or len(text[start:end].strip()) <= 3:
            continue
        spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


_ABBREVIATION = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(a) for a in _ABBREVIATIONS) + ")", re.IGNORECASE
)


def mask_abbreviations(text: str) -> str:
    """`text` with the full stops of its abbreviations ('o.a.', 'e.g.', `_ABBREVIATIONS`) turned into
    spaces, same length: a search for clause or sentence ends then passes over them."""
    return _ABBREVIATION.sub(lambda m: m.group(0).replace(".", " "), text)


def sentences(text: str) -> list[str]:
    """The sentences of `text`, each stripped, split per line first (a line break always ends one)."""
    out = []
    for line in text.splitlines():
        out += [line[a:b].strip() for a, b in split_sentences(line) if line[a:b].strip()]
    return out


def phrase_fold(text: str) -> str:
    """Case and whitespace folded (NFC first): how the eval contract compares an expected phrase with a
    passage (`contains_phrase`)."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def contains_phrase(text: str, phrases: Iterable[str]) -> bool:
    """True when `text` holds any of `phrases`, case and whitespace folded (`phrase_fold`): the rule the
    eval scores a cited passage or a quoted sentence by, and the sentence vote counts by."""
    folded = phrase_fold(text)
    return any(phrase_fold(p) and phrase_fold(p) in folded for p in phrases)

"""What several eval modules use: the language split, the k of hit@k, and the phrase comparison the
`eval` contract prescribes (DESIGN.md: "case and whitespace folded")."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

__all__ = ["LANGS", "KS", "fold", "contains_phrase"]

LANGS = ("nl", "en", "all")
KS = (1, 3, 5)


def fold(text: str) -> str:
    """Case and whitespace folded (NFC first), the comparison the eval contract prescribes."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def contains_phrase(text: str, phrases: Iterable[str]) -> bool:
    """True when `text` holds any of `phrases`, case and whitespace folded."""
    folded = fold(text)
    return any(fold(p) and fold(p) in folded for p in phrases)


def _text_of(item) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        return str(item.get("text", ""))
    return str(getattr(item, "text", ""))


def _share(flags: list) -> float | None:
    flags = [f for f in flags if f is not None]
    return sum(bool(f) for f in flags) / len(flags) if flags else None

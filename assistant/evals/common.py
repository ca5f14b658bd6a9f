"""What several eval modules use: the language split, the k of hit@k, and the phrase comparison the
`eval` contract prescribes (DESIGN.md: "case and whitespace folded")."""

from __future__ import annotations

from assistant.text import contains_phrase, phrase_fold

__all__ = ["LANGS", "KS", "fold", "contains_phrase"]

LANGS = ("nl", "en", "all")
KS = (1, 3, 5)


fold = phrase_fold  # case and whitespace folded (NFC first), the comparison the eval contract prescribes


def _text_of(item) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        return str(item.get("text", ""))
    return str(getattr(item, "text", ""))


def _share(flags: list) -> float | None:
    flags = [f for f in flags if f is not None]
    return sum(bool(f) for f in flags) / len(flags) if flags else None

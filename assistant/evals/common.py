"""What `evals.py` and `_eval_report.py` both use: the language split, the k of hit@k, two small helpers.

Kept apart so the metrics module can re-export the report writer without an import cycle.
"""

from __future__ import annotations

LANGS = ("nl", "en", "all")
KS = (1, 3, 5)


def _text_of(item) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        return str(item.get("text", ""))
    return str(getattr(item, "text", ""))


def _share(flags: list) -> float | None:
    flags = [f for f in flags if f is not None]
    return sum(bool(f) for f in flags) / len(flags) if flags else None

"""The UI's lookups in the message catalogue (`assistant.messages`, Dutch and English), and how the
UI shows an error: the fields it names as the labels of the widgets that set them.

`translate(key, lang, **fields)` formats one message; a missing key falls back to the key itself so
a typo shows up on screen instead of crashing the page (a test checks every key has both languages).
"""

from __future__ import annotations

from assistant.config import env_var
from assistant.errors import AssistantError, Name
from assistant.messages import DEFAULT_LANG, LANGS, catalogues

__all__ = [
    "LANGS",
    "MESSAGES",
    "EXAMPLES",
    "WIDGET_LABELS",
    "translate",
    "missing_translations",
    "widget_label",
    "error_text",
]

MESSAGES: dict[str, dict[str, str]] = {
    key: {lang: catalogues().text(key, lang) for lang in LANGS}
    for key in catalogues().languages[DEFAULT_LANG].messages
}
"""key -> {lang: text}, from the catalogue files."""

EXAMPLES: dict[str, tuple[str, ...]] = {lang: catalogues().languages[lang].examples for lang in LANGS}
"""The Ask page's example questions per language."""

WIDGET_LABELS: dict[str, str] = {
    "comment": "review.comment",
    "action": "review.action",
    "owner": "review.owner",
    "due": "review.due",
    "verdict": "review.verdict",
    "decision": "review.decision",
    "accept_risk": "decide.accept_risk",
    "author": "side.name",
    "reviewer": "side.name",
}
"""Field -> catalogue key of the label of the widget that sets it; other fields use `field.<name>`
(the draft form's labels)."""


def translate(key: str, lang: str, /, **fields) -> str:
    """The message `key` in `lang` (falls back to English, then to the key), formatted with `fields`."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**fields) if fields else text


def missing_translations() -> list[str]:
    """Keys without a non-empty text in every language (a test keeps this empty)."""
    return [k for k, v in MESSAGES.items() if any(not v.get(lang) for lang in LANGS)]


def widget_label(name: Name, lang: str) -> str:
    """How the UI names a field inside a message: the label of its widget in `lang`; a setting by its
    catalogue label (`setting.<name>`) or else its environment variable; else the bare field name."""
    if name.setting:
        key = f"setting.{name.field}"
        return translate(key, lang) if key in MESSAGES else env_var(name.field)
    key = WIDGET_LABELS.get(name.field, f"field.{name.field}")
    return translate(key, lang) if key in MESSAGES else name.field


def error_text(exc: AssistantError, lang: str) -> str:
    """The error's message in `lang` (catalogue errors; others as raised), fields named by their
    widget labels. The result is plain text: escape it before rendering it as Markdown."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    return exc.render(lang, lambda name: widget_label(name, lang))

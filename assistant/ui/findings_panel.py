"""The check beside the work (issue 19, point 6): a compact summary of the checker's findings that stays
in view while the author edits the lower fields of the draft form, each finding naming its field by the
field's label; the fields with a finding are marked in the form itself.

Layout, by CSS on the check column (the container with key `PANEL_KEY`): on a desktop the column is
sticky (it stays at the top of the viewport while the form scrolls, and scrolls inside itself when
taller); below Streamlit's column breakpoint (640 px, where columns stack) it comes first, above the
form. Streamlit gives a widget with key `k` the class `st-key-k` (characters outside `[A-Za-z0-9_-]`
become `-`), which is how a field's widget is found for its mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import streamlit as st

from assistant.ui.i18n import MESSAGES
from assistant.ui.render import escape_md
from assistant.ui.state import t

__all__ = [
    "PANEL_KEY",
    "SEVERITY_ORDER",
    "widget_class",
    "field_of",
    "layout_css",
    "marks_css",
    "summary",
    "show",
]

PANEL_KEY = "draft_check"
SEVERITY_ORDER = ("blocker", "major", "minor")
_ICON = {"blocker": ":material/block:", "major": ":material/warning:", "minor": ":material/lightbulb:"}
_COLOR = {"blocker": "#d32f2f", "major": "#ef6c00", "minor": "#1e88e5"}
_MARKER = {"blocker": "●", "major": "▲", "minor": "○"}
_BREAKPOINT = 640  # px: Streamlit stacks columns below this width


def _css_class(key: str) -> str:
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def field_of(path: str) -> str:
    """The form field a finding's (dotted) field path points to: `data.0.name` -> `data` (one table),
    `ai.models` -> `ai.models`, `ai` -> `uses_ai` (the switch that opens the AI fields)."""
    head, _, rest = path.partition(".")
    if head == "data":
        return "data"
    if head == "ai":
        return f"ai.{rest.partition('.')[0]}" if rest else "uses_ai"
    return head


def widget_class(path: str) -> str:
    """A CSS selector for the form widget of a finding's field (`draft_form`'s keys are `d.<field>`;
    the data table's key carries a revision number, `d.data.<n>`)."""
    name = field_of(path)
    if name == "data":
        return f'[class*="{_css_class("d.data.")}"]'
    return "." + _css_class(f"d.{name}")


def label_of(path: str) -> str:
    """A finding's field by the label of its widget (`field.<path>`, else its form field's label)."""
    for key in (f"field.{path}", f"field.{field_of(path)}"):
        if key in MESSAGES:
            return t(key)
    return t("draft.panel.no_field") if not path else path


def layout_css() -> str:
    """Sticky beside the form on a desktop; first on a phone, at most 60 % of the screen high (it scrolls
    inside itself) so the form follows it."""
    column = f'[data-testid="stColumn"]:has(.{_css_class(PANEL_KEY)})'
    return (
        f"@media (min-width: {_BREAKPOINT + 1}px) {{ {column} {{ position: sticky; top: 3.75rem; "
        "align-self: flex-start; max-height: calc(100vh - 5rem); overflow-y: auto; } }"
        f"@media (max-width: {_BREAKPOINT}px) {{ {column} {{ order: -1; max-height: 60vh; overflow-y: auto; }} }}"
    )


def _worst(findings: Iterable[Any]) -> dict[str, str]:
    """Form field -> the most severe severity among its findings."""
    worst: dict[str, str] = {}
    for f in findings:
        if not f.field:
            continue
        name = field_of(f.field)
        if name not in worst or SEVERITY_ORDER.index(f.severity) < SEVERITY_ORDER.index(worst[name]):
            worst[name] = f.severity
    return worst


def marks_css(findings: Iterable[Any]) -> str:
    """A coloured bar beside each field with a finding, and the severity's marker after its label."""
    rules = []
    for name, sev in _worst(findings).items():
        sel = widget_class(name)
        label = t(f"sev.{sev}").replace("\\", "").replace('"', "")
        rules.append(
            f"{sel} {{ border-left: 4px solid {_COLOR[sev]}; padding-left: 0.5rem; }}"
            f'{sel} [data-testid="stWidgetLabel"] p::after {{ content: " {_MARKER[sev]} {label}"; '
            f"color: {_COLOR[sev]}; font-weight: 600; }}"
        )
    return "".join(rules)


def summary(findings: list[Any]) -> None:
    """One line per finding, most severe first: severity icon, the field's label, the message."""
    st.markdown(f"**{t('draft.panel.title')}**")
    if not findings:
        st.caption(t("draft.panel.none"))
        return
    ordered = sorted(findings, key=lambda f: SEVERITY_ORDER.index(f.severity))
    lines = [
        f"- {_ICON[f.severity]} "
        + t("draft.panel.item", field=f"**{escape_md(label_of(f.field))}**", message=escape_md(f.message))
        for f in ordered
    ]
    st.markdown("\n".join(lines))
    markers = ", ".join(
        f"{_MARKER[s]} {t(f'sev.{s}')}" for s in SEVERITY_ORDER if any(f.severity == s for f in findings)
    )
    st.caption(t("draft.panel.marked", marker=markers))


def show(findings: list[Any]) -> None:
    """The summary, and the CSS that keeps it in view and marks the fields (call inside the check
    container keyed `PANEL_KEY`)."""
    st.html(f"<style>{layout_css()}{marks_css(findings)}</style>")
    summary(findings)

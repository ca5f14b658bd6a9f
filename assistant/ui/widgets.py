"""Streamlit pieces shared by pages: checker findings with their policy passage, severity badges."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import streamlit as st

from assistant.ui.history import field_label
from assistant.ui.render import escape_md
from assistant.ui.state import t

__all__ = ["SEVERITY_ICON", "finding_details", "findings_by_severity", "severity_counts"]

SEVERITY_ICON = {
    "blocker": ":material/block:",
    "major": ":material/warning:",
    "minor": ":material/lightbulb:",
}
_SEVERITIES = ("blocker", "major", "minor")


def severity_counts(findings: Iterable[Any]) -> dict[str, int]:
    counts = dict.fromkeys(_SEVERITIES, 0)
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return counts


def finding_details(f: Any) -> None:
    """Field, fix and the policy passage of one finding (a rules.Finding or a review FindingView)."""
    st.markdown(f"**{t('draft.field')}:** {escape_md(field_label(f.field) if f.field else '–')}")
    if f.fix:
        st.markdown(f"**{t('draft.fix')}:** {escape_md(f.fix)}")
    if f.citation and f.citation.text:
        st.caption(f"{t('draft.passage')}: {escape_md(f.citation.section)}")
        st.markdown("> " + escape_md(f.citation.text))


def findings_by_severity(findings: list[Any]) -> None:
    """Findings grouped blocker / major / minor, each an expander with its passage and fix."""
    for sev in _SEVERITIES:
        items = [f for f in findings if f.severity == sev]
        if not items:
            continue
        st.markdown(f"**{t('sev.' + sev)}** · {len(items)}")
        for f in items:
            with st.expander(escape_md(f.message), icon=SEVERITY_ICON[sev]):
                finding_details(f)

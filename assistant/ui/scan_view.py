"""The privacy scan on a page (issue 21): the DPIA verdict with its open questions, the AI Act class,
then sections A-J with every item's answer, provenance and citation, in the user's language.

Shared by Draft & check (read-only) and the review view (read-only for authors; reviewers mark each
item, `marks` and `on_mark`)."""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st

from assistant.proposal import Draft
from assistant.review.scan_signoff import MARKS, students_vulnerable
from assistant.scan import render_value, scan_draft
from assistant.scan.models import SECTIONS, ScanItem, ScanResult
from assistant.ui import state
from assistant.ui.i18n import MESSAGES
from assistant.ui.render import escape_md
from assistant.ui.state import t

__all__ = ["students_vulnerable", "scan_for", "scan_panel", "field_label", "humane", "MARKS"]


_FIELD = re.compile(r"(?<![\w.])[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+(?![\w])")


def field_label(name: str) -> str:
    """A draft field or scan setting (`privacy_scan`, `data_subjects`, `ai.role`) by its label in the
    user's language (the form's `field.*` or the scan's `scan.field.*`); unknown names unchanged."""
    for key in (f"field.{name}", f"scan.field.{name}"):
        if key in MESSAGES:
            return t(key)
    return name


def humane(text: str) -> str:
    """`text` (a scan rationale or open question) with the field names it mentions shown by their labels,
    Markdown-escaped."""
    return escape_md(_FIELD.sub(lambda m: f"‘{field_label(m.group(0))}’" if field_label(m.group(0)) != m.group(0)
                                else m.group(0), text))  # fmt: skip


def scan_for(draft: Draft, lang: str) -> ScanResult:
    """The scan of `draft` in `lang` (no model; as fast as the checker)."""
    return scan_draft(draft, lang=lang, students_vulnerable=students_vulnerable(), principles=False)


def _item(item: ScanItem, lang: str) -> str:
    status = t(f"scan.status.{item.status}")
    fields = (
        f" ({', '.join(map(field_label, item.fields))})"
        if item.fields and item.status == "from_draft"
        else ""
    )
    answer = "" if item.answer is None else f"{escape_md(render_value(item.answer, lang))} "
    lines = [f"**{item.id}** {escape_md(item.question)}", f"{t('scan.answer')}: {answer}_[{status}{fields}]_"]
    if item.rationale:
        lines.append(humane(item.rationale))
    if item.evidence:
        lines.append(f'{t("scan.evidence")}: "{escape_md(item.evidence)}"')
    lines.append(
        f"{t('scan.source')}: {escape_md(item.citation.source)} :: {escape_md(item.citation.section)}"
    )
    return "  \n".join(lines)


def _verdict(scan: ScanResult, lang: str) -> None:
    v, ai = scan.verdict, scan.ai_act
    box = st.warning if v.dpia in ("required", "depends") else st.info
    box(f"**{t('scan.verdict_label')}: {escape_md(render_value(v.dpia, lang))}.** {escape_md(v.text)}",
        icon=":material/shield_person:")  # fmt: skip
    if v.reasons:
        st.caption(f"{t('scan.reasons')}: {', '.join(v.reasons)}")
    if v.open_questions:
        st.markdown(f"**{t('scan.open_questions')}**")
        st.markdown("\n".join(f"{n}. {q.id}: {escape_md(q.question)} {humane(q.settle)}"
                              for n, q in enumerate(v.open_questions, 1)))  # fmt: skip
    ai_text = t("scan.ai_class", cls=escape_md(render_value(ai.ai_class, lang)))
    if ai.applies_from:
        ai_text += f", {t('scan.applies_from', date=ai.applies_from)}"
    st.markdown(f"**{t('scan.ai_act')}:** {ai_text}")
    if ai.duties:
        st.markdown(f"{t('scan.duties')}:\n" + "\n".join(f"- {escape_md(d)}" for d in ai.duties))
    if scan.problems:
        st.caption(f"{t('scan.problems')}: " + "; ".join(escape_md(p) for p in scan.problems))


def scan_panel(
    scan: ScanResult,
    lang: str,
    *,
    marks: dict[str, str] | None = None,
    on_mark: Callable[[str, str], None] | None = None,
    key: str = "scan",
) -> None:
    """Draw the scan: verdict and AI Act class, then one expander per section (A-J) with its items.

    `marks` (item id -> one of `MARKS`) are shown next to each item; with `on_mark` (a reviewer) each
    item gets a choice whose change calls `on_mark(item_id, widget_key)` (a callback: the mark is in
    `st.session_state[widget_key]`)."""
    marks = marks or {}
    st.markdown(f"#### {t('scan.title')}")
    st.caption(t("scan.note"))
    _verdict(scan, lang)
    for section in SECTIONS:
        items = [i for i in scan.items if i.section == section]
        if not items:
            continue
        marked = sum(1 for i in items if i.id in marks)
        label = t(f"scan.section.{section}") + (f" · {marked}/{len(items)}" if marks else "")
        with st.expander(label):
            for item in items:
                st.markdown(_item(item, lang))
                if on_mark is not None:
                    current = marks.get(item.id)
                    widget = f"{key}_mark_{item.id}"
                    st.radio(
                        t("scan.mark.label"),
                        MARKS,
                        index=MARKS.index(current) if current in MARKS else None,
                        format_func=state.labeler("scan.mark."),
                        horizontal=True,
                        key=widget,
                        on_change=on_mark,
                        args=(item.id, widget),
                    )
                elif item.id in marks:
                    st.caption(f"{t('scan.mark.label')}: {t('scan.mark.' + marks[item.id])}")

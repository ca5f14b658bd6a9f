"""The privacy scan in the review export (issue 21, point 7): verdict, AI Act class, every item with its
provenance and source, the reviewers' marks and the sign-off (Markdown lines and DOCX), and the scan's
audit entries in words for the history table.

The marks and sign-off are read from the proposal's history (`assistant.review.scan_signoff`)."""

from __future__ import annotations

from typing import Any

from assistant.messages import message
from assistant.review.models import HistoryEntry, ProposalView
from assistant.review.scan_signoff import MARK_ACTION, MARKS, SIGNOFF_ACTION, ScanReview, scan_review
from assistant.scan import render_value
from assistant.scan.models import SECTIONS, ScanResult
from assistant.scan.render import item_line

__all__ = ["scan_markdown_lines", "add_scan_docx", "scan_history_details"]


def _signoff_line(review: ScanReview, lang: str) -> str:
    if review.done:
        when = review.signed_off_at.strftime("%Y-%m-%d %H:%M UTC") if review.signed_off_at else ""
        return message("scan.signoff.done", lang, who=review.signed_off_by, when=when)
    return message("scan.signoff.pending", lang)


def _mark(review: ScanReview, item_id: str, lang: str) -> str:
    mark = review.marks.get(item_id)
    if mark is None:
        return message("scan.mark.none", lang)
    return f"{message(f'scan.mark.{mark}', lang)} ({review.marked_by.get(item_id, '')})"


def _head(scan: ScanResult, lang: str) -> list[str]:
    """The verdict, the open questions and the AI Act class, as paragraphs."""
    v, ai = scan.verdict, scan.ai_act
    out = [f"{message('scan.verdict_label', lang)}: {render_value(v.dpia, lang)}. {v.text}"]
    if v.open_questions:
        out.append(message("scan.open_questions", lang) + ":")
        out += [f"{n}. {q.id}: {q.question} {q.settle}" for n, q in enumerate(v.open_questions, 1)]
    ai_text = message("scan.ai_class", lang, cls=render_value(ai.ai_class, lang))
    if ai.applies_from:
        ai_text += f", {message('scan.applies_from', lang, date=ai.applies_from)}"
    out.append(f"{message('scan.ai_act', lang)}: {ai_text}")
    return out


def scan_markdown_lines(view: ProposalView, scan: ScanResult, lang: str) -> list[str]:
    """The scan as a `## Privacy scan` section: sign-off, verdict, AI Act class, then sections A-J with
    every item and the reviewers' mark on it."""
    review = scan_review(view)
    out = [f"## {message('scan.title', lang)}", "", f"_{message('scan.note', lang)}_", "",
           f"**{_signoff_line(review, lang)}**", ""]  # fmt: skip
    out += [line for p in _head(scan, lang) for line in (p, "")]
    counts = {m: sum(1 for v in review.marks.values() if v == m) for m in MARKS}
    out += [f"{message('scan.mark.export', lang)}: "
            + ", ".join(f"{message(f'scan.mark.{m}', lang)} {n}" for m, n in counts.items())
            + f"; {message('scan.mark.none', lang)} {sum(1 for i in scan.items if i.id not in review.marks)}", ""]  # fmt: skip
    for section in SECTIONS:
        out += [f"### {message(f'scan.section.{section}', lang)}", ""]
        for item in scan.items:
            if item.section == section:
                out += item_line(item, lang)
                out.append(f"  {message('scan.mark.label', lang)}: {_mark(review, item.id, lang)}")
        out.append("")
    return out


def add_scan_docx(doc: Any, view: ProposalView, scan: ScanResult, lang: str) -> None:
    """The same section in a python-docx `doc`: paragraphs, then one table per section (id, question,
    answer, where it comes from, source, mark)."""
    review = scan_review(view)
    doc.add_heading(message("scan.title", lang), level=1)
    doc.add_paragraph(message("scan.note", lang)).runs[0].italic = True
    doc.add_paragraph().add_run(_signoff_line(review, lang)).bold = True
    for p in _head(scan, lang):
        doc.add_paragraph(p)
    header = [message(f"scan.export.{k}", lang) for k in ("id", "question", "answer", "status")]
    header += [message("scan.source", lang), message("scan.mark.label", lang)]
    for section in SECTIONS:
        items = [i for i in scan.items if i.section == section]
        if not items:
            continue
        doc.add_heading(message(f"scan.section.{section}", lang), level=2)
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        for i in items:
            status = message(f"scan.status.{i.status}", lang)
            if i.fields and i.status == "from_draft":
                status += f" ({', '.join(i.fields)})"
            answer = "" if i.answer is None else render_value(i.answer, lang)
            row = (i.id, i.question, answer, status, f"{i.citation.source} :: {i.citation.section}",
                   _mark(review, i.id, lang))  # fmt: skip
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text


def scan_history_details(h: HistoryEntry, lang: str) -> str | None:
    """A `scan_mark` or `scan_signoff` audit entry's details in words; None for any other entry."""
    d = h.details
    if h.action == MARK_ACTION:
        return f"{d.get('item', '')}: {message('scan.mark.' + str(d.get('mark')), lang)}"
    if h.action == SIGNOFF_ACTION:
        marks = d.get("marks") or {}
        parts = [f"{message('scan.verdict_label', lang)}: {render_value(d.get('verdict'), lang)}",
                 f"{message('export.detail.ai_class', lang)}: {render_value(d.get('ai_class'), lang)}"]  # fmt: skip
        parts += [f"{message(f'scan.mark.{m}', lang)}: {n}" for m, n in marks.items() if m in MARKS]
        parts.append(f"{message('export.detail.unmarked', lang)}: {d.get('unmarked', 0)}")
        return "; ".join(parts)
    return None

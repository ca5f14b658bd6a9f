"""The scan for people: Markdown in Dutch or English, verdict and open questions first, then sections
A-J with each answer's provenance and source (the CLI's text output and the exports)."""

from __future__ import annotations

from assistant.messages import message
from assistant.scan.engine import render_value
from assistant.scan.models import SECTIONS, ScanItem, ScanResult

__all__ = ["scan_markdown", "item_line", "items_table_markdown"]


def item_line(item: ScanItem, lang: str) -> list[str]:
    """One item as Markdown lines: question, answer with its status, rationale, evidence, source."""
    status = message(f"scan.status.{item.status}", lang)
    fields = f" ({', '.join(item.fields)})" if item.fields and item.status == "from_draft" else ""
    answer = "" if item.answer is None else f"{render_value(item.answer, lang)} "
    lines = [
        f"- **{item.id}** {item.question}",
        f"  {message('scan.answer', lang)}: {answer}_[{status}{fields}]_",
    ]
    if item.rationale:
        lines.append(f"  {item.rationale}")
    if item.evidence:
        lines.append(f'  {message("scan.evidence", lang)}: "{item.evidence}"')
    lines.append(f"  {message('scan.source', lang)}: {item.citation.source} :: {item.citation.section}")
    return lines


def scan_markdown(result: ScanResult, lang: str | None = None) -> str:
    """The whole scan as Markdown (in `lang`, default the result's language)."""
    lang = lang or result.language
    v, ai = result.verdict, result.ai_act
    out = [f"# {message('scan.title', lang)}: {result.file}", "", f"_{message('scan.note', lang)}_", "",
           f"**{message('scan.verdict_label', lang)}: {render_value(v.dpia, lang)}.** {v.text}"]  # fmt: skip
    if v.reasons:
        out.append(f"{message('scan.reasons', lang)}: {', '.join(v.reasons)}")
    if v.open_questions:
        out += ["", f"**{message('scan.open_questions', lang)}**"]
        out += [f"{n}. {q.id}: {q.question} {q.settle}" for n, q in enumerate(v.open_questions, 1)]
    out += ["", f"**{message('scan.ai_act', lang)}:** "
            + message("scan.ai_class", lang, cls=render_value(ai.ai_class, lang))
            + (f", {message('scan.applies_from', lang, date=ai.applies_from)}" if ai.applies_from else "")]  # fmt: skip
    if ai.duties:
        out += [f"{message('scan.duties', lang)}:"] + [f"- {d}" for d in ai.duties]
    if result.problems:
        out += ["", f"**{message('scan.problems', lang)}:**"] + [f"- {p}" for p in result.problems]
    for section in SECTIONS:
        out += ["", f"## {message(f'scan.section.{section}', lang)}", ""]
        for item in result.items:
            if item.section == section:
                out += item_line(item, lang)
    if result.principles:
        out += ["", f"## {message('scan.principles', lang)}", ""]
        out += [f"- {f.severity} {f.principle} ({f.field}): {f.message}" for f in result.principles]
    return "\n".join(out) + "\n"


def items_table_markdown(lang: str = "en") -> str:
    """The table of every scan item (id, section, question, source) for docs/scan.md."""
    from assistant.scan.engine import ITEMS
    from assistant.scan.registry import citation_for

    rows = ["| id | section | question | source |", "|---|---|---|---|"]
    for item in ITEMS:
        c = citation_for(item.cite)
        rows.append(
            f"| {item.id} | {message(f'scan.section.{item.section}', lang)} | {message(f'scan.q.{item.id}', lang)} "
            f"| {c.source} :: {c.section} |"
        )
    return "\n".join(rows) + "\n"

"""Export a proposal's review for a reader: Markdown and DOCX.

Contents: draft summary, findings by severity with the policy passage they rest on and their
verdicts, the action plan (what / owner / due), the decision and the history.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.errors import InputError
from assistant.review.models import ProposalView

__all__ = [
    "FORMATS",
    "render_markdown",
    "render_docx",
    "safe_output_path",
    "export_review",
    "default_filename",
    "mime_type",
]

FORMATS = {"md": (".md", ".markdown", ".txt"), "docx": (".docx",)}
_MIME = {
    "md": "text/markdown",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# Draft fields shown in the summary, in reading order (label, key).
_DRAFT_FIELDS = [
    ("Summary", "summary"),
    ("Project type", "project_type"),
    ("Application areas", "areas"),
    ("Purposes", "purposes"),
    ("Stakeholders", "stakeholders"),
    ("Data", "data"),
    ("Necessity", "necessity"),
    ("Legal basis", "legal_basis"),
    ("Informed consent", "informed_consent"),
    ("Ethics approval", "ethics_approval"),
    ("Retention", "retention"),
    ("Privacy statement", "privacy_statement"),
    ("Security measures", "security_measures"),
    ("Uses AI", "uses_ai"),
    ("AI", "ai"),
    ("Human in the loop", "human_in_the_loop"),
    ("Privacy scan", "privacy_scan"),
    ("Interests weighed", "interests_weighed"),
    ("Analysis validation", "analysis_validation"),
    ("Responsible", "responsible"),
]


def _fmt_value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_fmt_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        if value and all(isinstance(v, dict) and "name" in v for v in value):
            return "; ".join(f"{v['name']} ({v.get('category', '?')}, {v.get('source', '?')})" for v in value)
        return ", ".join(_fmt_value(v) for v in value)
    return " ".join(str(value).split())


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _draft_rows(view: ProposalView) -> list[tuple[str, str]]:
    return [(label, _fmt_value(view.draft.get(key))) for label, key in _DRAFT_FIELDS if key in view.draft]


def _verdict_line(f) -> str:
    e = f.evaluation
    if e is None:
        return "not evaluated yet"
    parts = [f"{e.verdict} by {e.reviewer} ({_when(e.at)})"]
    if e.comment:
        parts.append(f"reason: {e.comment}")
    if e.verdict == "improvable":
        parts.append(f"action: {e.action} (owner {e.owner}, due {e.due})")
    return "; ".join(parts)


def _history_rows(view: ProposalView) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for h in view.history:
        details = ", ".join(f"{k}={v}" for k, v in h.details.items() if k not in ("finding",))
        rows.append((_when(h.at), h.actor, h.action, str(h.version or "-"), details))
    return rows


def _decision_line(view: ProposalView) -> str:
    d = view.decision
    if d is None:
        return f"No decision yet (status: {view.status})."
    line = f"{d.decision} by {d.reviewer} on {_when(d.at)} (version {d.version})"
    return line + (f": {d.comment}" if d.comment else ".")


# --------------------------------------------------------------------------- Markdown


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    header = list(header)
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def render_markdown(view: ProposalView) -> str:
    """The review as Markdown."""
    lines = [
        f"# Review of proposal {view.id}: {view.title}",
        "",
        f"- Author: {view.author}",
        f"- Status: **{view.status}**",
        f"- Version: {view.shown_version} of {view.version}",
        f"- Submitted: {_when(view.created_at)}; last change: {_when(view.updated_at)}",
        "- Findings: " + (", ".join(f"{n} {s}" for s, n in view.severities.items()) or "none"),
        "",
        "## Draft",
        "",
    ]
    lines += [f"- **{label}**: {value}" for label, value in _draft_rows(view)]
    lines += ["", "## Findings", ""]
    if not view.findings:
        lines += ["The checker found no gaps.", ""]
    for f in view.findings:
        lines += [f"### [{f.severity.upper()}] {f.rule} ({f.principle})", "", f.message or "-", ""]
        if f.field:
            lines.append(f"- Field: `{f.field}`")
        if f.fix:
            lines.append(f"- Fix: {f.fix}")
        lines.append(f"- Verdict: {_verdict_line(f)}")
        if f.citation.section or f.citation.text:
            lines += ["", f"Policy: *{f.citation.section}* ({f.citation.source})", ""]
            lines += ["> " + line if line.strip() else ">" for line in f.citation.text.strip().splitlines()]
        lines.append("")
    lines += ["## Action plan", ""]
    if view.action_plan:
        lines += _table(
            ["What", "Owner", "Due", "Finding", "Reviewer"],
            [
                (a.what, a.owner, a.due.isoformat(), f"{a.rule} ({a.severity})", a.reviewer)
                for a in view.action_plan
            ],
        )
    else:
        lines.append("No actions (no `improvable` verdicts).")
    lines += ["", "## Decision", "", _decision_line(view), ""]
    if view.approval_blockers and view.status in ("submitted", "in_review"):
        lines += ["Open before approval: " + "; ".join(view.approval_blockers) + ".", ""]
    lines += ["## History", ""]
    lines += _table(["When", "Who", "Action", "Version", "Details"], _history_rows(view))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- DOCX


def render_docx(view: ProposalView) -> bytes:
    """The review as a Word document (bytes)."""
    import docx
    from docx.shared import Pt

    doc = docx.Document()
    doc.core_properties.title = f"Review of proposal {view.id}: {view.title}"
    doc.core_properties.author = "LA Policy Assistant"
    doc.add_heading(f"Review of proposal {view.id}: {view.title}", level=0)
    _docx_table(
        doc,
        ["Item", "Value"],
        [
            ("Author", view.author),
            ("Status", view.status),
            ("Version", f"{view.shown_version} of {view.version}"),
            ("Submitted", _when(view.created_at)),
            ("Last change", _when(view.updated_at)),
            ("Decision", _decision_line(view)),
        ],
        header_row=False,
    )

    doc.add_heading("Draft", level=1)
    for label, value in _draft_rows(view):
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)

    doc.add_heading("Findings", level=1)
    if not view.findings:
        doc.add_paragraph("The checker found no gaps.")
    for f in view.findings:
        doc.add_heading(f"[{f.severity.upper()}] {f.rule} ({f.principle})", level=2)
        doc.add_paragraph(f.message or "-")
        for label, value in (("Field", f.field), ("Fix", f.fix), ("Verdict", _verdict_line(f))):
            if value:
                p = doc.add_paragraph(style="List Bullet")
                p.add_run(f"{label}: ").bold = True
                p.add_run(value)
        if f.citation.section or f.citation.text:
            p = doc.add_paragraph()
            p.add_run(f"Policy: {f.citation.section} ({f.citation.source})").italic = True
            quote = doc.add_paragraph(f.citation.text.strip(), style="Quote")
            for run in quote.runs:
                run.font.size = Pt(9)

    doc.add_heading("Action plan", level=1)
    if view.action_plan:
        _docx_table(
            doc,
            ["What", "Owner", "Due", "Finding", "Reviewer"],
            [
                (a.what, a.owner, a.due.isoformat(), f"{a.rule} ({a.severity})", a.reviewer)
                for a in view.action_plan
            ],
        )
    else:
        doc.add_paragraph("No actions (no improvable verdicts).")

    doc.add_heading("Decision", level=1)
    doc.add_paragraph(_decision_line(view))
    if view.approval_blockers and view.status in ("submitted", "in_review"):
        doc.add_paragraph("Open before approval: " + "; ".join(view.approval_blockers) + ".")

    doc.add_heading("History", level=1)
    _docx_table(doc, ["When", "Who", "Action", "Version", "Details"], _history_rows(view))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _docx_table(doc, header: list[str], rows: Iterable[Iterable[str]], *, header_row: bool = True) -> None:
    table = doc.add_table(rows=0, cols=len(header))
    table.style = "Table Grid"
    if header_row:
        cells = table.add_row().cells
        for cell, name in zip(cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(name).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)


# --------------------------------------------------------------------------- files


def default_filename(view: ProposalView, fmt: str) -> str:
    return f"review-{view.id}-v{view.shown_version}.{fmt}"


def safe_output_path(out: str | os.PathLike, fmt: str, folder: str | os.PathLike | None = None) -> Path:
    """Where to write: inside `folder` when one is given (no `..`, absolute path or symlink escaping it),
    never a directory, and with a suffix that matches the format. Raises InputError (`field` out or
    format) for a path or format it refuses."""
    if fmt not in FORMATS:
        raise InputError(f"Unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}.", field="format")
    if "\x00" in str(out):  # Path.resolve() would raise ValueError
        raise InputError("The output file name contains a NUL character.", field="out")
    raw = Path(out).expanduser()
    if not str(out).strip():
        raise InputError(key="error.export.out_required", field="out")
    if folder is not None:
        base = Path(folder).expanduser().resolve()
        if not base.is_dir():
            raise InputError(f"Export folder {base} does not exist.")
        target = (base / raw).resolve()
        if not target.is_relative_to(base) or target == base:
            raise InputError(f"Output path {out} is outside the export folder {base}.", field="out")
    else:
        target = raw.resolve()
    if target.is_dir():
        raise InputError(f"Output path {target} is a directory; give a file name.", field="out")
    if target.suffix.lower() not in FORMATS[fmt]:
        raise InputError(
            f"Output file {target.name} does not match format {fmt}; "
            f"use a {' or '.join(FORMATS[fmt])} file name.",
            field="out",
        )
    if target.parent.exists() and not target.parent.is_dir():
        raise InputError(f"{target.parent} is not a folder.", field="out")
    return target


def export_review(
    view: ProposalView, fmt: str, out: str | os.PathLike, *, folder: str | os.PathLike | None = None
) -> Path:
    """Write the review as `fmt` (md | docx) to `out` atomically (temp file + rename); returns the path."""
    fmt = {"markdown": "md"}.get(fmt.lower(), fmt.lower())
    target = safe_output_path(out, fmt, folder)
    data = render_markdown(view).encode("utf-8") if fmt == "md" else render_docx(view)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def mime_type(fmt: str) -> str:
    """MIME type for a download button."""
    return _MIME[fmt]

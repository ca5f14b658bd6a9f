"""Export a proposal's review for a reader: Markdown and DOCX.

Contents: draft summary, findings by severity with the policy passage they rest on and their
verdicts, the action plan (what / owner / due), the decision and the history. Every text in `lang`
(Dutch or English, the `export.*` messages of the catalogue; English by default, as the CLI writes it).
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import InputError
from assistant.messages import message
from assistant.pii import redact
from assistant.proposal import DRAFT_FIELDS
from assistant.review.models import ProposalView
from assistant.review.redaction import redact_data

if TYPE_CHECKING:
    from assistant.scan.models import ScanResult

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

# Draft fields shown in the summary, in reading order (labels: `export.field.<key>`).
_DRAFT_FIELDS = tuple(f for f in DRAFT_FIELDS if f != "title")  # the title heads the export


class _Texts:
    """The export's texts in one language: `tx("key", ...)` is the message `export.key`."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **fields: Any) -> str:
        return message(f"export.{key}", self.lang, **fields)

    def word(self, table: str, value: str) -> str:
        """A status, verdict or severity by its label (`status.approved`), else as it is."""
        try:
            return message(f"{table}.{value}", self.lang)
        except KeyError:
            return value


def _fmt_value(value: Any, tx: _Texts) -> str:
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, bool):
        return tx.word("common", "yes" if value else "no")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_fmt_value(v, tx)}" for k, v in value.items())
    if isinstance(value, list):
        if value and all(isinstance(v, dict) and "name" in v for v in value):
            return "; ".join(
                f"{v['name']} ({tx.word('value', v.get('category', '?'))}, {v.get('source', '?')})"
                for v in value
            )
        return ", ".join(_fmt_value(v, tx) for v in value)
    if isinstance(value, str) and value in _CHOICES:
        return tx.word("value", value)
    return " ".join(str(value).split())


_CHOICES = frozenset(
    {"implementation", "research", "public_interest", "consent", "done", "planned", "not_planned"}
)


def _without_personal_data(view: ProposalView) -> ProposalView:
    """The view with personal data redacted from its draft and title (drafts are redacted when they are
    submitted; this also covers proposals stored before that)."""
    return view.model_copy(update={"draft": redact_data(view.draft)[0], "title": redact(view.title)[0]})


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _draft_rows(view: ProposalView, tx: _Texts) -> list[tuple[str, str]]:
    return [
        (tx(f"field.{key}"), _fmt_value(view.draft.get(key), tx))
        for key in _DRAFT_FIELDS
        if key in view.draft
    ]


def _verdict_line(f, tx: _Texts) -> str:
    e = f.evaluation
    if e is None:
        return tx("not_evaluated")
    parts = [tx("verdict_by", verdict=tx.word("verdict", e.verdict), reviewer=e.reviewer, at=_when(e.at))]
    if e.comment:
        parts.append(tx("reason", comment=e.comment))
    if e.verdict == "improvable":
        parts.append(tx("plan", action=e.action, owner=e.owner, due=e.due))
    return "; ".join(parts)


def _history_rows(view: ProposalView, tx: _Texts) -> list[tuple[str, str, str, str, str]]:
    from assistant.exports.review_scan import scan_history_details

    rows = []
    for h in view.history:
        details = scan_history_details(h, tx.lang)
        details = _details(h.details, tx) if details is None else details
        rows.append((_when(h.at), h.actor, tx.word("export.event", h.action), str(h.version or "-"), details))
    return rows


_DETAIL_WORDS = {
    "verdict": "verdict",
    "previous": "verdict",
    "decision": "status",
    "previous_status": "status",
}


def _details(details: dict[str, Any], tx: _Texts) -> str:
    """An audit entry's details in words: 'verdict: to fix; comment: ...' (the rule id stays an id)."""
    parts = []
    for key, value in details.items():
        if key == "finding":
            continue
        if key in _DETAIL_WORDS:
            value = tx.word(_DETAIL_WORDS[key], str(value))
        elif key == "severity":
            value = tx.word("sev", str(value)).lower()
        elif key == "redacted" and isinstance(value, dict):
            value = ", ".join(
                f"{tx.word('export.field', field)} ({', '.join(tx.word('draft.pii', k) for k in kinds)})"
                for field, kinds in value.items()
            )
        elif isinstance(value, bool):
            value = tx.word("common", "yes" if value else "no")
        parts.append(f"{tx.word('export.detail', key)}: {value}")
    return "; ".join(parts)


def _decision_line(view: ProposalView, tx: _Texts) -> str:
    d = view.decision
    if d is None:
        return tx("no_decision", status=tx.word("status", view.status))
    line = tx(
        "decision_line",
        decision=tx.word("status", d.decision),
        reviewer=d.reviewer,
        at=_when(d.at),
        version=d.version,
    )
    return line + (f": {d.comment}" if d.comment else ".")


def _open_points(view: ProposalView, tx: _Texts) -> list[str]:
    """Why approval is refused now (the rules of `assistant.review.views.approval_problems`)."""
    points = []
    for f in view.findings:
        if f.verdict is None and f.severity in ("blocker", "major"):
            points.append(tx("open_no_verdict", severity=tx.word("sev", f.severity).lower(), rule=f.rule))
        elif f.verdict == "to_fix":
            points.append(tx("open_to_fix", rule=f.rule))
    return points


def _severity(f, tx: _Texts) -> str:
    return tx.word("sev", f.severity)


# --------------------------------------------------------------------------- Markdown


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    header = list(header)
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def render_markdown(view: ProposalView, lang: str = "en", scan: ScanResult | None = None) -> str:
    """The review as Markdown in `lang` (personal data in the draft redacted); with `scan`, the privacy
    scan with the reviewers' marks and sign-off after the findings."""
    view, tx = _without_personal_data(view), _Texts(lang)
    counts = ", ".join(f"{n} {tx.word('sev', s).lower()}" for s, n in view.severities.items())
    lines = [
        "# " + tx("title", id=view.id, title=view.title),
        "",
        f"- {tx('author')}: {view.author}",
        f"- {tx('status')}: **{tx.word('status', view.status)}**",
        f"- {tx('version')}: " + tx("version_of", shown=view.shown_version, total=view.version),
        "- " + tx("dates", created=_when(view.created_at), updated=_when(view.updated_at)),
        f"- {tx('findings')}: " + (counts or tx("none")),
        "",
        f"## {tx('draft')}",
        "",
    ]
    lines += [f"- **{label}**: {value}" for label, value in _draft_rows(view, tx)]
    lines += ["", f"## {tx('findings')}", ""]
    if not view.findings:
        lines += [tx("no_gaps"), ""]
    for f in view.findings:
        lines += [f"### [{_severity(f, tx).upper()}] {f.rule} ({f.principle})", "", f.message or "-", ""]
        if f.field:
            lines.append(f"- {tx('field_label')}: `{f.field}`")
        if f.fix:
            lines.append(f"- {tx('fix')}: {f.fix}")
        lines.append(f"- {tx('verdict')}: {_verdict_line(f, tx)}")
        if f.citation.section or f.citation.text:
            lines += ["", f"{tx('policy')}: *{f.citation.section}* ({f.citation.source})", ""]
            lines += ["> " + line if line.strip() else ">" for line in f.citation.text.strip().splitlines()]
        lines.append("")
    if scan is not None:
        from assistant.exports.review_scan import scan_markdown_lines

        lines += scan_markdown_lines(view, scan, lang)
    lines += [f"## {tx('action_plan')}", ""]
    if view.action_plan:
        lines += _table(_plan_header(tx), _plan_rows(view, tx))
    else:
        lines.append(tx("no_actions"))
    lines += ["", f"## {tx('decision')}", "", _decision_line(view, tx), ""]
    if view.approval_blockers and view.status in ("submitted", "in_review"):
        lines += [tx("open", points="; ".join(_open_points(view, tx))), ""]
    lines += [f"## {tx('history')}", ""]
    lines += _table(_history_header(tx), _history_rows(view, tx))
    return "\n".join(lines) + "\n"


def _plan_header(tx: _Texts) -> list[str]:
    return [tx("what"), tx("owner"), tx("due"), tx("finding"), tx("reviewer")]


def _plan_rows(view: ProposalView, tx: _Texts) -> list[tuple[str, ...]]:
    return [
        (a.what, a.owner, a.due.isoformat(), f"{a.rule} ({tx.word('sev', a.severity).lower()})", a.reviewer)
        for a in view.action_plan
    ]


def _history_header(tx: _Texts) -> list[str]:
    return [tx("when"), tx("who"), tx("action"), tx("version"), tx("details")]


# --------------------------------------------------------------------------- DOCX


def render_docx(view: ProposalView, lang: str = "en", scan: ScanResult | None = None) -> bytes:
    """The review as a Word document (bytes) in `lang` (personal data in the draft redacted); with
    `scan`, the privacy scan with the reviewers' marks and sign-off after the findings."""
    view, tx = _without_personal_data(view), _Texts(lang)
    import docx
    from docx.shared import Pt

    doc = docx.Document()
    title = tx("title", id=view.id, title=view.title)
    doc.core_properties.title = title
    doc.core_properties.author = "LA Policy Assistant"
    doc.add_heading(title, level=0)
    _docx_table(
        doc,
        [tx("item"), tx("value")],
        [
            (tx("author"), view.author),
            (tx("status"), tx.word("status", view.status)),
            (tx("version"), tx("version_of", shown=view.shown_version, total=view.version)),
            (tx("submitted"), _when(view.created_at)),
            (tx("last_change"), _when(view.updated_at)),
            (tx("decision"), _decision_line(view, tx)),
        ],
        header_row=False,
    )

    doc.add_heading(tx("draft"), level=1)
    for label, value in _draft_rows(view, tx):
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)

    doc.add_heading(tx("findings"), level=1)
    if not view.findings:
        doc.add_paragraph(tx("no_gaps"))
    for f in view.findings:
        doc.add_heading(f"[{_severity(f, tx).upper()}] {f.rule} ({f.principle})", level=2)
        doc.add_paragraph(f.message or "-")
        for label, value in (
            (tx("field_label"), f.field),
            (tx("fix"), f.fix),
            (tx("verdict"), _verdict_line(f, tx)),
        ):
            if value:
                p = doc.add_paragraph(style="List Bullet")
                p.add_run(f"{label}: ").bold = True
                p.add_run(value)
        if f.citation.section or f.citation.text:
            p = doc.add_paragraph()
            p.add_run(f"{tx('policy')}: {f.citation.section} ({f.citation.source})").italic = True
            quote = doc.add_paragraph(f.citation.text.strip(), style="Quote")
            for run in quote.runs:
                run.font.size = Pt(9)
    if scan is not None:
        from assistant.exports.review_scan import add_scan_docx

        add_scan_docx(doc, view, scan, lang)

    doc.add_heading(tx("action_plan"), level=1)
    if view.action_plan:
        _docx_table(doc, _plan_header(tx), _plan_rows(view, tx))
    else:
        doc.add_paragraph(tx("no_actions"))

    doc.add_heading(tx("decision"), level=1)
    doc.add_paragraph(_decision_line(view, tx))
    if view.approval_blockers and view.status in ("submitted", "in_review"):
        doc.add_paragraph(tx("open", points="; ".join(_open_points(view, tx))))

    doc.add_heading(tx("history"), level=1)
    _docx_table(doc, _history_header(tx), _history_rows(view, tx))
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
    view: ProposalView,
    fmt: str,
    out: str | os.PathLike,
    *,
    folder: str | os.PathLike | None = None,
    scan: ScanResult | None = None,
) -> Path:
    """Write the review as `fmt` (md | docx) to `out` atomically (temp file + rename); returns the path.
    With `scan`, the document includes the privacy scan with the reviewers' marks (in English)."""
    fmt = {"markdown": "md"}.get(fmt.lower(), fmt.lower())
    target = safe_output_path(out, fmt, folder)
    data = render_markdown(view, scan=scan).encode("utf-8") if fmt == "md" else render_docx(view, scan=scan)
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

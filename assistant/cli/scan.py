"""CLI command `scan`: the privacy scan of LA proposal drafts (registered on the `assistant` typer app).

Like `check`, it imports only the draft model, the checker and the scan: no torch, no embedding model.
`scan --json` prints a JSON array with one object per file, in the order given (`ScanResult`:
`{"file", "scan_version", "language", "verdict", "ai_act", "items", "principles", "problems"}`), plus
`"error"` for a file that could not be used; without `--json` the scan is printed as Markdown.
`--students-vulnerable yes|no|ask` (or `ASSISTANT_STUDENTS_VULNERABLE`) is the university's decision
whether students count as vulnerable data subjects (WP248 criterion 7; default ask: left open).
Exit codes: 0 every draft scanned, 2 unusable input. A scan never passes or fails: people decide.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer

from assistant.errors import InputError
from assistant.messages import Lang

__all__ = ["register", "scan_command"]


class _Vulnerable(StrEnum):
    yes = "yes"
    no = "no"
    ask = "ask"


def scan_command(
    files: list[Path] = typer.Argument(..., help="Draft JSON file(s) (exchange format v1)."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array: one scan object per file."),
    lang: Lang = typer.Option(
        None, "--lang", help="Language of the scan: nl or en (default: each draft's own language)."
    ),
    vulnerable: _Vulnerable = typer.Option(
        _Vulnerable.ask,
        "--students-vulnerable",
        envvar="ASSISTANT_STUDENTS_VULNERABLE",
        help="UU's decision whether students are vulnerable data subjects (WP248 7): yes, no or ask.",
    ),
) -> None:
    """Pre-fill the privacy scan: DPIA screening and AI Act questions (exit 0 scanned, 2 unusable input)."""
    from assistant.checker import draft_language
    from assistant.proposal import load_draft
    from assistant.scan import scan_result
    from assistant.scan.render import scan_markdown

    setting = {"yes": True, "no": False}.get(vulnerable.value)
    results: list[dict] = []
    texts: list[str] = []
    unusable = False
    for path in files:
        try:
            draft = load_draft(path)
            file_lang = lang.value if lang else draft_language(draft)
            result = scan_result(str(path), draft, lang=file_lang, students_vulnerable=setting)
            results.append(result.model_dump(mode="json", by_alias=True))
            texts.append(scan_markdown(result))
        except InputError as exc:
            unusable = True
            typer.secho(f"Error: {exc}", err=True, fg=typer.colors.RED)
            results.append({"file": str(path), "error": str(exc)})
            texts.append("")
    if as_json:
        typer.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join(t for t in texts if t))
    sys.stdout.flush()
    if unusable:
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add `scan` to the `assistant` app."""
    app.command("scan")(scan_command)

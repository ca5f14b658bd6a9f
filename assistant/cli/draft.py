"""CLI commands `draft` and `check` (registered on the `assistant` typer app).

`check` imports only the draft model and the rule checker: no torch, no embedding model, no
language model (the draft's language is told by its function words).
`check --json` always prints a JSON array with one object per file, in the order given:
`{"file", "passed", "findings": [...]}`, plus `"error"` for a file that could not be used.
Findings' `message` and `fix` are in `--lang` (default: each draft's own language).
`--retention-horizon YEARS` (or `ASSISTANT_RETENTION_HORIZON_YEARS`, default 10) is how far ahead a
retention end may lie.
Exit codes: 0 all drafts pass, 1 any blocker/major finding, 2 unusable input.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer

from assistant.errors import AssistantError, InputError
from assistant.messages import Lang

__all__ = ["register", "draft_command", "check_command"]


class _Type(StrEnum):
    implementation = "implementation"
    research = "research"


def _fail(exc: AssistantError) -> typer.Exit:
    typer.secho(f"Error: {exc}", err=True, fg=typer.colors.RED)
    return typer.Exit(exc.exit_code)


# --------------------------------------------------------------------------- draft


def _embedder(settings, warnings: list[str]):
    """The configured embedding model when it loads; otherwise None (cue words only) with a warning."""
    try:
        from assistant.services import load_embedder
    except ImportError as exc:
        warnings.append(f"Embedding model not available ({exc}); areas ranked by cue words only.")
        return None
    try:
        return load_embedder(settings)
    except Exception as exc:  # model missing, not provisioned, offline hub ...
        warnings.append(
            f"Embedding model not loaded ({type(exc).__name__}: {exc}); areas ranked by cue words only."
        )
        return None


def _draft(text: str, project_type: str | None, settings):
    """The draft of `services.make_draft`, ranked with the embedding model when it loads."""
    from assistant.services import make_draft

    warnings: list[str] = []
    result = make_draft(settings, text, project_type, embedder=_embedder(settings, warnings))
    result.warnings[:0] = warnings
    return result


def _print_draft(result) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from assistant.checker import check_draft
    from assistant.policy import AREAS

    console = Console()
    draft = result.draft
    evidence = result.evidence
    kind = draft.project_type or f"{result.suggested.get('project_type', '?')}?"
    console.print(f"[bold]{escape(draft.title or '(untitled)')}[/bold]  [dim]({kind}, {result.method})[/dim]")
    table = Table(title="Application areas (best first)", show_edge=False)
    table.add_column("area")
    table.add_column("confidence", justify="right")
    table.add_column("")
    table.add_column("evidence", overflow="fold")
    for area_id, confidence in result.areas_ranked[:4]:
        chosen = area_id in draft.areas
        table.add_row(
            f"{area_id} {AREAS[area_id].label_en}",
            f"{confidence:.2f}",
            "[green]chosen[/green]" if chosen else "",
            escape(evidence.get(area_id, "")) if chosen else "",
        )
    console.print(table)
    for label, items in (("Purposes", draft.purposes), ("Stakeholders", draft.stakeholders)):
        console.print(f"[bold]{label}:[/bold] " + ("; ".join(escape(i) for i in items) or "-"))
    data = [f"{d.name} ({d.category}{', ' + d.source if d.source else ''})" for d in draft.data]
    console.print("[bold]Data:[/bold] " + (escape(", ".join(data)) or "-"))
    console.print(f"[bold]Uses AI:[/bold] {'yes' if draft.uses_ai else 'no'}")
    for field, value in result.suggested.items():
        why = "guessed from the text" if field == "project_type" else "the policy implies it"
        console.print(f"[cyan]suggested[/cyan] {field}: {value} ({why}; confirm it in the draft)")
    if result.open_fields:
        console.print("[bold]Open:[/bold] " + ", ".join(result.open_fields))
    for warning in result.warnings:
        console.print(f"[yellow]! {escape(warning)}[/yellow]")
    findings = check_draft(draft)
    counts = {s: sum(f.severity == s for f in findings) for s in ("blocker", "major", "minor")}
    console.print(
        f"Checker: {counts['blocker']} blocker, {counts['major']} major, {counts['minor']} minor. "
        "Save with --out draft.json, complete the fields and run `assistant check draft.json`."
    )


def draft_command(
    description: str = typer.Option(None, "--description", "-d", help="The project idea in a few sentences."),
    file: Path = typer.Option(None, "--file", "-f", help="A text file with the project idea."),
    project_type: _Type = typer.Option(
        None, "--type", help="implementation or research (guessed if omitted)."
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="Print the draft as JSON (exchange format v1, with evidence, suggested and open_fields).",
    ),
    out: Path = typer.Option(None, "--out", "-o", help="Write the draft: .json, .md or .docx by the suffix."),
    lang: str = typer.Option(
        None, "--lang", help="Language of a .md/.docx export: nl or en (default: the text's)."
    ),
) -> None:
    """Turn a project idea into a proposal draft mapped to the policy's areas and principles."""
    try:
        if (description is None) == (file is None):
            raise InputError("Give the idea with either --description TEXT or --file FILE.")
        if file is not None:
            try:
                description = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"{file}: cannot be read ({exc}).") from None
        from assistant.config import load_settings

        result = _draft(description, project_type.value if project_type else None, load_settings())
        data = result.to_dict()
        if out is not None:
            _write(out, result, lang or result.language)
        if as_json:
            typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            _print_draft(result)
        if out is not None:
            typer.echo(f"Wrote {out}", err=as_json)
    except AssistantError as exc:
        raise _fail(exc) from None


def _scan(draft, lang: str):
    """The privacy scan for the .md / .docx export (`ASSISTANT_STUDENTS_VULNERABLE` as `assistant scan`)."""
    from assistant.review.scan_signoff import students_vulnerable
    from assistant.scan import scan_draft

    return scan_draft(draft, lang=lang, students_vulnerable=students_vulnerable(), principles=False)


def _write(path: Path, result, lang: str) -> None:
    suffix = path.suffix.lower()
    try:
        if suffix in (".docx", ".md", ".markdown"):
            from assistant.checker import check_draft
            from assistant.exports.draft import draft_to_docx, draft_to_markdown

            findings, scan = check_draft(result.draft, lang=lang), _scan(result.draft, lang)
            if suffix == ".docx":
                path.write_bytes(draft_to_docx(result.draft, findings, lang, scan=scan))
            else:
                path.write_text(draft_to_markdown(result.draft, findings, lang, scan=scan), encoding="utf-8")
        else:
            path.write_text(
                json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
    except OSError as exc:
        raise InputError(f"{path}: cannot be written ({exc.strerror or exc}).") from None


# --------------------------------------------------------------------------- check

_COLORS = {"blocker": "red", "major": "yellow", "minor": "cyan"}


def _print_results(results: list[dict], langs: list[str]) -> None:
    from rich.console import Console
    from rich.markup import escape

    from assistant.messages import message

    console = Console()
    for res, lang in zip(results, langs, strict=True):
        if "error" in res:
            continue
        counts = {s: sum(f["severity"] == s for f in res["findings"]) for s in _COLORS}
        verdict = (
            f"[green]{message('check.cli.pass', lang)}[/green]"
            if res["passed"]
            else f"[red]{message('check.cli.fail', lang)}[/red]"
        )
        console.print(
            f"{verdict} [bold]{escape(res['file'])}[/bold]: {escape(message('check.cli.counts', lang, **counts))}"
        )
        for f in res["findings"]:
            color = _COLORS[f["severity"]]
            console.print(
                f"  [{color}]{f['severity']:<7}[/{color}] {escape(f['principle'])} "
                f"[dim]({escape(f['field'])}, {escape(f['rule'])})[/dim]: {escape(f['message'])}"
            )
            console.print(f"          [dim]{message('check.cli.fix', lang)}[/dim] {escape(f['fix'])}")
            console.print(
                f"          [dim]{message('check.cli.policy', lang)} {escape(f['citation']['section'])}[/dim]"
            )


def _text_language(path: Path) -> str:
    """The language of a draft file's text before it is parsed (errors about it are in that language):
    its function words (`language.detect_language` without the model, which `check` never loads);
    `DEFAULT_LANG` when the file cannot be read as text."""
    from assistant.language import detect_language
    from assistant.messages import DEFAULT_LANG

    try:
        text = path.read_bytes()[:200_000].decode("utf-8-sig", errors="ignore")
    except OSError:
        return DEFAULT_LANG
    try:  # the values, not the format's English keys ('human_in_the_loop')
        text = " ".join(_strings(json.loads(text)))
    except ValueError:
        pass
    return detect_language(text, DEFAULT_LANG, model=False) if text.strip() else DEFAULT_LANG


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def check_command(
    files: list[Path] = typer.Argument(..., help="Draft JSON file(s) (exchange format v1)."),
    as_json: bool = typer.Option(
        False, "--json", help="Print a JSON array: one {file, passed, findings} per file."
    ),
    lang: Lang = typer.Option(
        None, "--lang", help="Language of the findings: nl or en (default: each draft's own language)."
    ),
    horizon: int = typer.Option(
        None,
        "--retention-horizon",
        min=1,
        envvar="ASSISTANT_RETENTION_HORIZON_YEARS",
        help="Years ahead a retention end may lie before it is flagged (default 10).",
    ),
) -> None:
    """Check drafts against the policy rules (exit 0 all pass, 1 blocker/major findings, 2 unusable input)."""
    from assistant.checker import DEFAULT_RETENTION_HORIZON_YEARS, check_result, draft_language
    from assistant.messages import DEFAULT_LANG, message
    from assistant.proposal import load_draft

    results: list[dict] = []
    langs: list[str] = []
    unusable = False
    for path in files:
        file_lang = lang.value if lang else DEFAULT_LANG
        try:
            try:
                draft = load_draft(path, lang=file_lang)
            except InputError:
                if lang:
                    raise
                # unusable: the error in the language of the file's text (read a second time only on failure)
                file_lang = _text_language(path)
                draft = load_draft(path, lang=file_lang)
            file_lang = lang.value if lang else draft_language(draft)
            result = check_result(
                str(path),
                draft,
                lang=file_lang,
                retention_horizon_years=horizon or DEFAULT_RETENTION_HORIZON_YEARS,
            )
            results.append(result.model_dump())
        except InputError as exc:
            unusable = True
            typer.secho(f"{message('input.error', file_lang)}: {exc}", err=True, fg=typer.colors.RED)
            results.append({"file": str(path), "passed": False, "findings": [], "error": str(exc)})
        langs.append(file_lang)
    if as_json:
        typer.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        _print_results(results, langs)
    sys.stdout.flush()
    code = 2 if unusable else 0 if all(r["passed"] for r in results) else 1
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add `draft` and `check` to the `assistant` app."""
    app.command("draft")(draft_command)
    app.command("check")(check_command)

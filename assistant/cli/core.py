"""CLI commands: ingest, remove, ask, chat, search, eval."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

__all__ = ["register", "open_assistant"]


def _settings():
    from assistant.config import load_settings

    return load_settings()


def _progress_printer(console):
    """A rich progress bar on stderr for long runs (first start, ingest)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    state: dict = {}

    def update(stage: str, done: int, total: int) -> None:
        if "task" not in state:
            bar.start()
            state["task"] = bar.add_task("Indexing", total=max(total, 1))
        bar.update(state["task"], completed=done, total=max(total, 1), description=f"Indexing {stage}")
        if done >= total:
            bar.stop()

    return update, bar


def open_assistant(settings, *, quiet: bool = False):
    """`services.build_assistant`, then the first start (model, then the shipped corpus) with its
    progress on stderr when the index is empty; `quiet` prints nothing (for --json)."""
    from rich.console import Console

    from assistant import services

    console = Console(stderr=True, quiet=quiet)
    assistant = services.build_assistant(settings)
    if assistant.index.is_empty():
        console.print(
            "[bold]First start:[/bold] preparing the embedding model and indexing the policy corpus…"
        )
        services.load_embedder(settings, notify=console.print)  # says when it provisions the model
        update, bar = _progress_printer(console)
        try:
            report = services.first_start(assistant, progress=update)
        finally:
            bar.stop()
        if report:
            console.print(f"Index ready: {report.summary()}")
            for name, reason in report.failed:
                console.print(f"[yellow]skipped {name}: {reason}[/yellow]")
    return assistant


def _print_answer(answer, console) -> None:
    from rich.markdown import Markdown
    from rich.panel import Panel

    for w in answer.warnings:
        console.print(f"[yellow]! {w}[/yellow]")
    style = "yellow" if answer.refused else "green"
    console.print(
        Panel(
            Markdown(answer.answer),
            border_style=style,
            title="not in the policy" if answer.refused else f"answer ({answer.backend})",
        )
    )
    for n, c in enumerate(answer.citations, start=1):
        console.print(f"[bold][{n}][/bold] {c.source} :: {c.section}  [dim](score {c.score:.2f})[/dim]")
        # English answers: the unofficial rendering of the quoted sentences, unless the answer already shows
        # it (the extractive answer quotes the English text first, the Dutch original beside it)
        if c.translation_quote and any(
            part.strip() not in answer.answer for part in c.translation_quote.split(" … ")
        ):
            console.print(f"    [dim]unofficial translation:[/dim] {c.translation_quote}", highlight=False)


def _print_report(report, as_json: bool) -> None:
    """An ingest or removal report: JSON, or one line per file and the summary."""
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        return
    for f in report.files:  # failures on stderr, as every command reports errors
        if f.status == "failed":
            typer.echo(f"failed {f.source}: {f.reason}", err=True)
        else:
            typer.echo(f.line())
    typer.echo(report.summary())


def register(app: typer.Typer) -> None:
    @app.command()
    def ingest(
        paths: list[Path] = typer.Argument(None, help="Files or folders (default: the shipped corpus/)."),
        authority: str = typer.Option(
            None, help="official | supplementary (default: from the document, else supplementary)."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    ):
        """Index documents incrementally (.md .txt .pdf .docx .html); prints a report per file."""
        from rich.console import Console

        from assistant.index import PolicyIndex

        if authority and authority not in ("official", "supplementary"):
            raise typer.BadParameter("must be official or supplementary", param_hint="--authority")
        settings = _settings()
        console = Console(stderr=True)
        index = PolicyIndex(settings)
        update, bar = _progress_printer(console)
        try:
            report = index.ingest(
                list(paths) if paths else None, progress=update, authority=authority, bulk=True
            )
        finally:
            bar.stop()
        _print_report(report, as_json)
        if report.failed:
            raise typer.Exit(1)

    @app.command()
    def remove(
        targets: list[str] = typer.Argument(..., help="Files, folders, document ids or file names."),
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    ):
        """Remove documents from the index; they are never cited afterwards (exit 1: a target is not indexed)."""
        from assistant.index import PolicyIndex

        report = PolicyIndex(_settings()).remove(targets)
        _print_report(report, as_json)
        if report.failed:
            raise typer.Exit(1)

    @app.command()
    def ask(
        question: str = typer.Argument(..., help="A question about the LA policy, in Dutch or English."),
        as_json: bool = typer.Option(False, "--json", help="Print the answer object as JSON."),
    ):
        """One answer with citations (or an honest 'the policy does not say')."""
        from rich.console import Console

        from assistant.ask.pipeline import clean_question
        from assistant.errors import InputError

        settings = _settings()
        try:
            clean_question(question, settings.max_question_chars)  # before a first start builds the index
        except InputError as exc:
            if not as_json:
                raise
            # a script that asked for JSON gets JSON: the error, no answer (exit 2, as for any bad input);
            # the error goes to stderr as well, as without --json
            from assistant.cli.errors import error_text

            text = error_text(exc)  # the settings named as the CLI user sets them
            typer.secho(f"Error: {text}", err=True, fg=typer.colors.RED)
            typer.echo(json.dumps({"question": question[:200], "error": text}, ensure_ascii=False))
            raise typer.Exit(2) from None
        assistant = open_assistant(settings, quiet=as_json)
        answer = assistant.ask(question)
        if as_json:
            typer.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=1))
        else:
            _print_answer(answer, Console())

    @app.command()
    def chat():
        """Interactive chat in the terminal; follow-up questions keep the context. Empty line or Ctrl-D ends."""
        from rich.console import Console

        from assistant.errors import InputError

        console = Console()
        assistant = open_assistant(_settings())
        history: list[tuple[str, str]] = []
        console.print("Ask about the learning-analytics policy (Dutch or English). Empty line to stop.")
        while True:
            try:
                question = console.input("[bold cyan]> [/bold cyan]")
            except (EOFError, KeyboardInterrupt):
                break
            if not question.strip():
                break
            try:
                answer = assistant.ask(question, history=history)
            except InputError as exc:
                console.print(f"[red]{exc}[/red]")
                continue
            _print_answer(answer, console)
            history.append((answer.question, answer.answer))

    @app.command()
    def search(
        query: str = typer.Argument(..., help="Search text."),
        k: int = typer.Option(5, "--k", min=1, max=50, help="Number of passages."),
        as_json: bool = typer.Option(False, "--json"),
    ):
        """Ranked passages with section path and score."""
        from assistant.ask.pipeline import clean_question

        settings = _settings()
        clean_question(query, settings.max_question_chars)  # before a first start builds the index
        assistant = open_assistant(settings, quiet=as_json)
        result = assistant.search(query, k=k)
        rows = [
            {
                "rank": n,
                "id": h.passage.id,
                "source": h.passage.source,
                "section": h.passage.section,
                "score": round(h.score, 4),
                "dense": round(h.dense, 4),
                "lexical": round(h.lexical, 3),
                "concept": round(h.concept, 3),
                "authority": h.passage.authority,
                "text": h.passage.text,
            }
            for n, h in enumerate(result.hits, start=1)
        ]
        if as_json:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            for r in rows:
                typer.echo(f"{r['rank']:>2}. {r['score']:.3f}  {r['section']}\n    {r['text'][:160]}")

    eval_app = typer.Typer(name="eval", add_completion=False)
    app.add_typer(eval_app)

    @eval_app.callback(invoke_without_command=True)
    def eval_cmd(
        ctx: typer.Context,
        questions: Path = typer.Option(None, "--questions", help="Questions JSONL."),
        descriptions: Path = typer.Option(None, "--descriptions", help="Descriptions JSONL."),
        drafts: Path = typer.Option(None, "--drafts", help="Labelled drafts JSON."),
        scans: Path = typer.Option(None, "--scans", help="Drafts labelled for the privacy scan (JSON list)."),
        as_json: bool = typer.Option(False, "--json"),
        out: Path = typer.Option(None, "--out", help="Write report.md and plots to this folder."),
        thresholds: Path = typer.Option(None, "--thresholds", help="Fail (exit 1) below these thresholds."),
    ):
        """Run the eval suite on the shipped datasets, or on the given ones."""
        if ctx.invoked_subcommand:
            return
        from assistant.evals.runner import run_eval

        settings = _settings()
        result, failures = run_eval(
            settings,
            questions=questions,
            descriptions=descriptions,
            drafts=drafts,
            scans=scans,
            out=out,
            thresholds=thresholds,
            progress=not as_json,
            build_assistant=lambda: open_assistant(settings, quiet=as_json),
        )
        if as_json:
            typer.echo(json.dumps(result, ensure_ascii=False, indent=1))
        else:
            typer.echo(json.dumps(result["metrics"], ensure_ascii=False, indent=1))
        for f in failures:
            print(f"threshold: {f}", file=sys.stderr)
        if failures:
            raise typer.Exit(1)

    @eval_app.command("calibrate")
    def calibrate_cmd(
        questions: Path = typer.Option(None, "--questions", help="Questions JSONL, split train/held-out."),
        descriptions: Path = typer.Option(None, "--descriptions", help="Descriptions JSONL, split likewise."),
        holdout: Path = typer.Option(None, "--holdout", help="Questions JSONL held out whole."),
        out: Path = typer.Option(None, "--out", help="Write here, not to assistant/data/calibration.toml."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Print the fit and write nothing."),
    ):
        """Fit the tuned constants on a train split, print held-out figures, write calibration.toml."""
        from assistant.calibration import load_calibration
        from assistant.errors import ConfigError
        from assistant.evals.calibrate import STORY_SETS, calibrate, format_report, write_calibration
        from assistant.evals.runner import DEFAULT_SETS

        settings = _settings().model_copy(update={"llm": "extractive"})  # the shipped defaults' pipeline
        try:
            previous = load_calibration()
        except ConfigError:
            previous = None
        real = DEFAULT_SETS["descriptions"].with_name("descriptions_real.jsonl")  # published projects
        real_q = DEFAULT_SETS["questions"].with_name("questions_real.jsonl")  # real-style questions
        blind = sorted(DEFAULT_SETS["questions"].parent.glob("questions_blind*.jsonl"))
        print("Collecting retrieval signals (one pass per question, then cached)…", file=sys.stderr)
        fitted, before = calibrate(
            open_assistant(settings),
            questions=questions or DEFAULT_SETS["questions"],
            descriptions=descriptions or DEFAULT_SETS["descriptions"],
            holdout=holdout or DEFAULT_SETS["holdout"],
            real_descriptions=real if real.exists() else None,
            real_questions=real_q if real_q.exists() else None,
            dev_questions=[p for p in blind if p.stem not in STORY_SETS],
            story_questions=[p for p in blind if p.stem in STORY_SETS]
            + sorted(DEFAULT_SETS["questions"].parent.glob("questions_dev*.jsonl")),
            dev_descriptions=sorted(DEFAULT_SETS["questions"].parent.glob("descriptions_blind*.jsonl"))
            + sorted(DEFAULT_SETS["questions"].parent.glob("descriptions_dev*.jsonl"))
            + sorted(DEFAULT_SETS["questions"].parent.glob("descriptions_external.jsonl")),
            cache_dir=settings.home / "calibration",
            previous=previous,
        )
        typer.echo(format_report(fitted, before, previous))
        if not dry_run:
            typer.echo(f"wrote {write_calibration(fitted, out)}")

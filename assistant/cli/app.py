"""The `assistant` command line (typer). Heavy imports stay inside commands: `check`, `scan`, `review`
and `--help` never import torch or load the embedding model."""

from __future__ import annotations

import typer

from assistant.cli.errors import error_text
from assistant.errors import AssistantError

__all__ = ["app", "main"]

app = typer.Typer(
    name="assistant",
    help="LA Policy Assistant: ask, draft, check and review against Utrecht University's LA policy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    from assistant.cli import core, draft, review, scan

    core.register(app)
    draft.register(app)
    scan.register(app)
    review.register(app)


def main() -> None:
    """Console-script entry point: user errors print one clear line and exit non-zero."""
    import sys

    for n, arg in enumerate(sys.argv[1:], start=1):  # undecodable bytes arrive as lone surrogates
        if any("\ud800" <= ch <= "\udfff" for ch in arg):
            typer.secho(
                f"Error: argument {n} is not valid UTF-8 text; retype it (or rename the file).",
                err=True,
                fg=typer.colors.RED,
            )
            sys.exit(2)
    _register()
    try:
        rc = app(standalone_mode=False)
    except AssistantError as exc:
        typer.secho(f"Error: {error_text(exc)}", err=True, fg=typer.colors.RED)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # click usage errors
        import click

        try:  # typer >= 0.2x raises its vendored copy of click's exceptions
            from typer._click.exceptions import ClickException as TyperClickException
        except ImportError:
            TyperClickException = click.ClickException
        if isinstance(exc, click.ClickException | TyperClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(rc if isinstance(rc, int) else 0)

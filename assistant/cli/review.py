"""`assistant review ...`: the review workflow on the command line (no torch, no embedding model)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

__all__ = ["register", "review_app"]

review_app = typer.Typer(
    name="review",
    help="Review queue: submit drafts, evaluate findings, decide, export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_JSON = typer.Option(False, "--json", help="Print JSON.")
_EXPECT = typer.Option(
    None,
    "--row-version",
    help="Refuse if the proposal changed since you read this row_version (from `review show`).",
)


def register(app: typer.Typer) -> None:
    """Add the `review` sub-command group to the main app."""
    app.add_typer(review_app, name="review")


@contextmanager
def _service() -> Iterator[Any]:
    from assistant.config import load_settings
    from assistant.review.service import ReviewService

    service = ReviewService.from_settings(load_settings())
    try:
        yield service
    finally:
        service.close()


def _print_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def _load_draft(path: Path):
    from assistant.proposal import load_draft

    return load_draft(path)


def _finding_json(f) -> dict:
    return f.model_dump(mode="json")


def _print_view(view, *, brief: bool = False) -> None:
    typer.echo(f"Proposal {view.id}: {view.title}")
    typer.echo(
        f"  author {view.author} | status {view.status} | version {view.version} | "
        f"row_version {view.row_version}"
    )
    if not view.findings:
        typer.echo("  No findings.")
    for f in view.findings:
        verdict = f.verdict or "-"
        typer.echo(f"  [{f.severity:7}] {f.rule:28} {f.principle:20} verdict: {verdict}")
        if not brief:
            typer.echo(f"            {f.message}")
            if f.citation.section:
                typer.echo(f"            policy: {f.citation.section}")
    if brief:
        return
    if view.action_plan:
        typer.echo("Action plan:")
        for a in view.action_plan:
            typer.echo(f"  - {a.what} (owner {a.owner}, due {a.due}; {a.rule})")
    if view.decision:
        d = view.decision
        typer.echo(f"Decision: {d.decision} by {d.reviewer}" + (f": {d.comment}" if d.comment else ""))
    elif view.approval_blockers:
        typer.echo("Open before approval: " + "; ".join(view.approval_blockers))
    typer.echo("History:")
    for h in view.history:
        typer.echo(
            f"  {h.at:%Y-%m-%d %H:%M} v{h.version} {h.actor}: {h.action} "
            + ", ".join(f"{k}={v}" for k, v in h.details.items() if k != "finding")
        )


@review_app.command("submit")
def submit(
    draft: Path = typer.Argument(..., help="Draft JSON (exchange format v1)."),
    author: str = typer.Option(..., "--author", help="Your name (the author)."),
    as_json: bool = _JSON,
) -> None:
    """Submit a draft for review; the checker runs now and its findings are stored with it."""
    data = _load_draft(draft)
    with _service() as svc:
        view = svc.submit(data, author)
    _print_submitted(view, as_json)


def _print_submitted(view, as_json: bool) -> None:
    """Output of submit and resubmit: the contract object with --json, a short summary otherwise."""
    if as_json:
        _print_json(
            {
                "id": view.id,
                "status": view.status,
                "version": view.version,
                "row_version": view.row_version,
                "findings": [_finding_json(f) for f in view.findings],
            }
        )
    else:
        _print_view(view, brief=True)


@review_app.command("resubmit")
def resubmit(
    proposal_id: int = typer.Argument(..., metavar="ID"),
    draft: Path = typer.Argument(..., help="The changed draft JSON."),
    author: str = typer.Option(..., "--author", help="The author of the proposal."),
    as_json: bool = _JSON,
) -> None:
    """Submit a changed draft as a new version (after changes were requested)."""
    data = _load_draft(draft)
    with _service() as svc:
        view = svc.resubmit(proposal_id, data, author)
    _print_submitted(view, as_json)


@review_app.command("list")
def list_(
    status: str | None = typer.Option(
        None, "--status", help="submitted|in_review|approved|changes_requested|rejected"
    ),
    as_json: bool = _JSON,
) -> None:
    """The review queue."""
    with _service() as svc:
        items = svc.list(status=status)
    if as_json:
        _print_json([i.model_dump(mode="json") for i in items])
        return
    if not items:
        typer.echo("No proposals.")
    for i in items:
        counts = ", ".join(f"{n} {s}" for s, n in i.severities.items()) or "no findings"
        typer.echo(f"{i.id:>5}  {i.status:17} v{i.version}  {i.author:16} {i.title}  ({counts})")


@review_app.command("show")
def show(
    proposal_id: int = typer.Argument(..., metavar="ID"),
    version: int | None = typer.Option(None, "--version", help="An earlier version (default: current)."),
    as_json: bool = _JSON,
) -> None:
    """Draft, findings with verdicts, action plan, decision and history."""
    with _service() as svc:
        view = svc.show(proposal_id, version=version)
    if as_json:
        _print_json(view.model_dump(mode="json"))
    else:
        _print_view(view)


@review_app.command("evaluate")
def evaluate(
    proposal_id: int = typer.Argument(..., metavar="ID"),
    finding: str = typer.Option(..., "--finding", help="The finding's rule (or its id)."),
    verdict: str = typer.Option(..., "--verdict", help="acceptable | improvable | to_fix"),
    reviewer: str = typer.Option(..., "--reviewer", help="Your name (a configured reviewer)."),
    comment: str | None = typer.Option(
        None, "--comment", help="Reason or remark (required: acceptable blocker)."
    ),
    action: str | None = typer.Option(None, "--action", help="improvable: what will be done."),
    owner: str | None = typer.Option(None, "--owner", help="improvable: who does it."),
    due: str | None = typer.Option(None, "--due", help="improvable: by when (YYYY-MM-DD)."),
    accept_risk: bool = typer.Option(
        False, "--accept-risk", help="acceptable blocker: you accept the remaining risk (recorded)."
    ),
    row_version: int | None = _EXPECT,
    as_json: bool = _JSON,
) -> None:
    """Give a verdict on one finding."""
    with _service() as svc:
        view = svc.evaluate(
            proposal_id,
            finding,
            verdict,
            reviewer,
            comment=comment,
            action=action,
            owner=owner,
            due=due,
            expected_row_version=row_version,
            accept_risk=accept_risk,
        )
    if as_json:
        _print_json(view.model_dump(mode="json"))
    else:
        typer.echo(
            f"Recorded {verdict} on {finding}; proposal {view.id} is {view.status} "
            f"(row_version {view.row_version})."
        )


@review_app.command("decide")
def decide(
    proposal_id: int = typer.Argument(..., metavar="ID"),
    reviewer: str = typer.Option(..., "--reviewer", help="Your name (a configured reviewer)."),
    decision: str = typer.Option(..., "--decision", help="approved | changes_requested | rejected"),
    comment: str | None = typer.Option(None, "--comment"),
    row_version: int | None = _EXPECT,
    as_json: bool = _JSON,
) -> None:
    """Decide on the current version."""
    with _service() as svc:
        view = svc.decide(proposal_id, reviewer, decision, comment=comment, expected_row_version=row_version)
    if as_json:
        _print_json(view.model_dump(mode="json"))
    else:
        typer.echo(f"Proposal {view.id} is {view.status}.")


@review_app.command("export")
def export(
    proposal_id: int = typer.Argument(..., metavar="ID"),
    fmt: str | None = typer.Option(None, "--format", help="md | docx (default: from the --out suffix)."),
    out: Path = typer.Option(..., "--out", help="Output file."),
    version: int | None = typer.Option(None, "--version", help="An earlier version (default: current)."),
) -> None:
    """Write the review (findings, verdicts, privacy scan with its marks, action plan, citations, history)
    as Markdown or DOCX."""
    from assistant.exports.review import export_review
    from assistant.review.scan_signoff import scan_of

    fmt = fmt or ("docx" if out.suffix.lower() == ".docx" else "md")
    with _service() as svc:
        view = svc.show(proposal_id, version=version)
    path = export_review(view, fmt, out, scan=scan_of(view, "en"))
    typer.echo(f"Wrote {path}")

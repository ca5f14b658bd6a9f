"""How the command line shows an error: the fields it names as flags, the settings as environment
variables (`comment` -> `--comment`, `db_url` -> `ASSISTANT_DB_URL`), in English."""

from __future__ import annotations

from assistant.config import env_var
from assistant.errors import AssistantError, Name

__all__ = ["FLAGS", "flag", "cli_name", "error_text"]

FLAGS: dict[str, str] = {
    "project_type": "--type",
    "proposal_id": "ID",
    "draft": "DRAFT",
}
"""Fields whose option or argument is not `--` plus the field name with `-` for `_`."""


def flag(field: str) -> str:
    """The option (or argument) that sets `field`: `FLAGS`, else `--` + the field in kebab case."""
    return FLAGS.get(field) or "--" + field.replace("_", "-")


def cli_name(name: Name) -> str:
    """A name inside an error message as the CLI user types it: a flag, or an environment variable."""
    return env_var(name.field) if name.setting else flag(name.field)


def error_text(exc: AssistantError) -> str:
    """The one-line message the CLI prints after `Error: `."""
    return exc.render(namer=cli_name)

"""One root exception; every subclass carries a message meant for the user and may name a field.

A library raises either with a catalogue key and its parameters,
`InputError(key="error.review.bad_due", field="due", value="'31-01'")`, or with a finished message,
`InputError("The question is empty.")`. `field` is the model or parameter field the error is about
(for `ConfigError`, a `Settings` field). A field or setting named inside a message is a `Name`
parameter (the `{field}` placeholder is the error's own field); the library never spells it as a
CLI flag, an environment variable or a widget label. Each edge shows names its own way:
`assistant.cli.errors.error_text` as flags and environment variables, `assistant.ui.i18n.error_text`
as widget labels in the user's language. `str(err)` is the English message with bare field names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from assistant.messages import DEFAULT_LANG, message

__all__ = [
    "Name",
    "Namer",
    "AssistantError",
    "ConfigError",
    "InputError",
    "IngestError",
    "IndexUnavailableError",
    "BackendError",
    "ReviewError",
    "ConflictError",
]


@dataclass(frozen=True)
class Name:
    """A field named inside a message: a model/parameter field, or a `Settings` field when `setting`."""

    field: str
    setting: bool = False

    def __str__(self) -> str:
        return self.field


Namer = Callable[[Name], str]
"""How an edge shows a `Name` (e.g. `comment` -> `--comment` on the CLI, "Comment" in the UI)."""


def _bare(name: Name) -> str:
    return name.field


class AssistantError(Exception):
    """Base class: `str(err)` is a complete, user-facing message (no traceback needed).

    Give `message` (finished text) or `key` (a catalogue key under `error.`, formatted with `params`).
    Raises TypeError when given both or neither.
    """

    exit_code = 2
    field_is_setting: ClassVar[bool] = False

    def __init__(
        self,
        message: str | None = None,
        /,
        *,
        key: str | None = None,
        field: str | None = None,
        **params: Any,
    ) -> None:
        if (message is None) == (key is None):
            raise TypeError(f"{type(self).__name__} takes a message or a catalogue key, not both or neither")
        self.message, self.key, self.field, self.params = message, key, field, params
        super().__init__(self.render())

    def render(self, lang: str = DEFAULT_LANG, namer: Namer = _bare) -> str:
        """The message in `lang` (catalogue errors only; a finished message stays as given), with every
        `Name` shown by `namer`. Raises KeyError for a key or placeholder the catalogue lacks."""
        if self.key is None:
            return self.message or ""
        values = {k: _show(v, namer) for k, v in self.params.items()}
        if self.field is not None:
            values.setdefault("field", namer(Name(self.field, setting=self.field_is_setting)))
        return message(self.key, lang, **values)


def _show(value: Any, namer: Namer) -> Any:
    if isinstance(value, Name):
        return namer(value)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Name) for v in value):
        return ", ".join(namer(v) for v in value)
    return value


class ConfigError(AssistantError):
    """A setting is missing or wrong; `field` is the `Settings` field (the CLI shows its variable)."""

    field_is_setting = True


class InputError(AssistantError):
    """The user's input (question, file, draft) cannot be used as given."""


class IngestError(AssistantError):
    """A document could not be read or indexed."""


class IndexUnavailableError(AssistantError):
    """The vector store (local directory or Chroma server) cannot be reached."""


class BackendError(AssistantError):
    """An answer backend (LLM server) failed."""


class ReviewError(AssistantError):
    """A review action breaks a rule of the workflow (role, state, approval rules)."""


class ConflictError(ReviewError):
    """Somebody else changed the record meanwhile; reload and try again."""

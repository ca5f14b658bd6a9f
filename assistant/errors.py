"""One root exception; every subclass carries a message meant for the user."""

from __future__ import annotations

__all__ = [
    "AssistantError",
    "ConfigError",
    "InputError",
    "IngestError",
    "IndexUnavailableError",
    "BackendError",
    "ReviewError",
    "ConflictError",
]


class AssistantError(Exception):
    """Base class: `str(err)` is a complete, user-facing message (no traceback needed)."""

    exit_code = 2


class ConfigError(AssistantError):
    """A setting is missing or wrong; the message names the setting."""


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

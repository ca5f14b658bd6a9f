"""Answer backends, picked by name from one registry (`ASSISTANT_LLM`): `extractive` (default),
`openai:MODEL`, `ollama:MODEL`, `fake`.

The Ask pipeline and the drafter choice read what a backend can do from its class (`verbatim`,
`can_stream`, `can_condense`, `can_draft`; see `Backend`), never from its name.
"""

from __future__ import annotations

from typing import Any

from assistant.backends.base import AnswerRequest, Backend, BackendAnswer, SentenceInfo
from assistant.backends.extractive import ExtractiveBackend
from assistant.backends.fake import FakeBackend
from assistant.backends.llm import LLMBackend
from assistant.errors import ConfigError

__all__ = [
    "AnswerRequest",
    "Backend",
    "BackendAnswer",
    "DEFAULT_BACKEND",
    "SentenceInfo",
    "backend_names",
    "get_backend",
    "register_backend",
]

DEFAULT_BACKEND = "extractive"

# kind (the part of the name before ':') -> backend class; order is the order of the listed names
_REGISTRY: dict[str, type[Backend]] = {
    "extractive": ExtractiveBackend,
    "openai": LLMBackend,
    "ollama": LLMBackend,
    "fake": FakeBackend,
}


def register_backend(kind: str, backend: type[Backend]) -> None:
    """Make `backend` available as `kind` (or `kind:MODEL` when it `takes_model`); replaces a same kind."""
    if not kind or ":" in kind:
        raise ValueError(f"a backend kind is a name without ':' (got {kind!r})")
    _REGISTRY[kind] = backend


def backend_names() -> list[str]:
    """The valid names, as a user writes them: `extractive`, `openai:MODEL`, …"""
    return [f"{kind}:MODEL" if cls.takes_model else kind for kind, cls in _REGISTRY.items()]


def get_backend(name: str | None, settings: Any = None) -> Backend:
    """A backend instance by registry name (None or '' is the default, extractive).

    Raises ConfigError for an unknown name (listing the valid names) or a backend that cannot be set
    up from `settings` (naming the missing setting)."""
    name = name or DEFAULT_BACKEND
    cls = _REGISTRY.get(name.partition(":")[0])
    if cls is None:
        raise ConfigError(
            f"ASSISTANT_LLM={name!r} is not a backend; valid names: {', '.join(backend_names())}."
        )
    return cls.from_name(name, settings)

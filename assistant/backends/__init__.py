"""Answer backends, picked by name: `extractive` (default), `openai:MODEL`, `ollama:MODEL`, `fake`."""

from __future__ import annotations

from assistant.backends.base import AnswerRequest, Backend, BackendAnswer, SentenceInfo
from assistant.errors import ConfigError

__all__ = [
    "get_backend",
    "get_chat_model",
    "BACKEND_NAMES",
    "Backend",
    "AnswerRequest",
    "BackendAnswer",
    "SentenceInfo",
    "is_llm",
]

BACKEND_NAMES = ("extractive", "openai:MODEL", "ollama:MODEL", "fake")


def is_llm(name: str) -> bool:
    return name.split(":", 1)[0] in ("openai", "ollama")


def get_backend(name: str, settings=None) -> Backend:
    """A backend instance by name; an unknown name fails with the list of valid names."""
    kind, _, model = (name or "extractive").partition(":")
    if kind == "extractive":
        from assistant.backends.extractive import ExtractiveBackend

        return ExtractiveBackend()
    if kind == "fake":
        from assistant.backends.fake import FakeBackend

        return FakeBackend()
    if kind in ("openai", "ollama"):
        from assistant.backends.llm import LLMBackend

        if not model:
            raise ConfigError(f"ASSISTANT_LLM={name!r}: name the model, e.g. '{kind}:llama3.1'.")
        return LLMBackend(get_chat_model(settings, name), name=name)
    raise ConfigError(f"ASSISTANT_LLM={name!r} is not a backend; valid names: {', '.join(BACKEND_NAMES)}.")


def get_chat_model(settings, name: str | None = None):
    """A LangChain chat model for `openai:MODEL` (any OpenAI-compatible server) or `ollama:MODEL`."""
    name = name or settings.llm
    kind, _, model = name.partition(":")
    timeout = getattr(settings, "llm_timeout", 60.0)
    if kind == "openai":
        from langchain_openai import ChatOpenAI

        if not settings.llm_base_url and not settings.llm_api_key:
            raise ConfigError(
                "ASSISTANT_LLM=openai:… needs ASSISTANT_LLM_BASE_URL (your server's /v1 address) "
                "and/or ASSISTANT_LLM_API_KEY."
            )
        return ChatOpenAI(
            model=model,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "not-needed",
            timeout=timeout,
            max_retries=0,
            temperature=0,
        )
    if kind == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            model=model,
            base_url=settings.llm_base_url or "http://127.0.0.1:11434",
            temperature=0,
            client_kwargs={"timeout": timeout},
        )
    raise ConfigError(f"ASSISTANT_LLM={name!r} is not an LLM backend (openai:MODEL or ollama:MODEL).")

"""LLM backends through LangChain chat models: any OpenAI-compatible server, or Ollama natively.

The wire format (chat messages with numbered, delimited passages: `build_messages`) is separate from
the endpoint (`chat_model`: which server, model, key and timeout), as pydantic-ai separates models
from providers. One OpenAI-compatible endpoint covers vLLM, llama.cpp server, LM Studio and Ollama's /v1.
"""

from __future__ import annotations

from html import escape
from typing import Any

from assistant.backends.base import AnswerRequest, Backend, BackendAnswer, stream_text
from assistant.errors import BackendError, ConfigError
from assistant.prompts import load_prompt

__all__ = ["LLMBackend", "build_messages", "chat_model", "format_passages"]

_OLLAMA_URL = "http://127.0.0.1:11434"  # Ollama's documented default address


def format_passages(request: AnswerRequest) -> str:
    """Passages numbered and delimited; their content is escaped so it cannot close the delimiter."""
    blocks = []
    for n, p in enumerate(request.passages, start=1):
        blocks.append(
            f'<passage id="{n}" section="{escape(p.section)}" authority="{p.authority}">\n'
            f"{escape(p.text, quote=False)}\n</passage>"
        )
    return "\n".join(blocks)


def build_messages(request: AnswerRequest) -> list[tuple[str, str]]:
    """The chat messages of one answer: (role, content) pairs, the passages in the system message."""
    system = load_prompt("answer", request.language).replace("{passages}", format_passages(request))
    user = f"<question>\n{escape(request.question, quote=False)}\n</question>"
    if request.feedback:
        user += (
            "\n\nYour previous answer was rejected for these reasons; answer again and fix them:\n- "
            + "\n- ".join(request.feedback)
        )
    return [("system", system), ("human", user)]


def chat_model(name: str, settings: Any):
    """A LangChain chat model for `openai:MODEL` (any OpenAI-compatible server) or `ollama:MODEL`.

    Uses `settings.llm_base_url`, `settings.llm_api_key` and `settings.llm_timeout` (seconds per call);
    temperature 0 and no client-side retries (the pipeline retries once with the validation errors).
    Raises ConfigError naming the setting that is missing."""
    kind, _, model = name.partition(":")
    if not model:
        raise ConfigError(f"ASSISTANT_LLM={name!r}: name the model, e.g. '{kind}:llama3.1'.")
    timeout = settings.llm_timeout
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
            base_url=settings.llm_base_url or _OLLAMA_URL,
            temperature=0,
            client_kwargs={"timeout": timeout},
        )
    raise ConfigError(f"ASSISTANT_LLM={name!r} is not an LLM backend (openai:MODEL or ollama:MODEL).")


class LLMBackend(Backend):
    """Generates an answer with a chat model; validation and fallback happen in `assistant.ask.pipeline`."""

    takes_model = True
    can_stream = True
    can_condense = True
    can_draft = True

    def __init__(self, chat_model, name: str) -> None:
        self.chat_model = chat_model
        self.name = name

    @classmethod
    def from_name(cls, name: str, settings: Any = None) -> LLMBackend:
        if settings is None:
            raise ConfigError(f"ASSISTANT_LLM={name!r} needs the settings of its server.")
        return cls(chat_model(name, settings), name=name)

    def generate(self, request: AnswerRequest) -> BackendAnswer:
        messages = build_messages(request)
        try:
            if request.on_token:
                text = stream_text((chunk.content for chunk in self.chat_model.stream(messages)), request)
            else:
                text = self.chat_model.invoke(messages).content
        except Exception as exc:  # network errors, timeouts, HTTP errors, bad payloads
            raise BackendError(
                f"The LLM backend '{self.name}' failed ({type(exc).__name__}); check "
                "ASSISTANT_LLM_BASE_URL / ASSISTANT_LLM and that the server is running."
            ) from None
        if not isinstance(text, str):
            text = "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in text)
        text = text.strip()
        return BackendAnswer(text=text, refused=text.startswith("NOT_IN_POLICY"))

    def condense(self, question: str, history: list[tuple[str, str]], lang: str) -> str:
        """Rewrite a follow-up into a standalone question (the last three turns, answers cut to 400 chars)."""
        transcript = "\n".join(f"Q: {q}\nA: {a[:400]}" for q, a in history[-3:])
        prompt = (
            load_prompt("condense", lang).replace("{history}", transcript).replace("{question}", question)
        )
        try:
            out = self.chat_model.invoke([("human", prompt)]).content
        except Exception as exc:
            raise BackendError(f"The LLM backend '{self.name}' failed ({type(exc).__name__}).") from None
        return out.strip() if isinstance(out, str) and out.strip() else question

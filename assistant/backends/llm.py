"""LLM backends through LangChain chat models: any OpenAI-compatible server, or Ollama natively.

The wire format (chat messages with numbered, delimited passages) is separate from the endpoint,
which `assistant.backends.get_chat_model` builds from settings.
"""

from __future__ import annotations

from html import escape

from assistant.backends.base import AnswerRequest, BackendAnswer, stream_text
from assistant.errors import BackendError
from assistant.prompts import load_prompt

__all__ = ["LLMBackend", "build_messages", "format_passages"]


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
    system = load_prompt("answer", request.language).replace("{passages}", format_passages(request))
    user = f"<question>\n{escape(request.question, quote=False)}\n</question>"
    if request.feedback:
        user += (
            "\n\nYour previous answer was rejected for these reasons; answer again and fix them:\n- "
            + "\n- ".join(request.feedback)
        )
    return [("system", system), ("human", user)]


class LLMBackend:
    """Generates an answer with a chat model; validation and fallback happen in `assistant.ask.pipeline`."""

    def __init__(self, chat_model, name: str) -> None:
        self.chat_model = chat_model
        self.name = name

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
        """Rewrite a follow-up into a standalone question."""
        transcript = "\n".join(f"Q: {q}\nA: {a[:400]}" for q, a in history[-3:])
        prompt = (
            load_prompt("condense", lang).replace("{history}", transcript).replace("{question}", question)
        )
        try:
            out = self.chat_model.invoke([("human", prompt)]).content
        except Exception as exc:
            raise BackendError(f"The LLM backend '{self.name}' failed ({type(exc).__name__}).") from None
        return out.strip() if isinstance(out, str) and out.strip() else question

"""A scripted backend for tests and demos (like llm's MockModel): enqueue texts, each call returns the next.

`ASSISTANT_LLM=fake` picks it from the registry. It answers like an LLM (its text is validated by the
Ask pipeline, and streamed word by word), so tests exercise the LLM paths without a server.
"""

from __future__ import annotations

from collections import deque

from assistant.backends.base import AnswerRequest, Backend, BackendAnswer
from assistant.backends.llm import build_messages

__all__ = ["FakeBackend"]


class FakeBackend(Backend):
    """Returns enqueued responses in order; an enqueued exception is raised instead; with the queue
    empty it refuses (NOT_IN_POLICY). Records every request and the prompt an LLM would have got."""

    name = "fake"
    can_stream = True

    def __init__(self, responses: list[str | Exception] | None = None) -> None:
        self.queue: deque[str | Exception] = deque(responses or [])
        self.requests: list[AnswerRequest] = []
        self.prompts: list[str] = []

    def enqueue(self, *responses: str | Exception) -> FakeBackend:
        self.queue.extend(responses)
        return self

    def generate(self, request: AnswerRequest) -> BackendAnswer:
        self.requests.append(request)
        self.prompts.append("\n\n".join(content for _, content in build_messages(request)))
        if not self.queue:
            return BackendAnswer(text="NOT_IN_POLICY", refused=True)
        item = self.queue.popleft()
        if isinstance(item, Exception):
            raise item
        if request.on_token:
            for word in item.split(" "):
                request.on_token(word + " ")
        return BackendAnswer(text=item, refused=item.strip() == "NOT_IN_POLICY")

"""The backend interface: one required method, `generate`, and what a backend can do, declared on its class."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from assistant.corpus import Passage

__all__ = ["AnswerRequest", "BackendAnswer", "Backend", "SentenceInfo", "stream_text"]


@dataclass(frozen=True)
class SentenceInfo:
    """A pre-computed sentence of a passage: its span and vector (computed at ingest)."""

    start: int
    end: int
    vector: list[float]


@dataclass
class AnswerRequest:
    """What a backend gets: the (redacted) question and the numbered passages it may cite."""

    question: str
    language: str  # nl | en
    passages: list[Passage]  # passage n is cited as [n+1]
    scores: list[float] = field(default_factory=list)  # fused retrieval score per passage
    sentences: dict[int, list[SentenceInfo]] = field(default_factory=dict)  # per passage index
    query_vec: list[float] | None = None
    history: list[tuple[str, str]] = field(default_factory=list)  # (question, answer) pairs
    children: dict[int, list[int]] = field(default_factory=dict)  # list intro passage -> its item passages
    feedback: list[str] = field(default_factory=list)  # validation errors of a previous attempt
    unquotable: set[int] = field(default_factory=set)  # passage indices never quoted (untrusted documents)
    on_token: Callable[[str], None] | None = None  # streaming sink (set only for backends that can stream)
    lead: str | None = None  # first line of a verbatim answer instead of the usual framing (partial coverage)
    # the sentence vote (`ExampleVote.sentence_voter`): a sentence's text -> share 0..1 of the nearest
    # answered example questions whose answer it held; None: no examples, no vote
    sentence_vote: Callable[[str], float] | None = None


@dataclass
class BackendAnswer:
    """Answer text with [n] markers into the request's passages; `quotes` maps n to quoted sentences."""

    text: str
    quotes: dict[int, list[str]] = field(default_factory=dict)
    refused: bool = False


class Backend(ABC):
    """An answer backend. The Ask pipeline reads the class attributes, never the name, to decide what
    to do with it; backends are picked by name from the registry in `assistant.backends`."""

    name: str = ""
    """The name shown as the answer's `backend` (`ask --json`)."""
    takes_model: ClassVar[bool] = False
    """Its registry name carries a model, `kind:MODEL` (e.g. `ollama:llama3.1`)."""
    verbatim: ClassVar[bool] = False
    """Answers are the passages' own sentences: nothing to validate; gets the sentence vectors."""
    can_stream: ClassVar[bool] = False
    """Sends the answer piece by piece to `AnswerRequest.on_token` while generating."""
    can_condense: ClassVar[bool] = False
    """Has `condense`, rewriting a follow-up question into a standalone one."""
    can_draft: ClassVar[bool] = False
    """Has `chat_model`, a LangChain chat model the LLM drafter can ask for a structured draft."""

    @classmethod
    def from_name(cls, name: str, settings: Any = None) -> Backend:
        """The backend for a registry name (`kind` or `kind:MODEL`); raises ConfigError when unusable."""
        return cls()

    @abstractmethod
    def generate(self, request: AnswerRequest) -> BackendAnswer:
        """An answer citing `request.passages` as [n], or `refused=True` (NOT_IN_POLICY)."""

    def condense(self, question: str, history: list[tuple[str, str]], lang: str) -> str:
        """A standalone version of a follow-up question (only when `can_condense`)."""
        raise NotImplementedError(f"the backend '{self.name}' cannot condense")


def stream_text(chunks: Iterator[str], request: AnswerRequest) -> str:
    """Join streamed chunks, passing each to the request's token sink."""
    parts = []
    for chunk in chunks:
        if chunk:
            parts.append(chunk)
            if request.on_token:
                request.on_token(chunk)
    return "".join(parts)

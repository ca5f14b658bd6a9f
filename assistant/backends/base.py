"""The backend protocol: one required method, `generate`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from assistant.corpus import Passage

__all__ = ["AnswerRequest", "BackendAnswer", "Backend", "SentenceInfo"]


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
    on_token: Callable[[str], None] | None = None  # streaming sink for the UI


@dataclass
class BackendAnswer:
    """Answer text with [n] markers into the request's passages; `quotes` maps n to quoted sentences."""

    text: str
    quotes: dict[int, list[str]] = field(default_factory=dict)
    refused: bool = False


@runtime_checkable
class Backend(Protocol):
    name: str

    def generate(self, request: AnswerRequest) -> BackendAnswer: ...


def stream_text(chunks: Iterator[str], request: AnswerRequest) -> str:
    """Join streamed chunks, passing each to the request's token sink."""
    parts = []
    for chunk in chunks:
        if chunk:
            parts.append(chunk)
            if request.on_token:
                request.on_token(chunk)
    return "".join(parts)

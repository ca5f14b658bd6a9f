"""Test doubles for the Ask pipeline without e5 or Chroma: an in-memory index over `HashEmbedder`.

`MemoryIndex` implements what `Assistant`, `Retriever` and `services.first_start` use of
`assistant.index.PolicyIndex`: `embedder`, `is_empty`, `ingest`, `live` (generation + passages),
`dense` (cosine nearest citable passages) and `sentences` (sentence spans and vectors per passage).
`answering_assistant` puts one under an Assistant whose refusal needs no tuned thresholds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.ask.pipeline import Assistant
from assistant.backends import Backend
from assistant.backends.extractive import ExtractiveBackend
from assistant.config import DEFAULT_CORPUS, load_settings
from assistant.corpus import Passage, load_passages
from assistant.embeddings.fake import HashEmbedder
from assistant.index import IngestReport
from assistant.text import split_sentences

__all__ = ["HashEmbedder", "MemoryIndex", "RefuseWithoutHits", "answering_assistant"]


@dataclass(frozen=True)
class _Live:
    generation: str
    passages: list[Passage]


class MemoryIndex:
    """Passages, passage vectors and sentence vectors in memory; `ingest` replaces the whole index."""

    def __init__(self, embedder=None, corpus: list[Path] | None = None) -> None:
        self.embedder = embedder or HashEmbedder()
        self.corpus = list(corpus or [DEFAULT_CORPUS])
        self.ingests = 0  # how many times ingest ran (first-start tests count them)
        self._live = _Live("", [])
        self._vectors = np.zeros((0, self.embedder.dim), np.float32)
        self._sentences: dict[str, list[tuple[int, int, list[float]]]] = {}

    @classmethod
    def of_corpus(cls, embedder=None, corpus: list[Path] | None = None) -> MemoryIndex:
        """An index with `corpus` (default: the shipped policy) already ingested."""
        index = cls(embedder, corpus)
        index.ingest()
        return index

    @staticmethod
    def _pid(p: Passage) -> str:
        return f"{p.doc_hash}:{p.id}"

    def is_empty(self) -> bool:
        return not self._live.passages

    def ingest(
        self,
        paths: list[Path] | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        authority: str | None = None,
    ) -> IngestReport:
        """Load, split and embed every document of `paths` (default: the corpus given at construction)."""
        passages = load_passages([Path(p) for p in (paths or self.corpus)])
        if authority:
            passages = [replace(p, authority=authority) for p in passages]
        self._vectors = self.embedder.encode_passages([p.embed_text for p in passages])
        self._sentences = {}
        for p in passages:
            spans = split_sentences(p.text) if p.retrievable else []
            vecs = self.embedder.encode_passages([p.text[a:b] for a, b in spans])
            self._sentences[self._pid(p)] = [
                (a, b, v.tolist()) for (a, b), v in zip(spans, vecs, strict=True)
            ]
        self.ingests += 1
        self._live = _Live(str(self.ingests), passages)
        if progress:
            progress("embedding", len(passages), len(passages))
        return IngestReport(added=sorted({p.source for p in passages}), passages=len(passages))

    def live(self) -> _Live:
        return self._live

    def dense(self, query_vec, k: int = 10) -> list[tuple[Passage, float]]:
        """The k citable passages most similar to `query_vec` (cosine), best first."""
        if not self._live.passages:
            return []
        sims = self._vectors @ np.asarray(query_vec, np.float32)
        order = np.argsort(-sims, kind="stable")
        hits = [(self._live.passages[i], float(sims[i])) for i in order if self._live.passages[i].retrievable]
        return hits[:k]

    def sentences(self, passages: list[Passage]) -> dict[str, list[tuple[int, int, list[float]]]]:
        return {self._pid(p): list(self._sentences.get(self._pid(p), [])) for p in passages}


class RefuseWithoutHits:
    """The coverage seam without the fitted model (it needs e5's similarities; a bag of hashed words
    scores far lower): `none` only when retrieval finds nothing, else `direct`."""

    def coverage(self, retrieval, asked: str, sentence_vectors, embedder=None, cache_dir=None) -> str:
        return "direct" if retrieval.hits else "none"


def answering_assistant(index, backend: Backend | None = None) -> Assistant:
    """An Assistant over `index` (extractive unless `backend` is given) that answers whatever it finds."""
    return Assistant(load_settings(), index, backend or ExtractiveBackend(), scope=RefuseWithoutHits())

"""A fake embedder for tests and benchmarks: a hashed bag of words, no model, no torch.

Each lower-cased word gets a fixed random unit direction (seeded by a hash of the word, so the same
in every process); a text's vector is the L2-normalised sum of its words' directions. Texts sharing
words are similar, equal texts have equal vectors. It has the interface of
`assistant.embeddings.Embedder` (`dim`, `name`, `encode_queries`, `encode_passages`,
`encode_passages_with_spans`), so `PolicyIndex`, `Retriever` and the Ask pipeline run without e5;
its similarities are not e5's (unrelated texts score near 0, e5 near 0.7), so tests of the tuned
refusal thresholds still need the real model.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

__all__ = ["HashEmbedder"]

_WORD = re.compile(r"\w+")


class HashEmbedder:
    """Deterministic bag-of-words vectors: rows L2-normalised float32, `dim` columns (default 384, e5-small's)."""

    name = "hash-bag-of-words"

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self._words: dict[str, np.ndarray] = {}

    def _direction(self, token: str) -> np.ndarray:
        vec = self._words.get(token)
        if vec is None:
            seed = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")
            vec = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
            self._words[token] = vec
        return vec

    def _vector(self, text: str) -> np.ndarray:
        words = _WORD.findall(text.lower())
        total = np.zeros(self.dim, np.float32)
        for word in words or [text]:  # a text without words (punctuation only) still gets its own vector
            total += self._direction(word)
        return total / max(float(np.linalg.norm(total)), 1e-12)

    def _encode(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self._vector(t) for t in texts])

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """One row per text: shape (len(texts), dim)."""
        return self._encode(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """One row per text: shape (len(texts), dim); queries and passages share one space."""
        return self._encode(texts)

    def encode_passages_with_spans(
        self, texts: list[str], spans: list[list[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[list[np.ndarray]]]:
        """Passage vectors and a vector per character span of each text (the span's own words)."""
        texts = list(texts)
        rows = [
            [self._vector(text[a:b]) for a, b in wanted] for text, wanted in zip(texts, spans, strict=True)
        ]
        return self._encode(texts), rows

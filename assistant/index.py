"""The passage index: Chroma (local persistent directory, or a Chroma server) through langchain-chroma.

Three collections: passages (embedded with their section path), sentences (for the extractive
answerer, vectors computed at ingest) and documents (the manifest: one record per document with its
content hash and live passage ids). Ingest is incremental and switch-based: new passages are written
first, then the document's manifest record is switched, then old passages are deleted. Readers only
see passages of live manifest records, so a crash mid-ingest never exposes a half-built document.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.corpus import (
    SUPPORTED_SUFFIXES,
    Passage,
    iter_documents,
    load_document,
    split_document,
)
from assistant.errors import IndexUnavailableError, IngestError
from assistant.text import split_sentences

__all__ = ["PolicyIndex", "IngestReport", "make_client"]

_PASSAGES, _SENTENCES, _DOCUMENTS = "la_passages", "la_sentences", "la_documents"
_GENERATION = "__generation__"
_BATCH = 64

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class IngestReport:
    """What one ingest run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    passages: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, removed {len(self.removed)}, "
            f"skipped {len(self.skipped)}, failed {len(self.failed)}; {self.passages} passages embedded "
            f"in {self.seconds:.1f} s"
        )

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "skipped": self.skipped,
            "failed": [{"file": f, "reason": r} for f, r in self.failed],
            "passages": self.passages,
            "seconds": round(self.seconds, 3),
        }


def make_client(settings):
    """A Chroma client: an HTTP client when CHROMA_HOST is set, else a persistent local directory."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        try:
            client = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
            client.heartbeat()
        except Exception as exc:
            raise IndexUnavailableError(
                f"The Chroma server at {settings.chroma_host}:{settings.chroma_port} cannot be reached "
                f"(CHROMA_HOST / CHROMA_PORT): {type(exc).__name__}."
            ) from None
        return client
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as exc:
        raise IndexUnavailableError(
            f"The index folder {settings.chroma_dir} cannot be opened (ASSISTANT_HOME): {exc}"
        ) from None


class _LCEmbeddings:
    """LangChain `Embeddings` over our e5 embedder (passage/query prefixes)."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.encode_passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.encode_queries([text])[0].tolist()


@dataclass
class _Live:
    generation: str
    passages: list[Passage]
    by_id: dict[str, Passage]
    hashes: list[str]


class PolicyIndex:
    """Persistent passage index with incremental ingest and a consistent live view."""

    def __init__(self, settings, embedder=None, client=None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._client = client
        self._stores: dict[str, object] = {}
        self._live: _Live | None = None
        self._lock = threading.RLock()  # the live-view cache and the write/switch phase of an ingest
        self._ingest_lock = threading.Lock()  # one ingest at a time per process

    # ----------------------------------------------------------------- plumbing
    @property
    def embedder(self):
        if self._embedder is None:
            from assistant.embeddings import get_embedder

            self._embedder = get_embedder(self.settings)
        return self._embedder

    @property
    def client(self):
        if self._client is None:
            self._client = make_client(self.settings)
        return self._client

    def _store(self, name: str):
        """The langchain-chroma vector store of one collection (cosine space)."""
        if name not in self._stores:
            from langchain_chroma import Chroma

            try:
                self._stores[name] = Chroma(
                    collection_name=name,
                    client=self.client,
                    embedding_function=_LCEmbeddings(self._embedder) if self._embedder else None,
                    collection_metadata={"hnsw:space": "cosine"},
                )
            except IndexUnavailableError:
                raise
            except Exception as exc:
                raise IndexUnavailableError(
                    f"The index cannot be opened: {type(exc).__name__}: {exc}"
                ) from None
        return self._stores[name]

    def _col(self, name: str):
        return self._store(name)._collection

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except IndexUnavailableError:
            raise
        except Exception as exc:
            if self.settings.chroma_host:
                raise IndexUnavailableError(
                    f"The Chroma server at {self.settings.chroma_host}:{self.settings.chroma_port} failed "
                    f"(CHROMA_HOST / CHROMA_PORT): {type(exc).__name__}."
                ) from None
            raise

    # ----------------------------------------------------------------- manifest
    def documents(self) -> list[dict]:
        """The manifest: one dict per indexed document."""
        got = self._call(self._col(_DOCUMENTS).get, include=["metadatas"])
        docs = []
        for doc_id, meta in zip(got["ids"], got["metadatas"], strict=True):
            if doc_id == _GENERATION:
                continue
            docs.append({"key": doc_id, **meta, "ids": json.loads(meta["ids"])})
        return sorted(docs, key=lambda d: d["source"])

    def generation(self) -> str:
        got = self._call(self._col(_DOCUMENTS).get, ids=[_GENERATION], include=["metadatas"])
        return got["metadatas"][0]["value"] if got["ids"] else ""

    def _bump_generation(self) -> None:
        self._col(_DOCUMENTS).upsert(
            ids=[_GENERATION],
            documents=[""],
            metadatas=[{"value": f"{time.time():.6f}"}],
            embeddings=[self._unit()],
        )

    def _unit(self) -> list[float]:
        return [1.0] + [0.0] * (self._dim() - 1)

    def _dim(self) -> int:
        if self._embedder is None:  # removals and no-op ingests: the stored records know, no model needed
            got = self._col(_DOCUMENTS).get(ids=[_GENERATION], include=["embeddings"])
            if got["ids"]:
                return len(got["embeddings"][0])
        return int(self.embedder.dim)

    def is_empty(self) -> bool:
        return not self.documents()

    # ----------------------------------------------------------------- live view
    def live(self) -> _Live:
        """Passages of live documents, cached until the generation changes."""
        with self._lock:
            gen = self.generation()
            if self._live is not None and self._live.generation == gen:
                return self._live
            docs = self.documents()
            ids = [pid for d in docs for pid in d["ids"]]
            passages: list[Passage] = []
            col = self._col(_PASSAGES)
            for i in range(0, len(ids), 5000):
                got = self._call(col.get, ids=ids[i : i + 5000], include=["metadatas"])
                for meta in got["metadatas"]:
                    passages.append(Passage.from_metadata(meta["text"], meta))
            order = {pid: n for n, pid in enumerate(ids)}
            passages.sort(key=lambda p: order.get(self._pid(p), 0))
            self._live = _Live(gen, passages, {self._pid(p): p for p in passages}, [d["hash"] for d in docs])
            return self._live

    @staticmethod
    def _pid(p: Passage) -> str:
        return f"{p.doc_hash}:{p.id}"

    def dense(self, query_vec, k: int = 10) -> list[tuple[Passage, float]]:
        """Nearest citable passages by cosine similarity, live documents only.

        Filtering happens on our side (ids of the live manifest, citable kind): a Chroma `where` over
        hundreds of document hashes made a 10k-passage search 11x slower than the bare query (measured).
        Non-live passages only exist between a crash and the next ingest, so over-fetching a little and
        widening once when too few remain keeps results exact."""
        live = self.live()
        if not live.passages:
            return []
        col = self._col(_PASSAGES)
        total = len(live.passages)  # captions and footnotes included; orphans (after a crash) are not
        n = min(total, k + max(8, k // 2))
        while True:
            got = self._call(
                col.query, query_embeddings=[list(map(float, query_vec))], n_results=n, include=["distances"]
            )
            out = []
            for pid, dist in zip(got["ids"][0], got["distances"][0], strict=True):
                passage = live.by_id.get(pid)
                if passage is not None and passage.retrievable:
                    out.append((passage, 1.0 - float(dist)))
            if len(out) >= k or n >= total:
                return out[:k]
            n = min(total, n * 4)

    def sentences(self, passages: list[Passage]) -> dict[str, list[tuple[int, int, list[float]]]]:
        """Pre-computed sentence spans and vectors of the given passages, keyed by passage id."""
        if not passages:
            return {}
        keys = [self._pid(p) for p in passages]
        got = self._call(
            self._col(_SENTENCES).get,
            where={"passage": {"$in": keys}} if len(keys) > 1 else {"passage": keys[0]},
            include=["metadatas", "embeddings"],
        )
        out: dict[str, list] = {k: [] for k in keys}
        for meta, vec in zip(got["metadatas"], got["embeddings"], strict=True):
            out[meta["passage"]].append((int(meta["start"]), int(meta["end"]), vec))
        for spans in out.values():
            spans.sort(key=lambda s: s[0])
        return out

    # ----------------------------------------------------------------- ingest
    def ingest(
        self,
        paths: list[Path] | None = None,
        progress: Progress | None = None,
        authority: str | None = None,
        max_bytes: int | None = None,
    ) -> IngestReport:
        """Index documents incrementally. Unreadable files are reported; the rest are still indexed."""
        start = time.perf_counter()
        report = IngestReport()
        paths = [Path(p) for p in (paths or self.settings.corpus)]
        if max_bytes is None:
            max_bytes = int(self.settings.max_file_mb * 1e6)
        roots = [p.resolve() for p in paths if p.is_dir()]
        found: dict[str, tuple[Path, Path | None]] = {}
        for p in paths:
            if not p.exists():
                report.failed.append((str(p), "not found"))
                continue
            root = p if p.is_dir() else None
            for f in iter_documents([p]):
                if p.is_dir() and f.suffix.lower() not in SUPPORTED_SUFFIXES:
                    report.skipped.append(str(f.relative_to(p)))
                    continue
                found[str(f.resolve())] = (f, root)
        with self._ingest_lock:
            known = {d["key"]: d for d in self.documents()}
            todo: list[tuple[str, object, list[Passage], bool]] = []
            for key, (f, root) in sorted(found.items()):
                try:
                    doc = load_document(f, root=root, max_bytes=max_bytes)
                    old = known.get(key)
                    level = (
                        authority or (old["authority"] if old and not authority else None) or doc.authority
                    )
                    same_vectors = old and old.get("sentences", "separate") == self.settings.sentence_vectors
                    if old and old["hash"] == doc.hash and old["authority"] == level and same_vectors:
                        report.skipped.append(doc.source)
                        continue
                    passages = split_document(doc, authority=level)
                    if not any(p.retrievable for p in passages):
                        raise IngestError(f"{doc.source}: no citable text found.")
                    todo.append((key, doc, passages, old is not None))
                except IngestError as exc:
                    report.failed.append((f.name, str(exc)))
            # encoding (nearly all of an ingest's time) runs outside the read lock: questions asked in
            # this process meanwhile are answered from the previous, still complete, index
            vectors = self._encode_all(todo, progress)
            with self._lock:
                self._write_documents(todo, vectors, known)
                for _, doc, passages, existed in todo:
                    report.passages += len(passages)
                    (report.updated if existed else report.added).append(doc.source)
                for key, old in known.items():
                    under_root = any(Path(key).is_relative_to(r) for r in roots)
                    if under_root and key not in found:
                        self._delete_ids(old["ids"])
                        self._col(_DOCUMENTS).delete(ids=[key])
                        report.removed.append(old["source"])
                orphans = self._collect_orphans() if (todo or report.removed or known) else 0
                if todo or report.removed or orphans:
                    self._bump_generation()
                self._live = None
        report.seconds = time.perf_counter() - start
        return report

    @staticmethod
    def _sentences_of(passages: list[Passage]) -> list[tuple[int, int, int]]:
        """(passage index, start, end) of every sentence of the citable passages."""
        return [
            (i, a, b) for i, p in enumerate(passages) if p.retrievable for a, b in split_sentences(p.text)
        ]

    def _encode_all(self, todo, progress: Progress | None):
        """Encode every new passage, and every sentence of multi-sentence passages, in large batches.

        By default (ASSISTANT_SENTENCE_VECTORS=pooled) a sentence's vector comes from the same forward
        pass as its passage ("late chunking", see `Embedder.encode_passages_with_spans`): the ingest runs
        the model once per passage, no more. With 'separate', and for embedders without span support,
        each sentence is encoded as a text of its own. A single-sentence passage reuses its passage
        vector for its sentence."""
        import numpy as np

        if not todo:
            return []  # nothing new: the model is not even loaded
        items: list[tuple[str, list[tuple[int, int]]]] = []  # (embed text, sentence spans in it)
        plan = []
        for _, _, passages, _ in todo:
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
            items += [(p.embed_text, per.get(i, [])) for i, p in enumerate(passages)]
            plan.append((first, len(passages), [(first + i, count[i] > 1) for i, _, _ in spans]))
        # Chunks (for the progress bar) are cut from the length-sorted list: the model pads every batch
        # to its longest text, and chunks of mixed lengths cost 15% more than one sorted pass (measured).
        order = sorted(range(len(items)), key=lambda r: len(items[r][0]))
        chunk = 64  # one encode call holds the model for ~1.5 s on 2 cores: a question waits at most that
        matrix = np.zeros((len(items), self._dim()), np.float32)
        s_vecs: list[list] = [[] for _ in items]
        for start in range(0, len(order), chunk):
            rows = order[start : start + chunk]
            pv, sv = self._encode_with_spans([items[r] for r in rows])
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

    def _encode_with_spans(self, batch: list[tuple[str, list[tuple[int, int]]]]):
        """Passage vectors and the vectors of their sentence spans; spans the model could not see
        (cut off by its length limit) and embedders without span support encode the sentence alone."""
        texts = [t for t, _ in batch]
        pooled = (
            getattr(self.embedder, "encode_passages_with_spans", None)
            if self.settings.sentence_vectors == "pooled"
            else None
        )
        if pooled is not None:
            pv, sv = pooled(texts, [s for _, s in batch])
        else:
            pv, sv = self._encode(texts), [[None] * len(s) for _, s in batch]
        missing = [(r, k) for r, row in enumerate(sv) for k, v in enumerate(row) if v is None]
        if missing:
            extra = self._encode([batch[r][0][slice(*batch[r][1][k])] for r, k in missing])
            for (r, k), vec in zip(missing, extra, strict=True):
                sv[r][k] = vec
        return pv, sv

    def _write_documents(self, todo, vectors, known: dict) -> None:
        """Write every new passage and sentence (large batches), then switch all manifest records in one
        upsert, then delete the replaced passages. Until the switch readers see only the old versions."""
        import numpy as np

        if not todo:
            return
        p_ids, p_vecs, p_docs, p_metas = [], [], [], []
        s_ids, s_vecs, s_metas = [], [], []
        records = []
        for (key, doc, passages, _), (pv, sv) in zip(todo, vectors, strict=True):
            ids = [self._pid(p) for p in passages]
            p_ids += ids
            p_vecs.append(pv)
            p_docs += [p.embed_text for p in passages]
            p_metas += [{**p.metadata(), "text": p.text} for p in passages]
            spans = self._sentences_of(passages)
            s_ids += [f"{ids[i]}#s{n}" for n, (i, _, _) in enumerate(spans)]
            s_vecs.append(sv)
            s_metas += [{"passage": ids[i], "start": a, "end": b} for i, a, b in spans]
            records.append(
                (
                    key,
                    {
                        "source": doc.source,
                        "title": doc.title,
                        "hash": doc.hash,
                        "authority": passages[0].authority,
                        "version": str(doc.meta.get("version", "")),
                        "date": str(doc.meta.get("date", "")),
                        "passages": len(passages),
                        "ids": json.dumps(ids),
                        "ingested_at": time.time(),
                        "sentences": self.settings.sentence_vectors,  # a changed mode re-embeds
                    },
                    doc.title,
                    ids,
                )
            )
        # vectors stay numpy until each batch is written: Python float lists of a 50k-passage ingest
        # took more than 1 GB (measured; docs/benchmarks.md)
        p_mat = np.concatenate(p_vecs)
        s_mat = np.concatenate(s_vecs)
        del p_vecs, s_vecs
        col, scol = self._col(_PASSAGES), self._col(_SENTENCES)
        step = 1024
        for i in range(0, len(p_ids), step):
            col.upsert(
                ids=p_ids[i : i + step],
                embeddings=p_mat[i : i + step],
                documents=p_docs[i : i + step],
                metadatas=p_metas[i : i + step],
            )
        for i in range(0, len(s_ids), step):  # sentence text is read from the passage: no `documents`
            scol.upsert(
                ids=s_ids[i : i + step], embeddings=s_mat[i : i + step], metadatas=s_metas[i : i + step]
            )
        if not records:
            return
        # the switch: from here on readers see the new passages, never a mix
        self._col(_DOCUMENTS).upsert(
            ids=[r[0] for r in records],
            documents=[r[2] for r in records],
            embeddings=[self._unit()] * len(records),
            metadatas=[r[1] for r in records],
        )
        stale = []
        for key, _, _, ids in records:
            if key in known:
                new = set(ids)
                stale += [i for i in known[key]["ids"] if i not in new]
        for i in range(0, len(stale), 1000):
            self._delete_ids(stale[i : i + 1000])

    def _encode(self, texts: list[str]):
        import numpy as np

        if not texts:
            return np.zeros((0, self._dim()), np.float32)
        return self.embedder.encode_passages(texts)

    def _delete_ids(self, ids: list[str]) -> None:
        if not ids:
            return
        self._col(_PASSAGES).delete(ids=ids)
        self._col(_SENTENCES).delete(where={"passage": {"$in": ids}} if len(ids) > 1 else {"passage": ids[0]})

    def _collect_orphans(self) -> int:
        """Remove passages no live document points at (left by an interrupted ingest); returns how many."""
        live_ids = {pid for d in self.documents() for pid in d["ids"]}
        all_ids = self._col(_PASSAGES).get(include=[])["ids"]
        orphans = [i for i in all_ids if i not in live_ids]
        for i in range(0, len(orphans), 1000):
            self._delete_ids(orphans[i : i + 1000])
        return len(orphans)

"""`PolicyIndex`: the passage index on Chroma (local directory or server), through chromadb's client.

Three collections: passages (embedded with their section path), sentences (for the extractive
answerer, vectors computed at ingest) and documents (the manifest: one record per document with its
content hash and live passage ids, plus the generation, writers' intents and removed documents).
Readers only see passages of live manifest records; how writers keep that true across processes is
in `assistant.index.writer`.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.corpus import SUPPORTED_SUFFIXES, Passage, iter_documents, load_document, split_document
from assistant.errors import IndexUnavailableError, IngestError
from assistant.index.client import DOCUMENTS, PASSAGES, SENTENCES, make_client
from assistant.index.encode import Encoding, Progress
from assistant.index.report import FileReport, IngestReport
from assistant.index.vectors import StoredVectors
from assistant.index.writer import GENERATION, Writing

__all__ = ["PolicyIndex", "Live", "EXACT_DENSE_UP_TO"]

EXACT_DENSE_UP_TO = 2000
"""Live passages up to which a dense search scores every passage itself (`PolicyIndex.dense`): exact,
about 3 MB of vectors held per generation at this size; above it Chroma's approximate HNSW search."""


def _systems() -> dict:
    """chromadb's per-folder systems of this process (a private registry; empty if it moves)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    return getattr(SharedSystemClient, "_identifier_to_system", {})


@dataclass
class Live:
    """The passages of the live documents at one generation."""

    generation: str
    passages: list[Passage]
    by_id: dict[str, Passage]
    hashes: list[str]
    exact: tuple | None = None
    """(citable passages, their stored vectors as a float32 matrix) for an exact dense search, read once
    per generation by `PolicyIndex.dense` when the index is small enough (`EXACT_DENSE_UP_TO`)."""


@dataclass
class _Todo:
    key: str
    doc: object
    passages: list[Passage]
    existed: bool
    report: FileReport
    added_by: str = ""


class PolicyIndex(Encoding, Writing, StoredVectors):
    """Persistent passage index with incremental ingest, removal and a consistent live view."""

    def __init__(self, settings, embedder=None, client=None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._client = client
        self._stores: dict[str, object] = {}
        self._live: Live | None = None
        self._lock = threading.RLock()  # the live-view cache of this process
        self._owns_client = client is None
        self._fresh_at: str | None = None  # the generation this process's embedded Chroma state is fresh at

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
            shared = self._embedded() and str(self.settings.chroma_dir) in _systems()
            self._client = make_client(self.settings)
            self._fresh_at = None if shared else self._generation_of(self._client)
        return self._client

    def _embedded(self) -> bool:
        return self._owns_client and not self.settings.chroma_host

    @staticmethod
    def _generation_of(client) -> str:
        if DOCUMENTS not in {getattr(c, "name", c) for c in client.list_collections()}:
            return ""
        got = client.get_collection(DOCUMENTS).get(ids=[GENERATION], include=["metadatas"])
        return got["metadatas"][0]["value"] if got["ids"] else ""

    def _refresh(self, generation: str) -> None:
        """Embedded Chroma keeps a process's vector segments as they were when it opened them (measured
        with chromadb 1.5: another process's new passages are not found by `query`, and `get` of their
        vectors fails with "Error finding id" once that process has persisted its index): when another
        process has written since, open the folder afresh."""
        if self._embedded() and generation != self._fresh_at:
            _systems().pop(str(self.settings.chroma_dir), None)
            self._client = None
            self._stores.clear()

    def _col(self, name: str):
        """The Chroma collection `name` (cosine space), created if missing: the same
        `get_or_create_collection` call langchain-chroma's `Chroma` makes, without importing LangChain
        (about 0.4 s of a cold `assistant ask`, docs/embeddings.md); the index writes its own vectors,
        so the collection has no embedding function. Raises IndexUnavailableError when the index cannot
        be opened."""
        if name not in self._stores:
            try:
                self._stores[name] = self.client.get_or_create_collection(
                    name=name, embedding_function=None, metadata={"hnsw:space": "cosine"}
                )
            except IndexUnavailableError:
                raise
            except Exception as exc:
                raise IndexUnavailableError(
                    f"The index cannot be opened: {type(exc).__name__}: {exc}"
                ) from None
        return self._stores[name]

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

    def _unit(self) -> list[float]:
        return [1.0] + [0.0] * (self._dim() - 1)

    def _dim(self) -> int:
        if self._embedder is None:  # removals and no-op ingests: the stored records know, no model needed
            got = self._col(DOCUMENTS).get(ids=[GENERATION], include=["embeddings"])
            if got["ids"]:
                return len(got["embeddings"][0])
        return int(self.embedder.dim)

    # ----------------------------------------------------------------- manifest
    def documents(self) -> list[dict]:
        """The manifest: one dict per indexed document (`key` its resolved path, `id` its content hash,
        `ids` its passage ids, plus source, title, authority, passages, tables, rows, pages, skipped)."""
        got = self._call(self._col(DOCUMENTS).get, include=["metadatas"])
        docs = []
        for key, meta in zip(got["ids"], got["metadatas"], strict=True):
            if key.startswith("__"):
                continue
            skipped = json.loads(meta.get("skipped") or "{}")
            docs.append(
                {"key": key, **meta, "id": meta["hash"], "ids": json.loads(meta["ids"]), "skipped": skipped}
            )
        return sorted(docs, key=lambda d: d["source"])

    def generation(self) -> str:
        got = self._call(self._col(DOCUMENTS).get, ids=[GENERATION], include=["metadatas"])
        return got["metadatas"][0]["value"] if got["ids"] else ""

    def is_empty(self) -> bool:
        return not self.documents()

    # ----------------------------------------------------------------- live view
    def live(self) -> Live:
        """Passages of live documents, cached until the generation changes. A document switched or
        removed by another process while this view is read is read again, never seen in part."""
        with self._lock:
            gen = self.generation()
            if self._live is not None and self._live.generation == gen:
                return self._live
            self._refresh(gen)
            for _attempt in range(5):
                docs = self.documents()
                ids = [pid for d in docs for pid in d["ids"]]
                passages: list[Passage] = []
                col = self._col(PASSAGES)
                for i in range(0, len(ids), 5000):
                    got = self._call(col.get, ids=ids[i : i + 5000], include=["metadatas"])
                    passages += [Passage.from_metadata(meta["text"], meta) for meta in got["metadatas"]]
                if len(passages) == len(ids):
                    break
                time.sleep(0.05)  # a writer switched meanwhile and is deleting the old version
                gen = self.generation()
            order = {pid: n for n, pid in enumerate(ids)}
            passages.sort(key=lambda p: order.get(self._pid(p), 0))
            self._live = Live(gen, passages, {self._pid(p): p for p in passages}, [d["hash"] for d in docs])
            return self._live

    @staticmethod
    def _pid(p: Passage) -> str:
        return f"{p.doc_hash}:{p.id}"

    def dense(self, query_vec, k: int = 10) -> list[tuple[Passage, float]]:
        """Nearest citable passages by cosine similarity, live documents only.

        Filtering happens on our side (ids of the live manifest, citable kind): a Chroma `where` over
        hundreds of document hashes made a 10k-passage search 11x slower than the bare query (measured).
        Non-live passages only exist while a write is under way or after a crash, so over-fetching a
        little and widening once when too few remain keeps results exact. Up to `EXACT_DENSE_UP_TO` live
        passages every citable one is scored here instead (`_exact_dense`)."""
        live = self.live()
        if not live.passages:
            return []
        total = len(live.passages)
        if total <= EXACT_DENSE_UP_TO:
            return self._exact_dense(live, query_vec, k)
        col = self._col(PASSAGES)
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
            self._col(SENTENCES).get,
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
        added_by: str = "",
        bulk: bool = False,
    ) -> IngestReport:
        """Index documents incrementally, with a `FileReport` per file. Unreadable files are reported and
        the rest still indexed; a file whose text is already indexed under another name is reported as a
        duplicate and not indexed again; a folder's files removed with `remove` stay out (name the file
        to add it again); documents gone from an ingested folder are removed. `added_by` (who adds the
        documents, e.g. the web app's user) goes into the manifest record as `added_by`; a new version
        of a document keeps the name recorded before when none is given. `bulk`: a large ingest may
        encode on the sentence-transformers engine (`_bulk_embedder`): for one-off processes such as
        `assistant ingest`, not for a long-running one (it loads torch: about 1 GB)."""
        start = time.perf_counter()
        report = IngestReport()
        paths = [Path(p) for p in (paths or self.settings.corpus)]
        max_bytes = int(self.settings.max_file_mb * 1e6) if max_bytes is None else max_bytes
        roots = [p.resolve() for p in paths if p.is_dir()]
        found: dict[str, tuple[Path, Path | None]] = {}
        for p in paths:
            if not p.exists():
                report.file(FileReport(str(p), "failed", reason="not found"))
                continue
            for f in iter_documents([p]):
                if p.is_dir() and f.suffix.lower() not in SUPPORTED_SUFFIXES:
                    report.file(FileReport(str(f.relative_to(p)), "skipped", reason="unsupported file type"))
                    continue
                found[str(f.resolve())] = (f, p if p.is_dir() else None)
        known = {d["key"]: d for d in self.documents()}
        removed = self.tombstones()
        gone = [k for k in known if k not in found and any(Path(k).is_relative_to(r) for r in roots)]
        prints = {  # a renamed file is not a duplicate of its old name, which goes
            d["fingerprint"]: (k, d["source"])
            for k, d in known.items()
            if d.get("fingerprint") and k not in gone
        }
        todo: list[_Todo] = []
        dropped: dict[str, FileReport] = {}  # keys whose file now duplicates another document
        model = self._model_id()  # records of another model are re-embedded (none recorded: older index)
        for key, (f, root) in sorted(found.items()):
            try:
                if root is not None and key in removed:
                    report.file(
                        FileReport(
                            removed[key]["source"], "skipped", reason="removed with `assistant remove`"
                        )
                    )
                    continue
                doc = load_document(f, root=root, max_bytes=max_bytes)
                old = known.get(key)
                level = authority or (old["authority"] if old else None) or doc.authority
                same_vectors = old and old.get("sentences", "separate") == self.settings.sentence_vectors
                other_model = old.get("model", model) if old else model
                same_vectors = same_vectors and other_model == model
                if old and old["hash"] == doc.hash and old["authority"] == level and same_vectors:
                    report.file(self._file_report(doc.source, "unchanged", old))
                    continue
                twin = prints.get(doc.fingerprint)
                if twin is not None and twin[0] != key:
                    dup = FileReport(doc.source, "duplicate", duplicate_of=twin[1])
                    if old:  # this file held other text before: its old version goes
                        dropped[key] = dup
                    else:
                        report.file(dup)
                    continue
                passages = split_document(doc, authority=level)
                if not any(p.retrievable for p in passages):
                    raise IngestError(f"{doc.source}: no citable text found.")
                prints[doc.fingerprint] = (key, doc.source)
                status = "updated" if old else "added"
                why = f"re-embedded: indexed with {other_model}, now {model}" if other_model != model else ""
                todo.append(
                    _Todo(
                        key,
                        doc,
                        passages,
                        old is not None,
                        FileReport(doc.source, status, reason=why),
                        added_by,
                    )
                )
            except IngestError as exc:
                report.file(FileReport(f.name, "failed", reason=str(exc)))
        # encoding (nearly all of an ingest's time) runs before the writer lock: other processes keep
        # writing meanwhile, and questions are answered from the previous, still complete, index
        encoder = self._bulk_embedder(todo) if bulk and todo else None
        vectors = self._encode_all(todo, progress, encoder)
        explicit = [k for k, (_, root) in found.items() if root is None and k in removed]
        idle = not (todo or gone or dropped or explicit)  # then only the sweep, and only if no one writes
        lock = self._writer_lock(required=not idle)
        try:
            with self._lock:
                if lock is not None:
                    self._commit(todo, vectors, gone, list(dropped), report, explicit, encoder)
        finally:
            if lock is not None:
                lock.release()
        for dup in dropped.values():
            report.file(dup)
        self._live = None
        report.seconds = time.perf_counter() - start
        return report

    @staticmethod
    def _file_report(source: str, status: str, record: dict, passages=None) -> FileReport:
        return FileReport(
            source,
            status,
            passages=len(passages) if passages is not None else int(record.get("passages", 0)),
            rows=int(record.get("rows", 0)),
            tables=int(record.get("tables", 0)),
            pages=int(record.get("pages", 0)),
            skipped=dict(record.get("skipped") or {}),
            doc_id=str(record.get("hash", "")),
            reason=str(record.get("reason", "")),
        )

    def _commit(
        self, todo: list[_Todo], vectors, gone: list[str], dropped: list[str], report, explicit, encoder=None
    ) -> None:
        """The commit phase, under the writer lock: write and switch `todo`, take `gone` (files no longer
        in their folder, reported as removed) and `dropped` (files that became duplicates) out, delete
        what was replaced, sweep orphans."""
        self._refresh(self.generation())  # another process may have written while this one encoded
        fresh = {d["key"]: d for d in self.documents()}  # the manifest as it is now, not at the start
        twins = {d.get("fingerprint"): (k, d["source"]) for k, d in fresh.items() if k not in gone}
        for n in reversed(range(len(todo))):  # the same text switched in by another process meanwhile
            twin = twins.get(todo[n].doc.fingerprint)
            if twin is not None and twin[0] != todo[n].key:
                report.file(FileReport(todo[n].doc.source, "duplicate", duplicate_of=twin[1]))
                del todo[n], vectors[n]
        token = self._new_token()
        records, stale = [], []
        rows = self._rows(todo, vectors, token)
        if todo:
            self._intent(token)
            self._write_passages(token, *rows[0])
            for item, ids in zip(todo, rows[1], strict=True):
                record = {
                    **self._record(item.doc, item.passages, ids, self.settings.sentence_vectors),
                    **self._signature(encoder),
                    "added_by": item.added_by or fresh.get(item.key, {}).get("added_by", ""),
                }
                records.append((item.key, record, item.doc.title))
                stale += fresh[item.key]["ids"] if item.key in fresh else []
                report.passages += len(item.passages)
                item.report = self._file_report(
                    item.doc.source,
                    item.report.status,
                    {**record, "skipped": item.doc.skipped, "reason": item.report.reason},
                )
                report.file(item.report)
            self._switch(records)
            self._intent(token, open_=False)
        gone = [k for k in gone if k in fresh]
        for key in gone:
            report.file(FileReport(fresh[key]["source"], "removed", doc_id=fresh[key]["hash"]))
        out = gone + [k for k in dropped if k in fresh]
        self._unlist(out)
        self._delete_ids(stale + [pid for k in out for pid in fresh[k]["ids"]])
        self._forget_tombstones(explicit)
        if self._collect_orphans() and not (todo or gone):
            self._bump_generation()
        self._fresh_at = self.generation()  # this process wrote last (it holds the writer lock)

    def _rows(self, todo: list[_Todo], vectors, token: str):
        """Chroma rows of every new passage and sentence (ids carry the write's token), and each
        document's passage ids."""
        import numpy as np

        p_ids, p_vecs, p_docs, p_metas, s_ids, s_vecs, s_metas, per_doc = [], [], [], [], [], [], [], []
        for item, (pv, sv) in zip(todo, vectors, strict=True):
            item.passages = [replace(p, doc_hash=f"{p.doc_hash}-{token}") for p in item.passages]
            ids = [self._pid(p) for p in item.passages]
            per_doc.append(ids)
            p_ids += ids
            p_vecs.append(pv)
            p_docs += [p.embed_text for p in item.passages]
            p_metas += [{**p.metadata(), "text": p.text} for p in item.passages]
            spans = self._sentences_of(item.passages)
            s_ids += [f"{ids[i]}#s{n}" for n, (i, _, _) in enumerate(spans)]
            s_vecs.append(sv)
            s_metas += [{"passage": ids[i], "start": a, "end": b} for i, a, b in spans]
        # vectors stay numpy until each batch is written: Python float lists of a 50k-passage ingest
        # took more than 1 GB (measured; docs/benchmarks.md)
        p_mat = np.concatenate(p_vecs) if p_vecs else None
        s_mat = np.concatenate(s_vecs) if s_vecs else None
        return (p_ids, p_mat, p_docs, p_metas, s_ids, s_mat, s_metas), per_doc

    # ----------------------------------------------------------------- removal
    def resolve(self, targets: list[str]) -> tuple[list[dict], list[str]]:
        """The manifest records `targets` name, and the targets that name none. A target is a file or
        folder path (the file need not exist any more), a document id (its content hash, or a prefix
        of 6 or more characters that names one document) or a source name that names one document."""
        docs = self.documents()
        matched: dict[str, dict] = {}
        unknown = []
        for target in targets:
            path = Path(target).expanduser().resolve()
            hits = [d for d in docs if d["key"] == str(path) or Path(d["key"]).is_relative_to(path)]
            if not hits and len(target) >= 6:
                hits = [d for d in docs if d["hash"].startswith(target.lower())]
            if not hits:
                hits = [d for d in docs if d["source"] == target]
            if len(hits) == 1 or (hits and Path(hits[0]["key"]).is_relative_to(path)):
                matched.update({d["key"]: d for d in hits})
            else:
                unknown.append(target)
        return list(matched.values()), unknown

    def remove(self, targets: list[str]) -> IngestReport:
        """Remove documents from the index through the same switch as an ingest: their manifest records
        go first (from then on no reader sees them), then their passages. A removed file stays out of
        later folder ingests until it is ingested by name. Targets that name no document are reported
        as failed."""
        start = time.perf_counter()
        report = IngestReport()
        docs, unknown = self.resolve([str(t) for t in targets])
        for target in unknown:
            report.file(FileReport(str(target), "failed", reason=f"{target}: not in the index"))
        if docs:
            lock = self._writer_lock()
            try:
                with self._lock:
                    self._refresh(self.generation())
                    fresh = {d["key"]: d for d in self.documents()}
                    gone = [d["key"] for d in docs if d["key"] in fresh]
                    stones = {
                        k: {
                            "kind": "removed",
                            "source": fresh[k]["source"],
                            "hash": fresh[k]["hash"],
                            "removed_at": time.time(),
                        }
                        for k in gone
                    }
                    self._unlist(gone, stones)
                    self._delete_ids([pid for k in gone for pid in fresh[k]["ids"]])
                    self._fresh_at = self.generation()
                    self._live = None
            finally:
                lock.release()
            for key in gone:
                report.file(FileReport(fresh[key]["source"], "removed", doc_id=fresh[key]["hash"]))
        report.seconds = time.perf_counter() - start
        return report

"""Writing the index so that any number of processes can ingest, remove and read at once.

The protocol (every write of an ingest or a removal):

1. **One writer at a time per machine**: the commit phase (write, switch, delete, sweep) holds a file
   lock (`filelock`) in ASSISTANT_HOME; encoding, nearly all of an ingest's time, runs before it, so a
   second process waits only for the short commit.
2. **Write-once ids**: a write's passages carry a token of their own (`{content hash}-{token}:{passage
   id}`), so no two writes ever store the same id, and deleting a replaced version can never delete
   what another writer switches in.
3. **Intents**: before it writes passages a writer records an intent (`__pending__:{token}` in the
   manifest collection: host, process id, lease end), renewed while it writes and deleted after its
   switch. The orphan sweep reads the stored ids first, then the intents, then the manifest, and
   deletes only ids that are in no live manifest record and whose token has no live intent (same host:
   its process still runs; another host, e.g. a replica on a Chroma server: its lease has not ended).
   So the clean-up never touches another writer's pending work, and a writer killed mid-way leaves
   passages no reader sees until a later sweep removes them.
4. **Switch, then delete**: readers see only passages of manifest records; a record is switched in one
   upsert after all its passages are written, the generation is bumped, and only then are replaced or
   removed passages deleted.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from pathlib import Path

from assistant.errors import IndexUnavailableError
from assistant.index.client import DOCUMENTS, PASSAGES, SENTENCES

__all__ = ["Writing", "GENERATION", "PENDING", "REMOVED", "token_of"]

GENERATION = "__generation__"
PENDING = "__pending__:"
REMOVED = "__removed__:"
LEASE_SECONDS = 3600.0
LOCK_TIMEOUT = 900.0
_HOST = socket.gethostname()


def token_of(pid: str) -> str | None:
    """The write token inside a stored passage id (None for ids of older versions without one)."""
    head = pid.split(":", 1)[0]
    return head.rsplit("-", 1)[1] if "-" in head else None


def _alive(meta: dict) -> bool:
    if meta.get("host") == _HOST:
        try:
            os.kill(int(meta.get("pid", 0)), 0)
            return True
        except (ProcessLookupError, ValueError):
            return False
        except PermissionError:
            return True
    return float(meta.get("expires", 0)) > time.time()


class Writing:
    """Mixin of `PolicyIndex`: the commit side. Needs `settings`, `_col`, `_unit`, `documents`."""

    def _writer_lock(self, required: bool = True, timeout: float = 0.0):
        """The machine-wide writer lock (a `filelock.FileLock` in ASSISTANT_HOME), acquired. When it is
        not `required`, a busy lock is not waited for (`timeout` applies only then) and None returned.
        Raises IndexUnavailableError when a required lock is still busy after LOCK_TIMEOUT."""
        from filelock import FileLock, Timeout

        home = Path(self.settings.home)
        home.mkdir(parents=True, exist_ok=True)
        wait = LOCK_TIMEOUT if required else timeout
        lock = FileLock(str(home / "index.lock"), timeout=wait)
        try:
            lock.acquire()
        except Timeout:
            if not required:
                return None
            raise IndexUnavailableError(
                f"Another process has been writing the index for {wait:.0f} s; try again later."
            ) from None
        return lock

    def _new_token(self) -> str:
        return uuid.uuid4().hex[:10]

    def _intent(self, token: str, open_: bool = True) -> None:
        col = self._col(DOCUMENTS)
        if not open_:
            col.delete(ids=[PENDING + token])
            return
        meta = {"kind": "pending", "host": _HOST, "pid": os.getpid(), "expires": time.time() + LEASE_SECONDS}
        col.upsert(ids=[PENDING + token], documents=[""], metadatas=[meta], embeddings=[self._unit()])

    def _bump_generation(self) -> None:
        self._col(DOCUMENTS).upsert(
            ids=[GENERATION],
            documents=[""],
            metadatas=[{"value": f"{time.time():.6f}"}],
            embeddings=[self._unit()],
        )

    def _write_passages(self, token: str, p_ids, p_mat, p_docs, p_metas, s_ids, s_mat, s_metas) -> None:
        """Store passages and sentence vectors in batches, renewing the write's intent as it goes."""
        col, scol = self._col(PASSAGES), self._col(SENTENCES)
        step = 1024
        renewed = time.monotonic()
        for i in range(0, len(p_ids), step):
            col.upsert(
                ids=p_ids[i : i + step],
                embeddings=p_mat[i : i + step],
                documents=p_docs[i : i + step],
                metadatas=p_metas[i : i + step],
            )
            if time.monotonic() - renewed > LEASE_SECONDS / 4:
                self._intent(token)
                renewed = time.monotonic()
        for i in range(0, len(s_ids), step):  # sentence text is read from the passage: no `documents`
            scol.upsert(
                ids=s_ids[i : i + step], embeddings=s_mat[i : i + step], metadatas=s_metas[i : i + step]
            )

    def _switch(self, records: list[tuple[str, dict, str]]) -> None:
        """The switch: manifest records (key, metadata, title) in one upsert, then a new generation."""
        if not records:
            return
        self._col(DOCUMENTS).upsert(
            ids=[r[0] for r in records],
            documents=[r[2] for r in records],
            embeddings=[self._unit()] * len(records),
            metadatas=[r[1] for r in records],
        )
        self._bump_generation()

    def _unlist(self, keys: list[str], tombstones: dict[str, dict] | None = None) -> None:
        """Take documents out of the manifest (removal); with `tombstones`, remember them as removed so
        that folder ingests do not bring them back. Their passages are deleted afterwards."""
        if not keys:
            return
        self._col(DOCUMENTS).delete(ids=keys)
        if tombstones:
            self._col(DOCUMENTS).upsert(
                ids=[REMOVED + k for k in tombstones],
                documents=[""] * len(tombstones),
                embeddings=[self._unit()] * len(tombstones),
                metadatas=list(tombstones.values()),
            )
        self._bump_generation()

    def _forget_tombstones(self, keys: list[str]) -> None:
        if keys:
            self._col(DOCUMENTS).delete(ids=[REMOVED + k for k in keys])

    def tombstones(self) -> dict[str, dict]:
        """Documents removed with `remove` (key -> {source, hash, removed_at})."""
        got = self._call(self._col(DOCUMENTS).get, where={"kind": "removed"}, include=["metadatas"])
        return {i[len(REMOVED) :]: m for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def _delete_ids(self, ids: list[str]) -> None:
        for i in range(0, len(ids), 1000):
            chunk = ids[i : i + 1000]
            self._col(PASSAGES).delete(ids=chunk)
            self._col(SENTENCES).delete(
                where={"passage": {"$in": chunk}} if len(chunk) > 1 else {"passage": chunk[0]}
            )

    def _collect_orphans(self) -> int:
        """Delete stored passages that no manifest record points at and no running writer is writing
        (see the module docstring for the order of reads); returns how many."""
        all_ids = self._col(PASSAGES).get(include=[])["ids"]  # 1. what is stored
        got = self._col(DOCUMENTS).get(where={"kind": "pending"}, include=["metadatas"])  # 2. intents
        alive, dead = set(), []
        for rid, meta in zip(got["ids"], got["metadatas"], strict=True):
            (alive.add(rid[len(PENDING) :]) if _alive(meta) else dead.append(rid))
        live_ids = {pid for d in self.documents() for pid in d["ids"]}  # 3. what readers see
        orphans = [i for i in all_ids if i not in live_ids and token_of(i) not in alive]
        self._delete_ids(orphans)
        if dead:
            self._col(DOCUMENTS).delete(ids=dead)
        return len(orphans)

    @staticmethod
    def _record(doc, passages, ids: list[str], vectors_mode: str) -> dict:
        """The manifest record of one document version."""
        return {
            "source": doc.source,
            "title": doc.title,
            "hash": doc.hash,
            "fingerprint": doc.fingerprint,
            "authority": passages[0].authority,
            "version": str(doc.meta.get("version", "")),
            "date": str(doc.meta.get("date", "")),
            "passages": len(passages),
            "rows": sum(p.row is not None for p in passages),
            "tables": doc.tables,
            "pages": doc.pages,
            "skipped": json.dumps(doc.skipped),
            "ids": json.dumps(ids),
            "ingested_at": time.time(),
            "sentences": vectors_mode,  # a changed mode re-embeds
        }

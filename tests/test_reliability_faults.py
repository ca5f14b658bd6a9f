"""Faults (issue 10): ingest killed mid-way, Chroma server down, LLM down or garbage seen from the CLI,
database locked and concurrent writes. Nothing half-built is ever visible and nothing committed is lost.

LLM fallback itself is tested in test_backends.py; two reviewers deciding at once in test_review.py.
"""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.errors import ConflictError
from assistant.index import PolicyIndex
from assistant.review.service import ReviewService
from assistant.review.store import Store
from benchmarks.common import free_port

from .reliability_helpers import ROOT, HashEmbedder, cli_env, db_counts, no_traceback, run_cli
from .stub_llm import StubLLM

QUESTION = "Hoe lang mogen we studentgegevens bewaren?"
GOOD_DRAFT = {
    "title": "Weekoverzicht",
    "summary": "Studenten zien hun voortgang.",
    "project_type": "implementation",
    "areas": ["1a"],
}


def _doc(folder: Path, name: str, body: str) -> None:
    (folder / name).write_text(
        f"---\ntitle: {name}\nauthority: official\n---\n\n# {name}\n\n## Regels\n\n{body}\n", encoding="utf-8"
    )


# --------------------------------------------------------------------------- ingest killed mid-way

_KILL_INGEST = r"""
import json, os, signal, sys
from pathlib import Path
from assistant.config import load_settings
from assistant.index import PolicyIndex
from tests.reliability_helpers import HashEmbedder

home, docs, point = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
index = PolicyIndex(load_settings(home=home), embedder=HashEmbedder())
index.ingest([docs])
print(json.dumps(sorted(p.text for p in index.live().passages)), flush=True)

# the next version: a.md changes (3 passages), c.md is new
head = "---\ntitle: {0}\nauthority: official\n---\n\n# {0}\n\n## Regels\n\n"
(docs / "a.md").write_text(head.format("a.md") + "- Nieuw een.\n- Nieuw twee.\n- Nieuw drie.\n", encoding="utf-8")
(docs / "c.md").write_text(head.format("c.md") + "Document c over logging.\n", encoding="utf-8")

real_col = PolicyIndex._col
written = []

def die():
    print(json.dumps(written), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

class Tripwire:
    def __init__(self, name, col):
        self.name, self.col = name, col
    def __getattr__(self, attr):
        return getattr(self.col, attr)
    def upsert(self, ids, **kw):
        if point == "before_switch" and self.name == "la_documents" and not ids[0].startswith("__"):
            die()  # the new passages and sentences are written; the manifest still points at the old ones
        result = self.col.upsert(ids=ids, **kw)
        if self.name == "la_passages":
            written.extend(ids)
        return result
    def delete(self, *args, **kw):
        if point == "after_switch" and self.name == "la_passages":
            die()  # the manifest points at the new passages; the old ones are not deleted yet
        return self.col.delete(*args, **kw)

PolicyIndex._col = lambda self, name: Tripwire(name, real_col(self, name))
index.ingest([docs])
print("NOT KILLED", flush=True)
"""


@pytest.mark.parametrize("point", ["before_switch", "after_switch"])
def test_sigkill_mid_ingest_leaves_a_usable_index_and_the_next_ingest_completes(tmp_path, point):
    """Deterministic: the writer SIGKILLs itself at a chosen step of the switch-based ingest."""
    docs = tmp_path / "docs"
    docs.mkdir()
    _doc(docs, "a.md", "Gegevens worden na afloop van het project verwijderd.")
    _doc(
        docs, "b.md", "- Toegang: alleen docenten zien het dashboard.\n- Logboek: alle toegang wordt gelogd."
    )
    home = tmp_path / "home"
    proc = subprocess.run(
        [sys.executable, "-c", _KILL_INGEST, str(home), str(docs), point],
        cwd=ROOT,
        env=cli_env(home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    before, written = json.loads(lines[0]), json.loads(lines[1])
    assert written, "the kill must come after new passages were written"

    index = PolicyIndex(load_settings(home=home), embedder=HashEmbedder())  # a fresh reader
    live = index.live()
    texts = sorted(p.text for p in live.passages)
    new_a = ["Nieuw drie.", "Nieuw een.", "Nieuw twee."]
    if point == "before_switch":
        assert texts == before  # the old version, whole
        assert "Document c over logging." not in texts
    else:  # all documents of the run are switched in one manifest upsert: the new versions, whole
        assert texts == sorted(
            new_a + ["Document c over logging."] + [t for t in before if "Gegevens worden" not in t]
        )
    raw = set(index._col("la_passages").get(include=[])["ids"])
    live_ids = {f"{p.doc_hash}:{p.id}" for p in live.passages}
    orphans = raw - live_ids
    assert orphans, "the interrupted ingest left passages outside the manifest"
    for p in index._col("la_passages").get(ids=sorted(orphans), include=["documents"])["documents"]:
        hits = index.dense(HashEmbedder().encode_queries([p])[0], k=10)  # its exact vector: rank 1 if visible
        assert all(f"{h.doc_hash}:{h.id}" in live_ids for h, _ in hits)

    report = index.ingest([docs])
    assert not report.failed
    assert report.added == (["c.md"] if point == "before_switch" else [])
    assert report.updated == (["a.md"] if point == "before_switch" else [])
    after = index.live()
    assert sorted(p.text for p in after.passages) == sorted(
        new_a + ["Document c over logging."] + [t for t in before if "Gegevens worden" not in t]
    )
    assert set(index._col("la_passages").get(include=[])["ids"]) == {
        f"{p.doc_hash}:{p.id}" for p in after.passages
    }


def test_exception_mid_ingest_keeps_the_live_view(tmp_path, monkeypatch):
    """The same in one process: a failing write leaves readers on the previous generation."""
    docs = tmp_path / "docs"
    docs.mkdir()
    _doc(docs, "a.md", "Gegevens worden na afloop van het project verwijderd.")
    index = PolicyIndex(load_settings(home=tmp_path / "home"), embedder=HashEmbedder())
    index.ingest([docs])
    before, generation = sorted(p.text for p in index.live().passages), index.generation()
    _doc(docs, "a.md", "Gegevens worden binnen een maand verwijderd.")
    real = PolicyIndex._col

    class Broken:
        def __init__(self, col):
            self.col = col

        def __getattr__(self, attr):
            return getattr(self.col, attr)

        def upsert(self, ids, **kw):
            raise RuntimeError("disk full")

    monkeypatch.setattr(
        PolicyIndex,
        "_col",
        lambda self, name: Broken(real(self, name)) if name == "la_documents" else real(self, name),
    )
    with pytest.raises(RuntimeError, match="disk full"):
        index.ingest([docs])
    assert sorted(p.text for p in index.live().passages) == before and index.generation() == generation
    monkeypatch.undo()
    assert index.ingest([docs]).updated == ["a.md"]
    assert [p.text for p in index.live().passages] == ["Gegevens worden binnen een maand verwijderd."]


# --------------------------------------------------------------------------- several processes on one index

_LOOP = r"""
import sys, time
from pathlib import Path
from assistant.config import load_settings
from assistant.index import PolicyIndex
from tests.reliability_helpers import HashEmbedder

home, folder, seconds, mode = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
index = PolicyIndex(load_settings(home=home), embedder=HashEmbedder())
end, n = time.time() + seconds, 0
while time.time() < end and n < 300:
    if mode == "noop":  # a replica's 're-index': nothing new, but every pass sweeps orphans
        index.ingest([folder])
    else:  # another process adds documents one by one
        doc = folder / f"nieuw-{n:03d}.md"
        rules = "\n\n".join(f"Regel {n}.{i}: gegevens van groep {i} worden na {n + i} weken verwijderd." for i in range(25))
        doc.write_text(f"# Nieuw {n}\n\n## Regels\n\n{rules}\n", encoding="utf-8")
        report = index.ingest([doc])
        assert report.added == [doc.name], report.summary()
    n += 1
print(n, flush=True)
"""


def test_two_processes_ingest_at_once_and_no_write_is_lost(tmp_path):
    """The handed reproducer's kind, bounded: one process re-indexes a folder in a loop (each pass
    sweeps orphans) while another adds documents; afterwards every document of both is live, every
    live id is stored and found by its own vector, and nothing unlisted is left behind."""
    home, shipped, added = tmp_path / "home", tmp_path / "shipped", tmp_path / "added"
    shipped.mkdir()
    added.mkdir()
    _doc(shipped, "a.md", "Gegevens worden na afloop van het project verwijderd.")
    _doc(
        shipped,
        "b.md",
        "- Toegang: alleen docenten zien het dashboard.\n- Logboek: alle toegang wordt gelogd.",
    )
    PolicyIndex(load_settings(home=home), embedder=HashEmbedder()).ingest([shipped])
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _LOOP, str(home), str(folder), "10", mode],
            cwd=ROOT,
            env=cli_env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder, mode in ((shipped, "noop"), (added, "add"))
    ]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outputs]
    passes, adds = (int(out.split()[-1]) for out, _ in outputs)
    assert passes >= 3 and adds >= 3, (passes, adds)

    index = PolicyIndex(load_settings(home=home), embedder=HashEmbedder())
    assert index.live().passages  # this process wrote before the others: reading catches it up
    docs = {d["source"]: d for d in index.documents()}
    assert sorted(docs) == sorted(["a.md", "b.md"] + [f"nieuw-{n:03d}.md" for n in range(adds)])
    assert all(docs[f"nieuw-{n:03d}.md"]["passages"] == 25 for n in range(adds))
    live_ids = [pid for d in docs.values() for pid in d["ids"]]
    stored = index._col("la_passages").get(include=["embeddings"])
    vectors = dict(zip(stored["ids"], stored["embeddings"], strict=True))
    assert [pid for pid in live_ids if pid not in vectors] == []  # no write lost
    assert len(index.live().passages) == len(live_ids) and index.sentences(index.live().passages)
    col = index._col("la_passages")
    lost = [
        pid
        for pid in live_ids
        if pid not in col.query(query_embeddings=[list(map(float, vectors[pid]))], n_results=3)["ids"][0]
    ]
    assert lost == []
    index.ingest([shipped])  # the next ingest sweeps what was left unlisted, if anything
    assert sorted(index._col("la_passages").get(include=[])["ids"]) == sorted(live_ids)
    sentences = index._col("la_sentences").get(include=["metadatas"])["metadatas"]
    assert {m["passage"] for m in sentences} <= set(live_ids)


_READER = r"""
import sys
from assistant.config import load_settings
from assistant.index import PolicyIndex
from tests.reliability_helpers import HashEmbedder

index = PolicyIndex(load_settings(home=sys.argv[1]), embedder=HashEmbedder())
probe = HashEmbedder().encode_queries([sys.argv[2]])[0]
print(len(index.live().passages), [p.text for p, _ in index.dense(probe, k=1)], flush=True)
sys.stdin.readline()  # another process ingests now
print(len(index.live().passages), [p.text for p, _ in index.dense(probe, k=1)], flush=True)
"""


def test_a_reader_process_finds_what_another_process_ingested(tmp_path):
    """Embedded Chroma keeps a process's vector index as it was until that process writes; a reader
    that sees a new generation catches up, so dense search finds the new passages too."""
    home, docs = tmp_path / "home", tmp_path / "docs"
    docs.mkdir()
    _doc(docs, "a.md", "Gegevens worden na afloop van het project verwijderd.")
    index = PolicyIndex(load_settings(home=home), embedder=HashEmbedder())
    index.ingest([docs])
    new_text = "Logbestanden worden na negentig dagen verwijderd."
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(home), new_text],
        cwd=ROOT,
        env=cli_env(home),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = reader.stdout.readline()
    assert first.startswith("1 "), first + reader.stderr.read()[-2000:]
    _doc(docs, "c.md", new_text)
    index.ingest([docs])
    out, err = reader.communicate("go\n", timeout=120)
    assert out.strip() == f"2 [{new_text!r}]", err[-2000:]


def test_the_sweep_spares_pending_writes_of_running_writers_only(tmp_path):
    """Passages written under an intent are spared while their writer runs (this host: its process
    lives; another host: its lease has not ended) and swept once it is gone."""
    import os

    from assistant.index.writer import PENDING

    index = PolicyIndex(load_settings(home=tmp_path / "home"), embedder=HashEmbedder())
    docs = tmp_path / "docs"
    docs.mkdir()
    _doc(docs, "a.md", "Gegevens worden na afloop van het project verwijderd.")
    index.ingest([docs])
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    intents = {
        "live0000aa": {"kind": "pending", "host": socket.gethostname(), "pid": os.getpid(), "expires": 0.0},
        "dead0000bb": {
            "kind": "pending",
            "host": socket.gethostname(),
            "pid": int(dead.stdout),
            "expires": 0.0,
        },
        "away0000cc": {"kind": "pending", "host": "replica-2", "pid": 1, "expires": time.time() + 600},
        "gone0000dd": {"kind": "pending", "host": "replica-3", "pid": 1, "expires": time.time() - 1},
    }
    docs_col, col = index._col("la_documents"), index._col("la_passages")
    for token, meta in intents.items():
        docs_col.upsert(ids=[PENDING + token], documents=[""], metadatas=[meta], embeddings=[index._unit()])
        col.upsert(
            ids=[f"feedbeef-{token}:x:001"],
            embeddings=[index._unit()],
            documents=["x"],
            metadatas=[{"text": "pending", "doc_hash": f"feedbeef-{token}", "id": "x:001", "source": "x.md"}],
        )
    assert index._collect_orphans() == 2
    left = {i.split("-")[1].split(":")[0] for i in col.get(include=[])["ids"] if i.startswith("feedbeef")}
    assert left == {"live0000aa", "away0000cc"}
    assert {i[len(PENDING) :] for i in docs_col.get(where={"kind": "pending"})["ids"]} == left


# --------------------------------------------------------------------------- Chroma server down


def test_chroma_server_down_is_a_clear_error_from_a_real_process(tmp_path):
    """`assistant ask` as a real process; the API, `search` in-process and the app's error are covered in
    test_chroma_server.py and test_app.py."""
    port = str(free_port())
    r = run_cli(
        ["ask", QUESTION, "--json"], cli_env(tmp_path / "home", CHROMA_HOST="127.0.0.1", CHROMA_PORT=port)
    )
    assert r.returncode == 2 and no_traceback(r), r.stderr[-1500:]
    assert r.stderr.strip().startswith(f"Error: The Chroma server at 127.0.0.1:{port} cannot be reached"), (
        r.stderr
    )
    assert "(CHROMA_HOST / CHROMA_PORT)" in r.stderr and r.stdout == ""


# --------------------------------------------------------------------------- LLM faults, seen from the CLI


@pytest.mark.parametrize("fault", ["garbage", "down"])
def test_llm_fault_warning_is_visible_in_ask_json(real_settings, monkeypatch, capsys, fault):
    from assistant.cli.app import main

    with StubLLM() as stub:
        url = stub.base_url
        if fault == "garbage":
            stub.replies.append(("garbage",))
        else:
            url = f"http://127.0.0.1:{free_port()}/v1"
        monkeypatch.setenv("ASSISTANT_LLM", "openai:stub-model")
        monkeypatch.setenv("ASSISTANT_LLM_BASE_URL", url)
        monkeypatch.setattr(sys, "argv", ["assistant", "ask", QUESTION, "--json"])
        with pytest.raises(SystemExit) as exited:
            main()
    out, err = capsys.readouterr()
    assert exited.value.code == 0, err
    d = json.loads(out)
    assert d["backend"] == "extractive" and not d["refused"] and d["citations"]
    [warning] = d["warnings"]
    assert "Het antwoord van het taalmodel kon niet worden gecontroleerd" in warning
    assert "ASSISTANT_LLM_BASE_URL" in warning


# --------------------------------------------------------------------------- database locked, concurrent writes


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'review.db'}"
    Store(url).close()
    return url, tmp_path / "review.db"


def test_locked_database_is_reported_and_nothing_is_half_written(db):
    url, path = db
    locker = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        locker.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
        with ReviewService(Store(url, busy_timeout_ms=200), ["bob"]) as svc:
            before = db_counts(url)  # readers are not blocked (WAL)
            with pytest.raises(ConflictError, match="database is busy.*try again"):
                svc.submit(GOOD_DRAFT, "alice")
            locker.execute("ROLLBACK")
            assert db_counts(url) == before
            pid = svc.submit(GOOD_DRAFT, "alice").id  # trying again works
            assert svc.show(pid).title == "Weekoverzicht"
    finally:
        locker.close()


def test_a_briefly_locked_database_is_waited_for(db):
    url, path = db
    locker = sqlite3.connect(path, isolation_level=None, timeout=0, check_same_thread=False)
    locker.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: locker.execute("COMMIT"))
    release.start()
    try:
        with ReviewService(Store(url), ["bob"]) as svc:
            start = time.monotonic()
            pid = svc.submit(GOOD_DRAFT, "alice").id
            assert time.monotonic() - start >= 0.3  # it waited for the lock instead of failing
            assert [p.id for p in svc.list()] == [pid]
    finally:
        release.join()
        locker.close()


def test_concurrent_writes_are_serialised_and_none_is_lost(review_db_url):
    """On SQLite and on a real PostgreSQL (conftest.review_db_url); the locked-database tests above are
    SQLite's file lock, PostgreSQL's write lock is tested in test_store.py."""
    url = review_db_url
    Store(url).close()
    with ReviewService(Store(url), ["bob", "carol"]) as svc:
        errors: list[BaseException] = []
        submitted: list[int] = []
        barrier = threading.Barrier(8)

        def author(w: int) -> None:
            try:
                barrier.wait(timeout=30)
                for i in range(5):
                    submitted.append(svc.submit(GOOD_DRAFT | {"title": f"Draft {w}-{i}"}, f"author{w}").id)
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=author, args=(w,)) for w in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        assert len(set(submitted)) == 40
        counts = db_counts(url)
        assert counts["proposals"] == 40 and counts["audit_log"] == 40 and counts["versions"] == 40

        # many reviewers on one proposal at once: fresh writes all land; stale ones conflict, none is lost
        pid = submitted[0]
        view = svc.show(pid)
        rules = [f.rule for f in view.findings][:6]
        outcomes: list[str] = []

        def evaluate(rule: str, stale: bool) -> None:
            try:
                svc.evaluate(
                    pid, rule, "to_fix", "bob", expected_row_version=view.row_version if stale else None
                )
                outcomes.append("ok")
            except ConflictError:
                outcomes.append("conflict")

        threads = [threading.Thread(target=evaluate, args=(r, n % 2 == 1)) for n, r in enumerate(rules)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        after = svc.show(pid)
        recorded = [f for f in after.findings if f.verdict == "to_fix"]
        assert len(recorded) == outcomes.count("ok") and outcomes.count("ok") >= 3
        assert after.row_version == view.row_version + outcomes.count("ok")
        assert len([h for h in after.history if h.action == "evaluate"]) == outcomes.count("ok")

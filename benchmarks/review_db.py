"""Review throughput on PostgreSQL against SQLite (the embedded default), measured in the same run.

Both stores run the same review cycle through `ReviewService` (submit, evaluate one finding, decide,
then `show`) with a fixed checker that reports three findings, so what differs is the database:

- one writer: N cycles in this process; cycles/s and p50/p95 per action;
- several writers: W processes at once, each on its own proposals, for T seconds; cycles/s in total;
- contention: 2 processes decide the same proposals at the same moment; decisions recorded per
  proposal (must be exactly 1 on both).

SQLite is a file in a temporary folder with the store's settings (WAL, synchronous=FULL). PostgreSQL
is a throwaway server started from the Debian binaries by `tests/pg.py` (unix socket, no TCP; as
`nobody` under root) with fsync on, so both commit durably. Without the server binaries the
PostgreSQL rows are empty and a note says why (`make postgres-deps`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ROOT, Mode, Result, percentile, worker_env

NAME = "review_db"
TITLE = "Review store: review cycles per second, PostgreSQL against SQLite (same run)"

_SETUP = r"""
from pydantic import BaseModel, ConfigDict
from assistant.review.service import ReviewService
from assistant.review.store import Store

class BenchDraft(BaseModel):
    model_config = ConfigDict(extra="allow")
    title: str = "Study-progress dashboard"
    summary: str = "Students see their own progress per course."

def checker(draft):
    return [
        {"rule": rule, "principle": rule, "severity": sev, "field": rule, "message": f"{rule} is missing.",
         "fix": f"Describe the {rule}.", "citation": {"source": "uu-learning-analytics-beleid.md",
         "section": "3.2 Privacy-principes", "text": f"Passage about {rule}."}}
        for rule, sev in (("legal_basis", "blocker"), ("retention", "major"), ("privacy_statement", "minor"))
    ]

def cycle(svc, n, author="alice"):
    pid = svc.submit(BenchDraft(title=f"Draft {n}"), author).id
    svc.evaluate(pid, "retention", "to_fix", "bob")
    svc.decide(pid, "carol", "changes_requested")
    return pid
"""

_WRITER = (
    _SETUP
    + r"""
import os, sys, time
url, go, seconds, tag = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
svc = ReviewService(Store(url), ["bob", "carol"], checker=checker)
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
done, deadline = 0, time.monotonic() + seconds
while time.monotonic() < deadline:
    cycle(svc, done, author=f"author-{tag}")
    done += 1
svc.close()
print(done, flush=True)
"""
)

_DECIDER = r"""
import json, os, sys, time
from assistant.errors import ConflictError, ReviewError
from assistant.review.service import ReviewService
from assistant.review.store import Store
url, go, reviewer, ids = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
svc = ReviewService(Store(url), ["bob", "carol"])
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
ok = 0
for pid in ids:
    try:
        svc.decide(pid, reviewer, "rejected")
        ok += 1
    except (ConflictError, ReviewError):
        pass
svc.close()
print(ok, flush=True)
"""


def _namespace() -> dict:
    ns: dict = {}
    exec(compile(_SETUP, "review_db_setup", "exec"), ns)  # the same code the worker processes run
    return ns


def _spawn(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=worker_env(),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _together(procs: list[subprocess.Popen], go: Path) -> list[int]:
    """Wait until every process is ready, start them at once, return the number each printed last."""
    for p in procs:
        line = p.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"worker did not start: {line!r}\n{p.stderr.read()[-2000:]}")
    go.touch()
    counts = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        if p.returncode != 0:
            raise RuntimeError(f"worker failed ({p.returncode}):\n{err[-2000:]}")
        counts.append(int(out.strip().splitlines()[-1]))
    return counts


def _measure(url: str, mode: Mode, work: Path) -> dict:
    from sqlalchemy import func, select

    from assistant.review.service import ReviewService
    from assistant.review.store import Decision, Store

    ns = _namespace()
    cycles = 10 if mode.quick else 60 if not mode.full else 300
    writers = 2 if mode.quick else 4
    seconds = 1.0 if mode.quick else 5.0
    contested = 10 if mode.quick else 40

    svc = ReviewService(Store(url), ["bob", "carol"], checker=ns["checker"])
    try:
        ns["cycle"](svc, -1)  # warm-up: connections, statement caches
        times: dict[str, list[float]] = {"submit": [], "evaluate": [], "decide": [], "show": []}
        start = time.perf_counter()
        for n in range(cycles):
            t0 = time.perf_counter()
            pid = svc.submit(ns["BenchDraft"](title=f"Draft {n}"), "alice").id
            t1 = time.perf_counter()
            svc.evaluate(pid, "retention", "to_fix", "bob")
            t2 = time.perf_counter()
            svc.decide(pid, "carol", "changes_requested")
            t3 = time.perf_counter()
            svc.show(pid)
            t4 = time.perf_counter()
            for key, a, b in (("submit", t0, t1), ("evaluate", t1, t2), ("decide", t2, t3), ("show", t3, t4)):
                times[key].append(b - a)
        one_writer = cycles / (time.perf_counter() - start)

        go = work / "go-writers"
        counts = _together([_spawn(_WRITER, url, str(go), str(seconds), str(w)) for w in range(writers)], go)
        many_writers = sum(counts) / seconds

        ids = [svc.submit(ns["BenchDraft"](title=f"Contested {i}"), "alice").id for i in range(contested)]
        go = work / "go-deciders"
        oks = _together(
            [_spawn(_DECIDER, url, str(go), who, json.dumps(ids)) for who in ("bob", "carol")], go
        )
        with svc.store.read() as s:
            per = dict(
                s.execute(
                    select(Decision.proposal_id, func.count())
                    .where(Decision.proposal_id.in_(ids))
                    .group_by(Decision.proposal_id)
                ).all()
            )
        exactly_one = all(per.get(pid) == 1 for pid in ids) and sum(oks) == len(ids)
    finally:
        svc.close()
    return {
        "one_writer_cycles_per_s": one_writer,
        "many_writers_cycles_per_s": many_writers,
        "writers": writers,
        "p50_ms": {k: percentile(v, 50) * 1e3 for k, v in times.items()},
        "p95_ms": {k: percentile(v, 95) * 1e3 for k, v in times.items()},
        "contested": len(ids),
        "contested_exactly_one": exactly_one,
        "cycles": cycles,
        "seconds": seconds,
    }


def run(mode: Mode) -> Result:
    sys.path.insert(0, str(ROOT))  # tests/pg.py: the same throwaway server the test suite uses
    from tests.pg import PostgresServer, find_bindir, unavailable

    result = Result(
        NAME,
        TITLE,
        [
            "store",
            "cycles/s, 1 writer",
            "cycles/s, N writers",
            "submit p95 ms",
            "decide p95 ms",
            "show p95 ms",
        ],
    )
    data: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        work = Path(tmp)
        data["sqlite"] = _measure(f"sqlite:///{work / 'review.db'}", mode, work)
        reason = unavailable()
        if reason is None:
            server = PostgresServer(find_bindir(), fsync=True).start()
            try:
                data["postgresql"] = _measure(server.url(server.create_database()), mode, work)
            finally:
                server.stop()
        else:
            result.notes.append(f"PostgreSQL not measured: {reason}")

    for store, d in data.items():
        result.rows.append(
            [
                store,
                d["one_writer_cycles_per_s"],
                d["many_writers_cycles_per_s"],
                d["p95_ms"]["submit"],
                d["p95_ms"]["decide"],
                d["p95_ms"]["show"],
            ]
        )
    sq, pg = data["sqlite"], data.get("postgresql")
    result.ratio(
        "postgresql / sqlite cycles/s, 1 writer",
        pg and pg["one_writer_cycles_per_s"] / sq["one_writer_cycles_per_s"],
        "SQLite (WAL, synchronous=FULL), same run",
    )
    result.ratio(
        f"postgresql / sqlite cycles/s, {sq['writers']} writer processes",
        pg and pg["many_writers_cycles_per_s"] / sq["many_writers_cycles_per_s"],
        "SQLite, same run",
    )
    result.ratio(
        "postgresql / sqlite show p95",
        pg and pg["p95_ms"]["show"] / sq["p95_ms"]["show"],
        "SQLite, same run",
    )
    both = [d["contested_exactly_one"] for d in data.values()]
    result.ratio(
        "contested proposals with exactly one decision",
        sum(both) / len(both),
        "2 processes deciding the same proposals at once, every store measured",
        "1",
        all(both),
    )
    result.notes.append(
        "a cycle is submit (3 findings) + evaluate + decide + show through ReviewService; writers are "
        "serialised on both stores (SQLite BEGIN IMMEDIATE, PostgreSQL advisory write lock)"
    )
    result.data = data
    result.params = {"cycles": sq["cycles"], "writers": sq["writers"], "writer_seconds": sq["seconds"]}
    return result

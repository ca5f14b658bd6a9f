"""Load (issue 10): 8 concurrent askers share one Assistant through the Python API while another document is
ingested into the same index. Zero errors, every answer that is not a refusal is cited, and the new
document becomes visible. Bounded in time and count; no network at all.

`-m slow` runs the 60 s version; the 10 s version runs by default so CI exercises the concurrency.
Figures (count, p50, p95) are printed: run with `-rP` or `-s` to see them.
Two reviewers deciding at once: see test_review.py::test_two_processes_deciding_at_once_record_exactly_one_decision.
"""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path

import pytest

from assistant.ask.pipeline import Assistant
from assistant.config import load_settings
from assistant.services import build_assistant

from .reliability_helpers import _MODEL_DIR, copy_home

QUESTIONS = [
    "Hoe lang mogen we studentgegevens bewaren?",
    "How long may student data be kept?",
    "Mag ik gezondheidsgegevens van studenten gebruiken?",
    "Do we need a privacy scan for our LA project?",
    "Moet de AI-officer betrokken worden als we AI gebruiken?",
    "Which lawful basis applies to long-term LA implementations?",
    "Mag een docent tijdens de cursus de voortgang per student zien?",
    "Wat is doelbinding?",
    "Is a human always involved in decisions?",
    "Welke grondslag geldt voor onderzoeksprojecten?",
    "What is the capital of France?",  # refused
    "Mijn studentnummer is 1234567, mag mijn docent mijn voortgang zien?",  # PII: warned, redacted
]
EXTRA = """---
title: Handreiking dashboards
---

# Handreiking dashboards

## Groepsgrootte

Dashboardhandreiking: docenten tonen groepsgemiddelden alleen bij groepen van minimaal tien studenten.
"""
MAX_PER_ASKER = 2000  # a second bound besides the time


@pytest.fixture
def shared(corpus_home, tmp_path) -> Assistant:
    """One Assistant (extractive) on a private copy of the ingested corpus."""
    home = copy_home(corpus_home, tmp_path / "home")
    return build_assistant(load_settings(home=home, model_dir=_MODEL_DIR))


def run_load(assistant: Assistant, seconds: float, extra: Path, askers: int = 8) -> dict:
    texts = {p.text for p in assistant.retriever.passages}
    samples: list[tuple[float, bool, int]] = []
    errors: list[str] = []
    uncited: list[str] = []
    foreign: list[str] = []
    ingest: dict = {}
    lock = threading.Lock()
    barrier = threading.Barrier(askers + 1)
    deadline: list[float] = []

    def asker(w: int) -> None:
        barrier.wait(timeout=60)
        n = 0
        while time.monotonic() < deadline[0] and n < MAX_PER_ASKER:
            q = QUESTIONS[(w + n) % len(QUESTIONS)]
            n += 1
            start = time.perf_counter()
            try:
                a = assistant.ask(q)
            except Exception as exc:  # counted, never raised in the thread
                with lock:
                    errors.append(f"{q!r}: {type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - start
            with lock:
                samples.append((elapsed, a.refused, len(a.citations)))
                if not a.refused and not a.citations:
                    uncited.append(q)
                for c in a.citations:
                    if c.text not in texts and "Dashboardhandreiking" not in c.text:
                        foreign.append(c.text[:80])

    def ingester() -> None:
        time.sleep(seconds / 3)
        start = time.perf_counter()
        try:
            report = assistant.index.ingest([extra], authority="supplementary")
            ingest.update(report=report, seconds=time.perf_counter() - start)
        except Exception as exc:
            with lock:
                errors.append(f"ingest: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=asker, args=(w,), daemon=True) for w in range(askers)]
    threads.append(threading.Thread(target=ingester, daemon=True))
    for t in threads:
        t.start()
    deadline.append(time.monotonic() + seconds)
    barrier.wait(timeout=60)
    for t in threads:
        t.join(timeout=seconds + 120)
    assert not any(t.is_alive() for t in threads), "a worker hung"

    latencies = sorted(s[0] * 1000 for s in samples)
    stats = {
        "answers": len(samples),
        "refused": sum(s[1] for s in samples),
        "errors": errors,
        "uncited": uncited,
        "foreign": foreign,
        "p50_ms": statistics.median(latencies) if latencies else 0.0,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0,
        "max_ms": latencies[-1] if latencies else 0.0,
        "ingest": ingest,
    }
    print(
        f"\nload: {askers} askers x {seconds:.0f} s + 1 ingest: {stats['answers']} answers "
        f"({stats['refused']} refused), {len(errors)} errors, p50 {stats['p50_ms']:.0f} ms, "
        f"p95 {stats['p95_ms']:.0f} ms, max {stats['max_ms']:.0f} ms; "
        f"ingest {ingest.get('seconds', float('nan')):.1f} s"
    )
    return stats


def _check(assistant: Assistant, stats: dict, minimum: int) -> None:
    assert stats["errors"] == [], stats["errors"][:5]
    assert stats["uncited"] == [] and stats["foreign"] == []
    assert stats["answers"] >= minimum and stats["refused"] < stats["answers"]
    report = stats["ingest"]["report"]
    assert report.added == ["handreiking-dashboards.md"] and not report.failed
    hits = assistant.search("groepen van minimaal tien studenten", k=5).hits
    assert any(
        h.passage.source == "handreiking-dashboards.md" and h.passage.authority == "supplementary"
        for h in hits
    )


def _extra(tmp_path: Path) -> Path:
    path = tmp_path / "handreiking-dashboards.md"
    path.write_text(EXTRA, encoding="utf-8")
    return path


def test_concurrent_askers_with_an_ingest_quick(shared, tmp_path):
    stats = run_load(shared, 10, _extra(tmp_path))
    _check(shared, stats, minimum=8)


@pytest.mark.slow
def test_concurrent_askers_with_an_ingest_60s(shared, tmp_path):
    stats = run_load(shared, 60, _extra(tmp_path))
    _check(shared, stats, minimum=60)


def test_a_rebuild_during_a_search_does_not_mix_generations():
    """Deterministic version of the race the load test found: another thread's search rebuilds the retriever
    (the index changed) while this search is between its refresh and its scoring."""
    import numpy as np

    from assistant.corpus import Passage
    from assistant.index import _Live
    from assistant.retrieve import Retriever

    def passage(n: int, text: str) -> Passage:
        return Passage(
            id=f"d:{n:03d}", source="d.md", title="d", section=f"S{n}", text=text, doc_hash=f"h{n}"
        )

    class ChangingIndex:
        def __init__(self) -> None:
            self.generation, self.passages, self.retriever = (
                1,
                [passage(1, "Gegevens worden verwijderd."), passage(2, "Toegang wordt gelogd.")],
                None,
            )
            self.change_during_search = True

        def live(self) -> _Live:
            return _Live(
                str(self.generation),
                self.passages,
                {f"{p.doc_hash}:{p.id}": p for p in self.passages},
                [p.doc_hash for p in self.passages],
            )

        def dense(self, query_vec, k: int = 10):
            old = list(self.passages)
            if self.change_during_search:
                self.change_during_search = False
                self.generation += 1  # an ingest lands; a new passage sorts first and shifts every position
                self.passages = [passage(0, "Nieuwe regel over bewaren."), *self.passages]
                self.retriever.search("bewaren", query_vec=query_vec)  # the other thread rebuilds now
            return [(p, 0.8) for p in old]

    index = ChangingIndex()
    index.retriever = retriever = Retriever(index)
    hits = retriever.search("gegevens verwijderd", k=5, query_vec=np.ones(4, np.float32)).hits
    assert sorted(h.passage.id for h in hits) == ["d:001", "d:002"]  # one generation, whole
    assert len(retriever.search("bewaren", k=5, query_vec=np.ones(4, np.float32)).hits) == 3

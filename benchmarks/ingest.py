"""Ingest throughput against bare `model.encode` of the same texts, and incremental re-ingest.

For each size a synthetic corpus is written (benchmarks/synthetic.py) and ingested into a fresh
embedded index with the already-loaded model. The baseline is `embedder.model.encode` of the very
passage texts the ingest embeds (same prefix, batch size, normalisation), timed in two halves, one
before and one after the ingest, so both see the same machine load. Then one of the 500 documents is
changed and the corpus re-ingested (incremental), and re-ingested once more with nothing changed.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from .common import Mode, Result, TimedEmbedder, bench_settings
from .synthetic import mutate, write_corpus

NAME = "ingest"
TITLE = "Ingest throughput (passages/s) vs bare model.encode, and incremental re-ingest"


def _sizes(mode: Mode) -> list[tuple[int, int, bool]]:
    """(passages, documents, run the incremental step)."""
    if mode.quick:
        return [(20, 10, True)]
    if mode.full:
        return [(1000, 50, False), (10_000, 500, True), (50_000, 2500, False)]
    return [(1000, 500, True)]


def _passage_texts(paths: list[Path]) -> list[str]:
    from assistant.corpus import load_document, split_document

    return [p.embed_text for f in paths for p in split_document(load_document(f))]


def _bare(embedder, texts: list[str]) -> float:
    start = time.perf_counter()
    embedder.model.encode(
        ["passage: " + t for t in texts],
        batch_size=embedder.batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return time.perf_counter() - start


def run(mode: Mode) -> Result:
    from assistant.embeddings import get_embedder
    from assistant.index import PolicyIndex

    result = Result(
        NAME,
        TITLE,
        [
            "passages",
            "docs",
            "ingest s",
            "passages/s",
            "bare encode/s",
            "ratio",
            "encoded texts",
            "encode share",
            "incremental s",
            "incr/full",
            "no-op s",
        ],
    )
    tmp = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    embedder = get_embedder(bench_settings(tmp / "home0"))
    embedder.encode_passages(["warm-up"] * 8)
    for n, docs, incremental in _sizes(mode):
        corpus = tmp / f"corpus-{n}"
        paths = write_corpus(corpus, n, docs, seed=n)
        texts = _passage_texts(paths)
        half = len(texts) // 2
        bare = _bare(embedder, texts[:half])
        timed = TimedEmbedder(embedder)
        index = PolicyIndex(bench_settings(tmp / f"home-{n}"), embedder=timed)
        report = index.ingest([corpus])
        assert not report.failed, report.failed
        bare += _bare(embedder, texts[half:])
        ingest_s = report.seconds
        row = [
            n,
            docs,
            ingest_s,
            report.passages / ingest_s,
            len(texts) / bare,
            bare / ingest_s,
            timed.texts,
            timed.seconds / ingest_s,
        ]
        result.data[str(n)] = {
            "ingest_s": ingest_s,
            "bare_s": bare,
            "encode_s": timed.seconds,
            "encoded_texts": timed.texts,
            "passage_texts": len(texts),
            "encode_calls": len(timed.calls),
            "mean_batch": timed.texts / max(len(timed.calls), 1),
        }
        result.ratio(
            f"ingest/bare encode @{n}",
            bare / ingest_s,
            "bare model.encode of the same passages",
            ">= 0.8",
            bare / ingest_s >= 0.8,
        )
        if incremental:
            target = paths[len(paths) // 2]
            target.write_text(mutate(target.read_text(encoding="utf-8")), encoding="utf-8")
            again = index.ingest([corpus])
            assert len(again.updated) == 1 and not again.added, again.summary()
            noop = index.ingest([corpus])
            assert not noop.updated and not noop.added, noop.summary()
            row += [again.seconds, again.seconds / ingest_s, noop.seconds]
            result.data[str(n)] |= {
                "incremental_s": again.seconds,
                "incremental_passages": again.passages,
                "noop_s": noop.seconds,
            }
            result.ratio(
                f"incremental/full @{n} (1 of {docs} docs)",
                again.seconds / ingest_s,
                "full ingest of the same corpus",
                "< 0.05",
                again.seconds / ingest_s < 0.05,
            )
        else:
            row += [float("nan")] * 3
        result.rows.append(row)
    result.notes.append(
        "encoded texts = passages + sentences (sentence vectors are computed at ingest for "
        "the extractive answerer); encode share = time inside encode calls / ingest time"
    )
    if not mode.full:
        result.notes.append("10k and 50k passages run with --full (10k alone takes ~20 min on 2 cores)")
    result.params = {"sizes": _sizes(mode), "batch_size": embedder.batch_size}
    return result

"""Ingest throughput against bare `model.encode` of the same texts, and incremental re-ingest.

For each size a synthetic corpus is written (benchmarks/synthetic.py) and ingested into a fresh
embedded index with the already-loaded model. Two baselines, both `embedder.model.encode` with the
embedder's own prefix, batch size and normalisation, timed in two halves (one before and one after
the ingest, so both see the same machine load):

- **bare (passages)**: the passage texts the ingest embeds. `ingest/bare` against it is the issue's
  figure (target 0.8).
- **bare (all texts)**: every text the ingest actually embedded (passages plus the sentences it embeds
  for the extractive answerer), timed after the ingest. Against it, the ratio shows the cost of the
  ingest machinery itself (batching, Chroma writes), whatever the sentence policy.

Then one of the documents is changed and the corpus re-ingested (incremental), and re-ingested once
more with nothing changed (no-op).
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
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
    """The passage texts PolicyIndex.ingest embeds (section path + text)."""
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
    with tempfile.TemporaryDirectory(prefix="bench-ingest-", ignore_cleanup_errors=True) as tmp:
        return _run(mode, Path(tmp))


def _run(mode: Mode, tmp: Path) -> Result:
    from assistant.embeddings import get_embedder
    from assistant.index import PolicyIndex

    columns = [
        "passages",
        "docs",
        "ingest s",
        "passages/s",
        "bare passages/s",
        "ingest/bare",
        "texts encoded",
        "mean batch",
        "ingest/bare all texts",
        "encode share",
        "incremental s",
        "incr/full",
        "no-op s",
    ]
    result = Result(NAME, TITLE, columns)
    embedder = get_embedder(bench_settings(tmp / "home0"))
    embedder.encode_passages(["warm-up"] * 8)
    for n, docs, incremental in _sizes(mode):
        corpus = tmp / f"corpus-{n}"
        paths = write_corpus(corpus, n, docs, seed=n)
        passages = _passage_texts(paths)
        half = len(passages) // 2
        bare_p = _bare(embedder, passages[:half])
        timed = TimedEmbedder(embedder)
        index = PolicyIndex(bench_settings(tmp / f"home-{n}"), embedder=timed)
        report = index.ingest([corpus])
        assert not report.failed, report.failed
        bare_p += _bare(embedder, passages[half:])
        sentences = list(
            (Counter(timed.texts_seen) - Counter(passages)).elements()
        )  # the extra texts embedded
        bare_s = _bare(embedder, sentences)
        took = report.seconds
        mean_batch = timed.texts / max(len(timed.calls), 1)
        row = [
            n,
            docs,
            took,
            report.passages / took,
            len(passages) / bare_p,
            bare_p / took,
            timed.texts,
            mean_batch,
            (bare_p + bare_s) / took,
            timed.seconds / took,
        ]
        result.data[str(n)] = {
            "ingest_s": took,
            "bare_passages_s": bare_p,
            "bare_sentences_s": bare_s,
            "encode_s": timed.seconds,
            "encoded_texts": timed.texts,
            "passages": len(passages),
            "sentences": len(sentences),
            "encode_calls": len(timed.calls),
            "mean_batch": mean_batch,
        }
        result.ratio(
            f"ingest/bare encode @{n}",
            bare_p / took,
            "bare model.encode of the same passages",
            ">= 0.8",
            bare_p / took >= 0.8,
        )
        result.ratio(
            f"ingest/bare encode of all texts @{n}",
            (bare_p + bare_s) / took,
            f"bare model.encode of the {len(passages)} passages + {len(sentences)} sentences ingest embeds",
            ">= 0.8",
            (bare_p + bare_s) / took >= 0.8,
        )
        if incremental:
            target = paths[len(paths) // 2]
            target.write_text(mutate(target.read_text(encoding="utf-8")), encoding="utf-8")
            again = index.ingest([corpus])
            assert len(again.updated) == 1 and not again.added, again.summary()
            noop = index.ingest([corpus])
            assert not noop.updated and not noop.added, noop.summary()
            row += [again.seconds, again.seconds / took, noop.seconds]
            result.data[str(n)] |= {
                "incremental_s": again.seconds,
                "incremental_passages": again.passages,
                "noop_s": noop.seconds,
            }
            result.ratio(
                f"incremental/full @{n} (1 of {docs} docs)",
                again.seconds / took,
                "full ingest of the same corpus",
                "< 0.05",
                again.seconds / took < 0.05,
            )
        else:
            row += [float("nan")] * 3
        result.rows.append(row)
    result.notes += [
        "texts encoded = passages + the sentence texts the ingest embeds for the extractive answerer; "
        "mean batch = texts per encode call; encode share = time in encode calls / ingest time",
        "1k passages in 500 documents (2 each) is the worst case for per-document writes; --full adds 1k in 50",
    ]
    if not mode.full:
        result.notes.append("10k and 50k passages run with --full (10k alone takes ~15-20 min on 2 cores)")
    result.params = {"sizes": _sizes(mode), "batch_size": embedder.batch_size}
    return result

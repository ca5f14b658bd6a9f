"""Retrieval at scale: search p95 and peak memory at 10k (and 50k with --full) passages, embedded
Chroma and a Chroma server, plus the BM25 index build.

Each configuration runs in a fresh process (so its peak RSS is its own): write a synthetic corpus,
ingest it, build the retriever, then time `Retriever.search` (dense + BM25 + concepts + fusion) over
the eval questions and `PolicyIndex.sentences` for the hits (the rest of an ask's index work).
Vectors come from `HashEmbedder` (deterministic, 384-d): index and search costs do not depend on
what the vectors mean, the real model's query encoding is constant in corpus size (see the ask
benchmark), and 10k real passage vectors alone take ~15 minutes on 2 cores. Baselines in the same
process: numpy brute-force top-k over the same vectors, and a bare Chroma query without the
live-document filter. Server mode starts `chroma run` as a child; its peak RSS (VmHWM) is added.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from .common import ROOT, ChromaServer, Mode, Result, percentile, run_worker

NAME = "scale"
TITLE = "Retrieval at scale: search p95 and peak memory, embedded Chroma vs Chroma server; BM25 build"
QUESTIONS = ROOT / "evals" / "questions.jsonl"


def _sizes(mode: Mode) -> list[int]:
    if mode.quick:
        return [400]
    return [10_000, 50_000] if mode.full else [10_000]


def _worker(spec: dict) -> dict:
    """One configuration, in this (fresh) process."""
    import bm25s  # noqa: F401  (imported before the baseline RSS is taken)
    import chromadb  # noqa: F401
    import langchain_chroma  # noqa: F401
    import numpy as np

    from assistant.index import _PASSAGES, PolicyIndex
    from assistant.retrieve import Retriever, _Lexical

    from .common import HashEmbedder, bench_settings, current_rss_mb, peak_rss_mb
    from .synthetic import write_corpus

    out: dict = {"rss_after_imports_mb": peak_rss_mb()}
    tmp = Path(spec["tmp"])
    corpus = tmp / "corpus"
    write_corpus(corpus, spec["passages"], seed=spec["passages"])
    overrides = {"chroma_host": "127.0.0.1", "chroma_port": spec["port"]} if spec.get("port") else {}
    settings = bench_settings(tmp / "home", **overrides)
    embedder = HashEmbedder()
    index = PolicyIndex(settings, embedder=embedder)
    report = index.ingest([corpus])
    assert not report.failed, report.failed
    out |= {"passages": report.passages, "ingest_s": report.seconds, "rss_after_ingest_mb": peak_rss_mb()}

    retriever = Retriever(index)
    start = time.perf_counter()
    retriever._refresh()  # live view from the store + BM25 + concept targets: the first search after a change
    out["refresh_s"] = time.perf_counter() - start
    out["rss_after_refresh_mb"] = current_rss_mb()

    passages = retriever.passages
    tracemalloc.start()
    start = time.perf_counter()
    _Lexical(passages)
    out["bm25_build_s"] = time.perf_counter() - start
    out["bm25_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    out["rss_after_bm25_mb"] = current_rss_mb()

    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [r["question"] for r in rows][: spec.get("questions", len(rows))]
    qvecs = embedder.encode_queries(questions)
    col = index._col(_PASSAGES)
    got = col.get(where={"kind": "text"}, include=["embeddings"])
    matrix = np.asarray(got["embeddings"], np.float32)
    del got
    out["rss_after_floor_matrix_mb"] = current_rss_mb()
    for q, v in zip(questions[:3], qvecs[:3], strict=True):  # warm-up
        retriever.search(q, k=5, query_vec=v)

    search_t, sent_t, floor_t, bare_t = [], [], [], []
    for q, v in zip(questions, qvecs, strict=True):
        start = time.perf_counter()
        hits = retriever.search(q, k=5, query_vec=v).hits
        search_t.append(time.perf_counter() - start)
        start = time.perf_counter()
        index.sentences([h.passage for h in hits])
        sent_t.append(time.perf_counter() - start)
        start = time.perf_counter()
        scores = matrix @ v
        top = np.argpartition(-scores, 30)[:30]
        top[np.argsort(-scores[top])]
        floor_t.append(time.perf_counter() - start)
        start = time.perf_counter()
        col.query(query_embeddings=[v.tolist()], n_results=30, include=["distances"])
        bare_t.append(time.perf_counter() - start)
    for key, values in (
        ("search", search_t),
        ("sentences", sent_t),
        ("numpy", floor_t),
        ("chroma_bare", bare_t),
    ):
        out[f"{key}_p50_ms"] = percentile(values, 50) * 1e3
        out[f"{key}_p95_ms"] = percentile(values, 95) * 1e3
    total = [a + b for a, b in zip(search_t, sent_t, strict=True)]
    out["search_sentences_p95_ms"] = percentile(total, 95) * 1e3
    out["queries"] = len(questions)
    out["rss_end_mb"] = current_rss_mb()
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def run(mode: Mode) -> Result:
    result = Result(
        NAME,
        TITLE,
        [
            "passages",
            "store",
            "ingest s",
            "first search s",
            "search p50 ms",
            "search p95 ms",
            "+sentences p95 ms",
            "numpy p95 ms",
            "chroma bare p95 ms",
            "search/numpy p95",
            "BM25 build s",
            "BM25 MB",
            "RSS MB",
            "peak RSS MB",
            "server RSS MB",
        ],
    )
    questions = 20 if mode.quick else 166
    for n in _sizes(mode):
        for store in ("embedded", "server"):
            with tempfile.TemporaryDirectory(prefix=f"bench-scale-{n}-") as tmp:
                spec = {"passages": n, "tmp": tmp, "questions": questions}
                server_rss = float("nan")
                if store == "server":
                    with ChromaServer(Path(tmp) / "server") as server:
                        spec["port"] = server.port
                        out = run_worker("benchmarks.scale", spec)
                        server_rss = server.peak_rss_mb() or float("nan")
                else:
                    out = run_worker("benchmarks.scale", spec)
            out["server_rss_mb"] = server_rss
            result.data[f"{store}@{n}"] = out
            result.rows.append(
                [
                    out["passages"],
                    store,
                    out["ingest_s"],
                    out["refresh_s"],
                    out["search_p50_ms"],
                    out["search_p95_ms"],
                    out["search_sentences_p95_ms"],
                    out["numpy_p95_ms"],
                    out["chroma_bare_p95_ms"],
                    out["search_p95_ms"] / out["numpy_p95_ms"],
                    out["bm25_build_s"],
                    out["bm25_peak_mb"],
                    out["rss_end_mb"],
                    out["peak_rss_mb"],
                    server_rss,
                ]
            )
            result.ratio(
                f"search p95 / bare Chroma query p95, {store} @{n}",
                out["search_p95_ms"] / out["chroma_bare_p95_ms"],
                "col.query(n_results=30) without the live-document filter",
            )
            result.ratio(
                f"peak RSS / RSS after imports, {store} @{n}",
                out["peak_rss_mb"] / out["rss_after_imports_mb"],
                f"{out['rss_after_imports_mb']:.0f} MB: the process with assistant, chromadb, bm25s imported",
            )
        emb, srv = result.data[f"embedded@{n}"], result.data[f"server@{n}"]
        result.ratio(
            f"server / embedded search p95 @{n}",
            srv["search_p95_ms"] / emb["search_p95_ms"],
            "embedded Chroma, same corpus and queries",
        )
    result.notes += [
        "vectors from HashEmbedder (fast, deterministic) instead of e5: search and memory costs do not "
        "depend on what the vectors mean; query encoding is measured in the ask benchmark",
        "search = Retriever.search with a given query vector (dense + BM25 + concepts + fusion); "
        "+sentences adds PolicyIndex.sentences for the 5 hits (what ask also reads)",
        "peak RSS = VmHWM of the worker process (index, live view, BM25, search); server RSS = VmHWM of `chroma run`",
    ]
    if not mode.full:
        result.notes.append("50k passages run with --full")
    result.params = {"sizes": _sizes(mode), "queries": questions}
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", required=True)
    args = parser.parse_args()
    print(json.dumps(_worker(json.loads(args.worker))))
    sys.stdout.flush()

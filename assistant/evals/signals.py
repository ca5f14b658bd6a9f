"""Retrieval signals per eval question, gathered once so the calibration can search thousands of
constants without running the model again.

For each question the Ask pipeline is run once (for the question it actually retrieves with: PII
redacted, a follow-up condensed with its history), then that question is searched over every passage.
What comes back does not depend on any tuned constant: the raw dense, BM25 and concept score of each
passage, the refusal signals, and which passages hold an expected phrase. Fusion weights and refusal
thresholds are then applied to these arrays (`assistant.retrieve.fuse`, `assistant.evals.scope_fit`).
The signals are cached in a `.npz` file keyed by everything they depend on.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.ask.scope import MAX_PARTS, asks, question_parts
from assistant.backends.extractive import overlap_text, stems
from assistant.config import PACKAGE_ROOT
from assistant.corpus import Passage
from assistant.evals.common import contains_phrase
from assistant.evals.datasets import QuestionCase, question_history
from assistant.language import detect_language
from assistant.retrieve import Hit, Retrieval, Weights, fuse

__all__ = ["QuestionSignals", "SignalSet", "CachingEmbedder", "collect_signals"]

SIGNALS_VERSION = "6"  # bump when what is stored changes
_PROBE = "calibration probe: hoe lang mogen studentgegevens bewaard worden?"


@dataclass(frozen=True)
class QuestionSignals:
    """One question's constant-free retrieval signals; arrays hold one value per passage."""

    id: str
    answerable: bool
    standalone: str
    asked: str  # the question as typed this turn (without the context a follow-up borrows)
    dense: np.ndarray
    lexical: np.ndarray
    concept: np.ndarray
    relevant: np.ndarray
    top_dense: float
    lexical_top: float
    concept_strength: float
    # per sentence of the index (`SignalSet.sentences`): cosine similarity with the standalone question,
    # share of the asked question's stems it holds (`extractive.stems`), and whether it holds an
    # expected phrase
    sentence_sim: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    sentence_overlap: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    sentence_relevant: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    # per passage: the passage vote of the calibration's train examples (`ExampleVote.passage_votes`);
    # set by the calibration program after the split, empty (no vote) as collected
    vote: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    # per sentence of the index: the sentence vote of the same examples (`ExampleVote.sentence_voter`),
    # set with `vote`
    sentence_vote: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    # per sentence of the index: the best cosine of any part of the standalone question (the whole and
    # `scope.question_parts`) with it: the scope model's sentence evidence
    point_sim: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    # the query vectors of the asked parts of the standalone question (`scope.asks`), zero rows padding to
    # `scope.MAX_PARTS`: each votes in the scope model as the whole question does
    ask_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))


@dataclass(frozen=True)
class SignalSet:
    """The signals of a question set over one index's passages (`official`: 1.0 per official passage);
    `k` is how many passages the pipeline retrieves per question (`Assistant.k`)."""

    passages: list[Passage]
    official: np.ndarray
    questions: list[QuestionSignals]
    k: int
    sentences: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.int64))
    """One row per stored sentence of the index: (passage position, start, end), in passage order."""

    def sentences_of(self, position: int) -> np.ndarray:
        """Row numbers (into `sentences` and the per-question sentence arrays) of one passage's sentences."""
        return np.flatnonzero(self.sentences[:, 0] == position)

    def ranking(self, q: QuestionSignals, weights: Weights) -> np.ndarray:
        """Passage positions of the top k under `weights`, best first (the product's stable order)."""
        fused = fuse(q.dense, q.lexical, q.concept, self.official, weights, q.vote if len(q.vote) else None)
        return np.argsort(-fused, kind="stable")[: self.k]

    def retrieval(self, q: QuestionSignals, weights: Weights) -> Retrieval:
        """The `Retrieval` the pipeline would get for `q`: top k hits and the refusal signals."""
        fused = fuse(q.dense, q.lexical, q.concept, self.official, weights, q.vote if len(q.vote) else None)
        top = np.argsort(-fused, kind="stable")[: self.k]
        hits = [
            Hit(
                self.passages[i], float(fused[i]), float(q.dense[i]), float(q.lexical[i]), float(q.concept[i])
            )
            for i in top
        ]
        return Retrieval(
            q.standalone,
            hits,
            top_dense=q.top_dense,
            lexical_top=q.lexical_top,
            concept_strength=q.concept_strength,
        )


class CachingEmbedder:
    """Wraps an embedder (`encode_queries`, `encode_passages`, `dim`) and remembers every text's vector."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.dim = getattr(inner, "dim", None)
        self._seen: dict[tuple[str, str], np.ndarray] = {}

    def _encode(self, kind: str, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if (kind, t) not in self._seen]
        if todo:
            fresh = getattr(self.inner, f"encode_{kind}")(todo)
            self._seen.update({(kind, t): np.asarray(v) for t, v in zip(todo, fresh, strict=True)})
        return np.stack([self._seen[(kind, t)] for t in texts])

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode("queries", texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode("passages", texts)


@functools.cache  # once per process: the code that runs was loaded once too
def _source_digest() -> str:
    """SHA-256 over the package's code and data: a change to routing terms, tokenising or condensing
    changes the signals. Left out: the calibration file (the constants are applied later) and
    `assistant/evals/` (a change to what this module stores bumps SIGNALS_VERSION)."""
    h = hashlib.sha256()
    pkg = PACKAGE_ROOT / "assistant"
    for path in sorted(
        p for p in pkg.rglob("*") if p.is_file() and p.suffix in {".py", ".yaml", ".toml", ".txt"}
    ):
        if path.name == "calibration.toml" or "__pycache__" in path.parts or path.parent.name == "evals":
            continue
        h.update(str(path.relative_to(pkg)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _cache_key(assistant: Any, passages: list[Passage], data_digests: Iterable[str]) -> str:
    h = hashlib.sha256(f"signals-v{SIGNALS_VERSION}\0{_source_digest()}\0".encode())
    for d in data_digests:
        h.update(d.encode() + b"\0")
    for p in passages:
        h.update(f"{p.doc_hash}:{p.id}\0{p.section}\0{p.authority}\0{p.text}\0".encode())
    probe = np.asarray(assistant.index.embedder.encode_queries([_PROBE])[0], np.float32)
    h.update(np.round(probe, 5).tobytes())
    return h.hexdigest()


def sentence_table(assistant: Any, passages: list[Passage]) -> tuple[np.ndarray, np.ndarray]:
    """The index's stored sentences of `passages`: rows (passage position, start, end) and their vectors."""
    stored = assistant.index.sentences(passages)
    rows, vectors = [], []
    for i, p in enumerate(passages):
        for a, b, vec in stored.get(f"{p.doc_hash}:{p.id}") or []:
            rows.append((i, a, b))
            vectors.append(np.asarray(vec, np.float32))
    dim = len(vectors[0]) if vectors else 0
    return np.array(rows, np.int64).reshape(-1, 3), np.array(vectors, np.float32).reshape(-1, dim)


def _gather(
    assistant: Any,
    passages: list[Passage],
    cases: list[QuestionCase],
    progress: Callable[[int, int], None] | None,
) -> list[QuestionSignals]:
    position = {f"{p.doc_hash}:{p.id}": i for i, p in enumerate(passages)}
    by_id = {c.id: c for c in cases}
    standalones = []
    for done, case in enumerate(cases, 1):
        history = [(q, "") for q in question_history(case, by_id)]
        standalones.append(assistant.standalone(case.question, history=history))
        if progress:
            progress(done, len(cases))
    vectors = assistant.index.embedder.encode_queries(standalones)  # one batch: far faster than one by one
    rows, sentence_vectors = sentence_table(assistant, passages)
    texts = [passages[i].text[a:b] for i, a, b in rows]
    stems_by_lang = {
        lang: [stems(overlap_text(passages[i], (a, b), lang)) for i, a, b in rows] for lang in ("nl", "en")
    }
    parts = [question_parts(s) for s in standalones]
    flat = [p for ps in parts for p in ps]
    part_vectors = iter(np.asarray(assistant.index.embedder.encode_queries(flat), np.float32) if flat else [])
    out = []
    for case, standalone, vector, own_parts in zip(cases, standalones, vectors, parts, strict=True):
        lang = detect_language(case.question)  # as the pipeline does
        sentence_stems = stems_by_lang["nl" if lang == "nl" else "en"]
        r = assistant.retriever.search(standalone, k=len(passages), query_vec=vector, lang=lang)
        arrays = np.zeros((3, len(passages)), np.float32)
        for hit in r.hits:
            arrays[:, position[f"{hit.passage.doc_hash}:{hit.passage.id}"]] = (
                hit.dense,
                hit.lexical,
                hit.concept,
            )
        relevant = np.array(
            [bool(case.expected) and contains_phrase(p.text, case.expected) for p in passages]
        )
        asked = stems(case.question)
        sims = sentence_vectors @ np.asarray(vector, np.float32) if len(rows) else np.zeros(0, np.float32)
        overlap = np.array([len(asked & st) / max(len(asked), 1) for st in sentence_stems], np.float32)
        holds = np.array([bool(case.expected) and contains_phrase(t, case.expected) for t in texts], bool)
        point = sims.copy()
        asked_vectors = np.zeros((MAX_PARTS, len(vector)), np.float32)
        n_asked = 0
        for part in own_parts:
            v = next(part_vectors)
            if len(rows):
                point = np.maximum(point, sentence_vectors @ v)
            if asks(part):
                asked_vectors[n_asked] = v
                n_asked += 1
        out.append(
            QuestionSignals(
                case.id,
                case.answerable,
                standalone,
                case.question,
                *arrays,
                relevant,
                r.top_dense,
                r.lexical_top,
                r.concept_strength,
                sims.astype(np.float32),
                overlap,
                holds,
                point_sim=point.astype(np.float32),
                ask_vectors=asked_vectors,
            )
        )
    return out


def _save(path: Path, key: str, questions: list[QuestionSignals]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(
        tmp,
        key=np.array(key),
        ids=np.array([q.id for q in questions]),
        answerable=np.array([q.answerable for q in questions], bool),
        standalone=np.array([q.standalone for q in questions]),
        asked=np.array([q.asked for q in questions]),
        arrays=np.stack([np.stack([q.dense, q.lexical, q.concept]) for q in questions]),
        relevant=np.stack([q.relevant for q in questions]),
        scalars=np.array([[q.top_dense, q.lexical_top, q.concept_strength] for q in questions], np.float64),
        sentence_sim=np.stack([q.sentence_sim for q in questions]),
        sentence_overlap=np.stack([q.sentence_overlap for q in questions]),
        sentence_relevant=np.stack([q.sentence_relevant for q in questions]),
        point_sim=np.stack([q.point_sim for q in questions]),
        ask_vectors=np.stack([q.ask_vectors for q in questions]),
    )
    tmp.replace(path)


def _load(path: Path, key: str) -> list[QuestionSignals] | None:
    try:
        with np.load(path, allow_pickle=False) as f:
            if str(f["key"]) != key:
                return None
            rows = zip(
                f["ids"],
                f["answerable"],
                f["standalone"],
                f["asked"],
                f["arrays"],
                f["relevant"],
                f["scalars"],
                f["sentence_sim"],
                f["sentence_overlap"],
                f["sentence_relevant"],
                f["point_sim"],
                f["ask_vectors"],
                strict=True,
            )
            return [
                QuestionSignals(
                    str(i),
                    bool(a),
                    str(s),
                    str(asked),
                    *arr,
                    rel,
                    *(float(x) for x in sc),
                    ssim,
                    sover,
                    srel,
                    point_sim=psim,
                    ask_vectors=avec,
                )
                for i, a, s, asked, arr, rel, sc, ssim, sover, srel, psim, avec in rows
            ]
    except (OSError, KeyError, ValueError):
        return None


def collect_signals(
    assistant: Any,
    sets: dict[str, tuple[list[QuestionCase], str]],
    *,
    cache_dir: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, SignalSet]:
    """Signals of each question set (`name -> (cases, sha256 of its file)`) over `assistant`'s index.

    `assistant` is an `assistant.ask.pipeline.Assistant` (`standalone` gives each question's retrieval
    form); its backend only condenses follow-ups (the
    extractive backend condenses deterministically). With `cache_dir`, a set whose key (cases, code and
    data of the package, passages, the embedder's vector of a probe text) is unchanged is read back from
    `cache_dir/<name>.npz` instead of being run; `progress(name, done, total)` reports a run."""
    passages = list(assistant.retriever.passages)
    official = np.array([p.authority == "official" for p in passages], np.float32)
    out = {}
    for name, (cases, digest) in sets.items():
        key = _cache_key(assistant, passages, [digest, *(c.model_dump_json() for c in cases)])
        path = cache_dir / f"{name}.npz" if cache_dir else None
        questions = _load(path, key) if path and path.exists() else None
        if questions is None:
            report = (lambda done, total, name=name: progress(name, done, total)) if progress else None
            questions = _gather(assistant, passages, cases, report)
            if path:
                _save(path, key, questions)
        out[name] = SignalSet(
            passages, official, questions, assistant.k, sentence_table(assistant, passages)[0]
        )
    return out

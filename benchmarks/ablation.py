"""Retrieval ablation: dense, BM25, concept routing and the fused ranking on the dev and holdout sets.

    python -m benchmarks.ablation            # prints a table, writes benchmarks/results/ablation.json

A question counts as retrieved at k when any of the top-k passages holds an expected phrase.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = {
    "dense": (1.0, 0.0, 0.0),
    "bm25": (0.0, 1.0, 0.0),
    "concepts": (0.0, 0.0, 1.0),
    "dense+bm25": (1.0, 0.3, 0.0),
    "fused (default)": None,
}


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def run(sets: dict[str, Path] | None = None) -> dict:
    from assistant import services
    from assistant.config import load_settings
    from assistant.pii import redact
    from assistant.retrieve import Weights

    sets = sets or {
        "dev": ROOT / "evals" / "questions.jsonl",
        "holdout": ROOT / "evals" / "holdout_questions.jsonl",
    }
    assistant = services.build_assistant(load_settings())
    services.first_start(assistant)
    retriever = assistant.retriever
    default = retriever.weights
    out: dict = {}
    for set_name, path in sets.items():
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows = [r for r in rows if r.get("answerable") and not r.get("history")]
        queries = [redact(r["question"])[0] for r in rows]
        vecs = assistant.index.embedder.encode_queries(queries)
        for name, w in VARIANTS.items():
            retriever.weights = default if w is None else Weights(*w, official_bonus=default.official_bonus)
            ranks: dict[str, list] = {"nl": [], "en": []}
            for row, query, vec in zip(rows, queries, vecs, strict=True):
                hits = retriever.search(query, k=5, query_vec=vec).hits
                rank = next(
                    (
                        i
                        for i, h in enumerate(hits, 1)
                        if any(_fold(e) in _fold(h.passage.text) for e in row["expected"])
                    ),
                    None,
                )
                ranks[row.get("lang", "nl")].append(rank)
            for lang, rs in ranks.items():
                out.setdefault(set_name, {}).setdefault(name, {})[lang] = {
                    "n": len(rs),
                    "hit@1": round(float(np.mean([r == 1 for r in rs])), 3),
                    "hit@3": round(float(np.mean([r is not None and r <= 3 for r in rs])), 3),
                    "hit@5": round(float(np.mean([r is not None for r in rs])), 3),
                    "mrr": round(float(np.mean([1 / r if r else 0 for r in rs])), 3),
                }
    retriever.weights = default
    return out


def main() -> None:
    result = run()
    for set_name, variants in result.items():
        print(f"\n{set_name}: hit@1 / hit@3 / MRR per language")
        print(f"{'variant':<18} {'nl':>22} {'en':>22}")
        for name, langs in variants.items():
            cells = [
                f"{v['hit@1']:.2f} / {v['hit@3']:.2f} / {v['mrr']:.2f}" for v in (langs["nl"], langs["en"])
            ]
            print(f"{name:<18} {cells[0]:>22} {cells[1]:>22}")
    target = ROOT / "benchmarks" / "results"
    target.mkdir(parents=True, exist_ok=True)
    (target / "ablation.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"\nwritten {target / 'ablation.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""What the calibration program measures for one set of constants: refusal, ranking, quoting and
drafting figures over recorded signals, each with the standard error the one-standard-error rule uses."""

from __future__ import annotations

from typing import Any

import numpy as np

from assistant.backends.extractive import choose_sentences, named_passages
from assistant.calibration import DrafterWeights, QuoteSelection
from assistant.drafting.drafter import rank_areas
from assistant.evals.check import evaluate_descriptions
from assistant.evals.datasets import DescriptionCase
from assistant.evals.signals import SignalSet
from assistant.retrieve import Weights, fuse

__all__ = ["fusion_figures", "quote_figures", "drafter_figures"]


def fusion_figures(signals: SignalSet, weights: Weights) -> dict[str, float]:
    """hit@1/3/5 and MRR of the first passage holding an expected phrase among the k the pipeline
    retrieves (answerable questions; a miss counts 0, as in `assistant eval`)."""
    ranks = []
    for q in signals.questions:
        if q.answerable:
            hits = [n for n, i in enumerate(signals.ranking(q, weights), 1) if q.relevant[i]]
            ranks.append(hits[0] if hits else None)
    n = len(ranks) or 1
    reciprocal = [1 / r if r else 0.0 for r in ranks]
    return {
        "mrr": round(sum(reciprocal) / n, 4),
        "mrr_se": round(_se_mean(reciprocal), 4),
        **{f"hit_at_{k}": round(sum(1 for r in ranks if r and r <= k) / n, 4) for k in (1, 3, 5)},
        "n": len(ranks),
    }


def quote_figures(
    signals: SignalSet, weights: Weights, params: QuoteSelection, answered: set[str] | None = None
) -> dict[str, float]:
    """quote_hit (a quoted sentence holds an expected phrase), quote_precision (share of quoted
    sentences that do) and quote_score (their mean per question, the extractive objective) of `choose_sentences(params)` over the answerable questions the pipeline answers
    (ids in `answered`; None: all) with `weights`; as `assistant eval` scores them, but without list
    items, which the backend adds after the choice."""
    per_question = []
    for q in signals.questions:
        if not q.answerable or not len(q.sentence_sim):
            continue
        if answered is not None and q.id not in answered:
            continue
        fused = fuse(
            q.dense, q.lexical, q.concept, signals.official, weights, q.vote if len(q.vote) else None
        )
        top = signals.ranking(q, weights)
        rows = [signals.sentences_of(int(i)) for i in top]
        voted = q.sentence_vote if len(q.sentence_vote) else np.zeros(len(q.sentence_sim), np.float32)
        scored = [
            [
                (
                    float(
                        q.sentence_sim[n]
                        + params.overlap_weight * q.sentence_overlap[n]
                        + params.vote_weight * voted[n]
                    ),
                    m,
                )
                for m, n in enumerate(rs)
            ]
            for rs in rows
        ]
        named = named_passages(q.asked, [signals.passages[int(i)].section for i in top])
        chosen = [
            rows[i][m] for i, m in choose_sentences(scored, [float(fused[i]) for i in top], params, named)
        ]
        held = [bool(q.sentence_relevant[n]) for n in chosen]
        hit = float(any(held))
        precision = sum(held) / len(held) if held else 0.0
        per_question.append((hit, precision))
    n = len(per_question) or 1
    hits = [h for h, _ in per_question]
    precisions = [p for _, p in per_question]
    return {
        "quote_hit": round(sum(hits) / n, 4),
        "quote_hit_se": round(_se_mean(hits), 4),
        "quote_score": round(sum((h + p) / 2 for h, p in per_question) / n, 4),
        "quote_score_se": round(_se_mean([(h + p) / 2 for h, p in per_question]), 4),
        "quote_precision": round(sum(precisions) / n, 4),
        "n": len(per_question),
    }


def drafter_figures(
    cases: list[DescriptionCase],
    embedder: Any,
    weights: DrafterWeights,
    examples: Any = None,
    model: Any = None,
) -> dict[str, float]:
    """First-area accuracy and mean Jaccard of the chosen areas (`evaluate_descriptions`), as `assistant
    eval` scores `draft_from_description`, whose areas are `rank_areas`' chosen set; `score` is the mean
    over cases of (first area right + Jaccard) / 2, the drafter's objective (both are the issue's targets).
    `examples`: the area vote's labelled descriptions, `model` the area model (default the shipped ones)."""

    def drafter(text: str) -> dict:
        ranked, chosen = rank_areas(text, embedder=embedder, weights=weights, examples=examples, model=model)
        return {"areas_ranked": ranked, "areas": chosen}

    report = evaluate_descriptions(cases, drafter)
    m = report["metrics"]
    per_case = [(float(r["first_right"]) + r["jaccard"]) / 2 for r in report["results"]]
    return {
        "score": round(sum(per_case) / len(per_case), 4) if per_case else 0.0,
        "score_se": round(_se_mean(per_case), 4),
        "first_right": m["first_right"],
        "first_right_se": round(_se_proportion(m["first_right"], m["n"]), 4),
        "mean_jaccard": m["mean_jaccard"],
        "n": m["n"],
    }


def _se_proportion(p: float, n: int) -> float:
    """Standard error of a proportion `p` measured on `n` cases (0 for no cases)."""
    return (p * (1 - p) / n) ** 0.5 if n else 0.0


def _se_mean(values: list[float]) -> float:
    """Standard error of the mean of `values` (sample standard deviation / sqrt(n))."""
    n = len(values)
    if n < 2:
        return 0.0
    mean = sum(values) / n
    return (sum((v - mean) ** 2 for v in values) / (n - 1) / n) ** 0.5

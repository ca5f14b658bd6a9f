"""Scoring of the drafter (area mapping) and the checker (blocker/major principles) on labelled data.

Evals are data: `evals/descriptions.jsonl` lines `{"id", "description", "areas"}` (`DescriptionCase`) and
`evals/drafts.json` cases `{"id", "draft", "expected", "note"}` (`DraftCase`), read by
`datasets.load_cases`. The functions here are pure scoring; the eval runner and `assistant eval` load the
files and print the reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from assistant.errors import InputError
from assistant.evals.datasets import DescriptionCase, DraftCase, as_case
from assistant.evals.skeleton import score_skeleton, skeleton_metrics
from assistant.language import detect_language
from assistant.policy import PRINCIPLE_KEYS

__all__ = ["evaluate_descriptions", "evaluate_drafts", "jaccard"]


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """|A ∩ B| / |A ∪ B|; two empty sets count as equal (1.0)."""
    sa, sb = set(a), set(b)
    return 1.0 if not sa and not sb else len(sa & sb) / len(sa | sb)


def _ranked_and_set(out: Any) -> tuple[list[str], list[str]]:
    """Accept a DraftResult, a Draft-like dict, or a plain ranked list of area ids."""
    if hasattr(out, "areas_ranked"):
        ranked = [a for a, _ in out.areas_ranked]
        return ranked, list(out.draft.areas)
    if isinstance(out, dict):
        ranked = [r["id"] if isinstance(r, dict) else r[0] for r in out.get("areas_ranked", [])]
        return ranked or list(out.get("areas", [])), list(out.get("areas", []))
    ranked = list(out)
    return ranked, ranked[:1]


def _split(results: list[dict]) -> dict:
    n = len(results)
    return {
        "n": n,
        "first_right": round(sum(r["first_right"] for r in results) / n, 4) if n else 0.0,
        "mean_jaccard": round(sum(r["jaccard"] for r in results) / n, 4) if n else 0.0,
    }


def evaluate_descriptions(rows: Iterable[DescriptionCase | dict], drafter_fn: Callable[[str], Any]) -> dict:
    """First-ranked-area accuracy and mean Jaccard of the chosen area set, overall and per language;
    with `skeleton` labels on the rows and `DraftResult`s from `drafter_fn`, also the skeleton's
    figures (`metrics["skeleton"]`, `assistant.evals.skeleton`).

    `rows` are `DescriptionCase`s (dicts are validated); `drafter_fn` maps a description to a
    `DraftResult`, a draft-like dict or a ranked list of area ids."""
    results = []
    skeletons = []
    for n, row in enumerate(rows, 1):
        row = as_case(row, DescriptionCase, f"description {n}")
        out = drafter_fn(row.description)
        ranked, chosen = _ranked_and_set(out)
        expected = list(row.areas)
        language = row.language or detect_language(row.description)
        results.append(
            {
                "id": row.id,
                "areas": ranked,
                "chosen": chosen,
                "expected": expected,
                "language": language,
                "first_right": bool(ranked) and ranked[0] in expected,
                "jaccard": round(jaccard(chosen, expected), 4),
            }
        )
        if row.skeleton is not None and hasattr(out, "draft"):
            skeletons.append(score_skeleton(out, row.skeleton, row.description))
            results[-1]["skeleton"] = skeletons[-1]
    metrics = _split(results)
    if skeletons:
        metrics["skeleton"] = skeleton_metrics(skeletons)
    metrics["by_language"] = {
        lang: _split([r for r in results if r["language"] == lang])
        for lang in sorted({r["language"] for r in results})
    }
    return {"metrics": metrics, "results": results}


def evaluate_drafts(cases: Iterable[DraftCase | dict]) -> dict:
    """Recall and precision of the principles with blocker/major findings against the expected ones.

    `cases` are `DraftCase`s (dicts are validated); a draft the checker cannot parse counts as no
    finding and keeps its error in the result."""
    from assistant.checker import check_draft, passed
    from assistant.proposal import parse_draft

    results = []
    counts = {p: {"tp": 0, "fp": 0, "fn": 0} for p in PRINCIPLE_KEYS}
    for n, case in enumerate(cases, 1):
        case = as_case(case, DraftCase, f"draft case {n}")
        expected = set(case.expected)
        error = None
        try:
            findings = check_draft(parse_draft(case.draft, source=case.id))
            predicted = {f.principle for f in findings if f.severity in ("blocker", "major")}
            ok = passed(findings)
        except InputError as exc:
            findings, predicted, ok, error = [], set(), False, str(exc)
        for p in predicted | expected:
            c = counts.setdefault(p, {"tp": 0, "fp": 0, "fn": 0})
            c["tp" if p in predicted and p in expected else "fp" if p in predicted else "fn"] += 1
        results.append(
            {
                "id": case.id,
                "expected": sorted(expected),
                "predicted": sorted(predicted),
                "missed": sorted(expected - predicted),
                "extra": sorted(predicted - expected),
                "passed": ok,
                "findings": [f.model_dump() for f in findings],
                **({"error": error} if error else {}),
            }
        )
    tp = sum(c["tp"] for c in counts.values())
    fp = sum(c["fp"] for c in counts.values())
    fn = sum(c["fn"] for c in counts.values())
    compliant = [r for r in results if not r["expected"]]
    per_principle = {
        p: {
            "precision": round(c["tp"] / (c["tp"] + c["fp"]), 4) if c["tp"] + c["fp"] else None,
            "recall": round(c["tp"] / (c["tp"] + c["fn"]), 4) if c["tp"] + c["fn"] else None,
            **c,
        }
        for p, c in counts.items()
        if any(c.values())
    }
    metrics = {
        "n": len(results),
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "compliant_pass_rate": round(sum(r["passed"] for r in compliant) / len(compliant), 4)
        if compliant
        else None,
        "per_principle": per_principle,
    }
    return {"metrics": metrics, "results": results}

"""Measuring the privacy scan (`assistant.scan`) on labelled drafts (issue 21, "Measured").

A case is `{"id", "draft": {...draft format v1...}, "labels": {"verdict", "criteria": {item id: "yes" |
"no" | "unknown"}, "ai_act", ...}}` (`evals/blind/scan_blind.json`). Figures:

- `verdict_accuracy`: the scan's DPIA verdict equals the label;
- `under_call_rate`: labelled `required`, scanned `recommended` or `not_indicated` (the error that
  matters: a DPIA missed); `depends` is not an under-call, since it names the open questions;
- `criteria_precision` / `criteria_recall`: over criteria labelled yes or no, a scan answer "yes" (from
  the draft, derived or suggested) against the label "yes" (micro-averaged);
- `ai_act_accuracy`: the scan's AI Act class equals the label, after mapping the scan's classes onto
  the label vocabulary (`_AI_CLASS`).
"""

from __future__ import annotations

from typing import Any

from assistant.errors import InputError

__all__ = ["evaluate_scans"]

# the scan's `ai_act.class` values -> the label vocabulary of the set (no AI system / minimal /
# high_risk / prohibited / unclear)
# (`assistant.scan.aiact.CLASSES`; `out_of_scope` is the research exemption, which the set labels minimal)
_AI_CLASS = {
    "not_ai": "no_ai_system",
    "out_of_scope": "minimal",
    "prohibited": "prohibited",
    "high_risk": "high_risk",
    "minimal": "minimal",
    "unknown": "unclear",
}


def evaluate_scans(cases: list[dict], students_vulnerable: bool | None = None) -> dict[str, Any]:
    """Scan every case's draft and score it against its labels: {"metrics", "results"}.

    Raises InputError naming the case when a case has no `draft` or no `labels`."""
    from assistant.scan.engine import scan_draft

    results = []
    tp = fp = fn = 0
    for case in cases:
        if "draft" not in case or "labels" not in case:
            raise InputError(f"scan case {case.get('id', '?')}: needs 'draft' and 'labels'")
        labels = case["labels"]
        scan = scan_draft(case["draft"], students_vulnerable=students_vulnerable, principles=False)
        answers = {item.id: item.answer for item in scan.items}
        fired = sorted(k for k, v in answers.items() if k.startswith("G-") and v == "yes")
        for key, label in labels.get("criteria", {}).items():
            if label not in ("yes", "no") or key not in answers:
                continue
            said = answers[key] == "yes"
            tp += said and label == "yes"
            fp += said and label == "no"
            fn += not said and label == "yes"
        ai = scan.ai_act.model_dump(by_alias=True)["class"]
        results.append(
            {
                "id": case.get("id"),
                "verdict": scan.verdict.dpia,
                "expected": labels.get("verdict"),
                "lower": scan.verdict.lower,
                "upper": scan.verdict.upper,
                "fired": fired,
                "expected_yes": sorted(k for k, v in labels.get("criteria", {}).items() if v == "yes"),
                "ai_act": _AI_CLASS.get(ai, ai),
                "expected_ai_act": labels.get("ai_act"),
            }
        )
    n = len(results) or 1
    required = [r for r in results if r["expected"] == "required"]
    return {
        "metrics": {
            "n": len(results),
            "verdict_accuracy": round(sum(r["verdict"] == r["expected"] for r in results) / n, 4),
            "under_call_rate": round(
                sum(r["verdict"] in ("recommended", "not_indicated") for r in required)
                / (len(required) or 1),
                4,
            ),
            "criteria_precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "criteria_recall": round(tp / (tp + fn), 4) if tp + fn else None,
            "ai_act_accuracy": round(sum(r["ai_act"] == r["expected_ai_act"] for r in results) / n, 4),
        },
        "results": results,
    }

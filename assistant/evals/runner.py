"""`assistant eval`: run the shipped (or given) datasets through the real pipeline and score them."""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.config import PACKAGE_ROOT

__all__ = ["run_eval", "EVALS_DIR", "DEFAULT_SETS"]

EVALS_DIR = PACKAGE_ROOT / "evals"
DEFAULT_SETS = {
    "questions": EVALS_DIR / "questions.jsonl",
    "holdout": EVALS_DIR / "holdout_questions.jsonl",
    "descriptions": EVALS_DIR / "descriptions.jsonl",
    "drafts": EVALS_DIR / "drafts.json",
}


def _bar(label: str, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    state: dict = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = tqdm(total=total, desc=label, file=sys.stderr, leave=False)
        state["bar"].n = done
        state["bar"].refresh()
        if done >= total:
            state["bar"].close()

    return update


def run_eval(
    settings,
    *,
    questions=None,
    descriptions=None,
    drafts=None,
    holdout=None,
    out=None,
    thresholds=None,
    progress: bool = False,
    assistant=None,
) -> tuple[dict, list[str]]:
    """Returns ({"metrics": {...}, "results": [...]}, threshold failures). No flags = every shipped set."""
    import assistant.evals.metrics as evals

    chosen = {
        k: v for k, v in {"questions": questions, "descriptions": descriptions, "drafts": drafts}.items() if v
    }
    if holdout:
        chosen["holdout"] = holdout
    if not chosen:
        chosen = {k: v for k, v in DEFAULT_SETS.items() if v.exists()}
    metrics: dict = {}
    results: list = []
    output: dict = {"metrics": metrics, "results": results}

    embedder = None
    if {"questions", "holdout", "descriptions"} & set(chosen):
        if assistant is None:
            from assistant.cli.core import build_assistant

            assistant = build_assistant(settings, quiet=not progress)
        embedder = assistant.index.embedder

    def ask_fn(question: str, history: list[str]) -> dict:
        answer = assistant.ask(question, history=[(q, "") for q in history])
        return answer.to_dict(debug=True)

    for name in ("questions", "holdout"):
        if name not in chosen:
            continue
        from assistant.corpus import load_passages

        rows = evals.load_jsonl(chosen[name])
        corpus_texts = [p.text for p in assistant.retriever.passages] + [p.text for p in load_passages()]
        q_out = evals.run_questions(rows, ask_fn, corpus_texts=corpus_texts, progress=_bar(name, progress))
        metrics[name] = q_out["metrics"]["questions"]
        if name == "questions":
            results.extend(q_out["results"])
        else:
            output["holdout_results"] = q_out["results"]

    if "descriptions" in chosen:
        from assistant.drafting.drafter import draft_from_description
        from assistant.evals.check import evaluate_descriptions

        rows = evals.load_jsonl(chosen["descriptions"])
        d_out = evaluate_descriptions(rows, lambda text: draft_from_description(text, embedder=embedder))
        metrics["descriptions"] = d_out["metrics"]
        output["description_results"] = d_out["results"]
        if "questions" not in chosen:
            results.extend(d_out["results"])

    if "drafts" in chosen:
        import json

        from assistant.evals.check import evaluate_drafts

        cases = json.loads(Path(chosen["drafts"]).read_text(encoding="utf-8"))
        c_out = evaluate_drafts(cases)
        metrics["drafts"] = c_out["metrics"]
        output["draft_results"] = c_out["results"]
        if len(chosen) == 1:
            results.extend(c_out["results"])

    if out:
        evals.write_report(output, out)
    failures = evals.check_thresholds(metrics, thresholds) if thresholds else []
    return output, failures

"""`assistant eval`: run the shipped (or given) datasets through the real pipeline and score them."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.config import PACKAGE_ROOT
from assistant.errors import AssistantError, InputError

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
    scans=None,
    holdout=None,
    out=None,
    thresholds=None,
    progress: bool = False,
    assistant: Any = None,
    build_assistant: Callable[[], Any] | None = None,
) -> tuple[dict, list[str]]:
    """Returns ({"metrics": {...}, "results": [...]}, threshold failures). No flags = every shipped set.

    The question and description sets run through `assistant` (an `Assistant`), or the one
    `build_assistant()` returns, called only when such a set is chosen (the caller builds it, e.g. with
    `assistant.services.build_assistant`). Raises ValueError when such a set is chosen without either."""
    from assistant.evals.datasets import DescriptionCase, DraftCase, QuestionCase, load_cases
    from assistant.evals.metrics import run_questions

    chosen = {
        k: v
        for k, v in {
            "questions": questions,
            "descriptions": descriptions,
            "drafts": drafts,
            "scans": scans,
        }.items()
        if v
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
            if build_assistant is None:
                raise ValueError(
                    "run_eval needs `assistant` or `build_assistant` for question/description sets"
                )
            assistant = build_assistant()
        embedder = assistant.index.embedder

    asked: dict[tuple[str, ...], tuple[str, str]] = {}  # earlier questions of a chat -> the last one's turn

    def ask_fn(question: str, history: list[str]) -> dict:
        """Asks the earlier questions of the chat in order, each with the turns before it, then `question`
        with all their (question, answer) turns, as `assistant chat` does (DESIGN.md: `history`)."""
        turns: list[tuple[str, str]] = []
        for n, earlier in enumerate(history):
            key = tuple(history[: n + 1])
            if key not in asked:
                try:
                    reply = assistant.ask(earlier, history=list(turns))
                    asked[key] = (reply.question, reply.answer)
                except AssistantError:  # an unaskable earlier turn still gives its words
                    asked[key] = (earlier, "")
            turns.append(asked[key])
        return assistant.ask(question, history=turns).to_dict(debug=True)

    for name in ("questions", "holdout"):
        if name not in chosen:
            continue
        from assistant.corpus import load_passages

        rows = load_cases(chosen[name], QuestionCase)
        corpus_texts = [p.text for p in assistant.retriever.passages] + [p.text for p in load_passages()]
        q_out = run_questions(rows, ask_fn, corpus_texts=corpus_texts, progress=_bar(name, progress))
        metrics[name] = q_out["metrics"]["questions"]
        if name == "questions":
            results.extend(q_out["results"])
        else:
            output["holdout_results"] = q_out["results"]

    if "descriptions" in chosen:
        from assistant.drafting.drafter import draft_from_description
        from assistant.evals.check import evaluate_descriptions

        rows = load_cases(chosen["descriptions"], DescriptionCase)
        d_out = evaluate_descriptions(rows, lambda text: draft_from_description(text, embedder=embedder))
        metrics["descriptions"] = d_out["metrics"]
        output["description_results"] = d_out["results"]
        if "questions" not in chosen:
            results.extend(d_out["results"])

    if "drafts" in chosen:
        from assistant.evals.check import evaluate_drafts

        c_out = evaluate_drafts(load_cases(chosen["drafts"], DraftCase))
        metrics["drafts"] = c_out["metrics"]
        output["draft_results"] = c_out["results"]
        if len(chosen) == 1:
            results.extend(c_out["results"])

    if "scans" in chosen:  # labelled drafts for the privacy scan (not a shipped default set)
        import json

        from assistant.evals.scan_eval import evaluate_scans

        try:
            cases = json.loads(Path(chosen["scans"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{chosen['scans']}: not a readable JSON list of scan cases ({exc})") from None
        s_out = evaluate_scans(cases)
        metrics["scans"] = s_out["metrics"]
        output["scan_results"] = s_out["results"]

    if out:
        from assistant.evals.report import write_report

        write_report(output, out)
    if not thresholds:
        return output, []
    from assistant.evals.thresholds import check_thresholds

    failures = check_thresholds(metrics, thresholds)
    return output, failures

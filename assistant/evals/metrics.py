"""Ask eval: score each answer against its labelled case, aggregate per language, run a question set.

Pure functions over plain dicts (the `ask --json` object of DESIGN.md), so they score any answer
pipeline: `run_questions(cases, ask_fn)` runs a question set. Grounding scores come from
`grounding.py`, the report from `report.py`, the quality floor from `thresholds.py`. No LLM judge:
every score is a string or token comparison, so the same answers always give the same numbers.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterable

from assistant.evals.common import KS, LANGS, _share, _text_of, contains_phrase
from assistant.evals.datasets import QuestionCase, as_case, question_history
from assistant.evals.grounding import check_citations, citation_support
from assistant.text import MARKER

__all__ = [
    "phrase_sections",
    "ranked_texts",
    "first_hit_rank",
    "score_question",
    "aggregate",
    "percentile",
    "run_questions",
]

AskFn = Callable[[str, list[str]], dict]

_PII = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[A-Z]{2}\d{2}[A-Z]{4}\d{7,}\b|\+?\d[\d -]{5,}\d")


def _mask_pii(text: str) -> str:
    return _PII.sub("[redacted]", text)


def phrase_sections(phrase: str, passages: Iterable) -> list[str]:
    """Section paths of the passages (objects or dicts with `text`/`section`) that hold `phrase`."""
    out: list[str] = []
    for p in passages:
        section = p.get("section", "") if isinstance(p, dict) else getattr(p, "section", "")
        if contains_phrase(_text_of(p), [phrase]) and section not in out:
            out.append(section)
    return out


# --------------------------------------------------------------------------- per-question scores


def ranked_texts(ask: dict) -> list[str]:
    """The ranked passages: `retrieved` (texts or dicts) when present, else the citations in order."""
    items = ask.get("retrieved")
    if items is None:
        items = ask.get("citations") or []
    seen, out = set(), []
    for item in items:
        text = _text_of(item)
        if text and text not in seen:
            seen.add(text)
            out.append(text)
    return out


def first_hit_rank(texts: list[str], expected: list[str]) -> int | None:
    """1-based rank of the first passage holding an expected phrase, None when none does."""
    for rank, text in enumerate(texts, 1):
        if contains_phrase(text, expected):
            return rank
    return None


def score_question(
    row: QuestionCase | dict, ask: dict, corpus_texts: Iterable[str], latency_ms: float | None = None
) -> dict:
    """All per-question scores of one ask-object against its labelled case (a dict is validated)."""
    row = as_case(row, QuestionCase)
    answerable = row.answerable
    refused = bool(ask.get("refused"))
    expected = list(row.expected)
    cited = [_text_of(c) for c in ask.get("citations") or []]
    # the sentences the answer quotes (a citation's `quote` joins its sentences with " … ")
    quoted = [q for c in ask.get("citations") or [] for q in (c.get("quote") or "").split(" … ") if q.strip()]
    rank = first_hit_rank(ranked_texts(ask), expected) if answerable else None
    cites = check_citations(ask, corpus_texts)
    # a refusal without citations has nothing to validate; a crashed question is counted in error_rate
    judged = not ask.get("error") and not (
        refused and not cited and not MARKER.search(ask.get("answer") or "")
    )
    score = {
        "lang": row.lang or ask.get("language"),
        "topic": row.topic,
        "answerable": answerable,
        "expected": expected,
        "latency_ms": latency_ms,
        "answer_hit": (not refused and any(contains_phrase(t, expected) for t in cited))
        if answerable
        else None,
        "quote_hit": (not refused and any(contains_phrase(q, expected) for q in quoted))
        if answerable
        else None,
        "quote_precision": (
            sum(contains_phrase(q, expected) for q in quoted) / len(quoted)
            if answerable and not refused and quoted
            else None
        ),
        "rank": rank,
        "refused_correctly": refused != answerable,
        # not answerable: told so (coverage partial or none); answerable: answered directly
        "coverage_right": (ask.get("coverage") == "direct")
        if answerable
        else (ask.get("coverage", "none" if refused else "direct") != "direct"),
        # not answerable and labelled partial or none: given exactly that coverage (issue 15 point 2)
        "coverage_exact": (ask.get("coverage", "none" if refused else "direct") == row.coverage)
        if not answerable and row.coverage in ("partial", "none")
        else None,
        "citation_valid": cites["valid"] if judged else None,
        "citation_errors": cites["errors"],
        "support": citation_support(ask)["score"],
        "language_ok": ask.get("language") == row.lang if row.lang else None,
        "error": ask.get("error"),
    }
    if row.topic == "pii":
        found = _PII.findall(row.question)
        score["pii_warned"] = bool(ask.get("warnings"))
        score["pii_echoed"] = any(f in (ask.get("answer") or "") for f in found)
    return score


# --------------------------------------------------------------------------- aggregation


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100), linear interpolation between closest ranks; None when empty."""
    xs = sorted(values)
    if not xs:
        return None
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _mean(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _figures(scores: list[dict]) -> dict:
    ans = [s for s in scores if s["answerable"]]
    out_of_scope = [s for s in scores if not s["answerable"]]
    pii = [s for s in scores if "pii_warned" in s]
    latencies = [s["latency_ms"] for s in scores if s["latency_ms"] is not None]
    figures = {
        "count": len(scores),
        "answerable": len(ans),
        "not_answerable": len(out_of_scope),
        "answer_hit": _share([s["answer_hit"] for s in ans]),
        "quote_hit": _share([s.get("quote_hit") for s in ans]),
        "quote_precision": _mean([s.get("quote_precision") for s in ans]),
        **{f"hit_at_{k}": _share([s["rank"] is not None and s["rank"] <= k for s in ans]) for k in KS},
        "mrr": _mean([1 / s["rank"] if s["rank"] else 0.0 for s in ans]),
        "citation_validity": _share([s["citation_valid"] for s in scores]),
        "citation_support": _mean([s["support"] for s in scores]),
        "refusal_accuracy": _share([s["refused_correctly"] for s in out_of_scope]),
        "coverage_accuracy": _share([s["coverage_right"] for s in out_of_scope]),
        "direct_rate": _share([s["coverage_right"] for s in ans]),
        "coverage_exact": _share([s.get("coverage_exact") for s in out_of_scope]),
        "false_refusal_rate": _share([not s["refused_correctly"] for s in ans]),
        "language_accuracy": _share([s["language_ok"] for s in scores]),
        "pii_warning_rate": _share([s["pii_warned"] for s in pii]),
        "pii_echo_rate": _share([s["pii_echoed"] for s in pii]),
        "error_rate": _share([s["error"] is not None for s in scores]),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
    }
    return figures


def aggregate(scores: list[dict]) -> dict:
    """Figures per metric and language: {metric: {"nl": x, "en": y, "all": z}} (None = no cases)."""
    groups = {
        "nl": [s for s in scores if s["lang"] == "nl"],
        "en": [s for s in scores if s["lang"] == "en"],
        "all": scores,
    }
    per_lang = {lang: _figures(group) for lang, group in groups.items()}
    return {metric: {lang: per_lang[lang][metric] for lang in LANGS} for metric in per_lang["all"]}


def run_questions(
    rows: Iterable[QuestionCase | dict],
    ask_fn: AskFn,
    *,
    corpus_texts: Iterable[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> dict:
    """Ask every question (with its history) and score it: {"metrics": {"questions": ...}, "results": [...]}.

    `rows` are `QuestionCase`s (dicts are validated; InputError names the bad row and field).
    `corpus_texts` are the passage texts citations must come from (default: the shipped corpus).
    Results carry the ask-object's own `question` (the pipeline's redacted form), never the row's.
    """
    if corpus_texts is None:
        from assistant.corpus import load_passages

        corpus_texts = [p.text for p in load_passages()]
    corpus = set(corpus_texts)
    cases = [as_case(r, QuestionCase, f"question {n}") for n, r in enumerate(rows, 1)]
    by_id = {c.id: c for c in cases}
    results, scores = [], []
    for i, row in enumerate(cases, 1):
        history = question_history(row, by_id)
        start = clock()
        try:
            ask = dict(ask_fn(row.question, history))
        except Exception as exc:  # one broken question must not hide the others' figures
            ask = {
                "question": _mask_pii(row.question),
                "answer": "",
                "language": row.lang,
                "refused": False,
                "citations": [],
                "backend": None,
                "warnings": [],
                "error": f"{type(exc).__name__}: {exc}",
            }
        latency = (clock() - start) * 1000
        if history and isinstance(ask.get("seconds"), int | float):
            latency = ask["seconds"] * 1000  # the question's own ask, not the earlier turns asked before it
        score = score_question(row, ask, corpus, latency)
        scores.append(score)
        results.append({**ask, "id": row.id, "score": score})
        if progress:
            progress(i, len(cases))
    return {"metrics": {"questions": aggregate(scores)}, "results": results}

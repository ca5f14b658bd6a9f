"""Eval metrics and report: grounding, citations, refusal and latency, split by language.

Pure functions over plain dicts (the `ask --json` object of DESIGN.md), so they score any answer
pipeline: `run_questions(rows, ask_fn)` runs a question set, `write_report` (`_eval_report.py`) renders
Markdown with PNG plots, `check_thresholds` holds the figures to `evals/thresholds.toml`. No LLM judge:
every score is a string or token comparison, so the same answers always give the same numbers.
"""

from __future__ import annotations

import json
import math
import re
import time
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from pathlib import Path

from assistant.errors import ConfigError, InputError
from assistant.evals.common import KS, LANGS, _share, _text_of
from assistant.evals.report import write_report

__all__ = [
    "LANGS",
    "KS",
    "LOWER_IS_BETTER",
    "fold",
    "contains_phrase",
    "load_jsonl",
    "validate_questions",
    "phrase_sections",
    "ranked_texts",
    "first_hit_rank",
    "check_citations",
    "answer_claims",
    "citation_support",
    "score_question",
    "aggregate",
    "percentile",
    "run_questions",
    "write_report",
    "check_thresholds",
]

AskFn = Callable[[str, list[str]], dict]

# Metrics where smaller is better: a bare threshold on these is a maximum.
LOWER_IS_BETTER = ("false_refusal_rate", "latency_p50_ms", "latency_p95_ms", "pii_echo_rate", "error_rate")
NEAR_VERBATIM = 0.9  # share of a sentence's words found in order in its passage

_MARKER = re.compile(r"\[(\d+)\]")
_SENT_END = re.compile(r"[.!?…][\"”’)]*(?:\[\^\w+\])*(?:\s*\[\d+\])*(?=\s+[\"“‘(]?[A-ZÀ-Ý0-9]|\s*$)")
_ABBREVIATIONS = tuple("d.w.z. bijv. o.a. e.g. i.e. nr. art. ca. m.b.t. t.a.v. vs. etc.".split())
_LEAD_IN = re.compile(r"^[^“\"„‘:\[]{1,160}:\s*(?=[“\"„‘])")
_BULLET = re.compile(r"^(?:[-*•>]|\d+[.)])\s+")
_WORD = re.compile(r"\w+")
_STOPWORDS = frozenset(
    "de het een en van in op te dat die dit is zijn wordt worden voor met aan als bij door naar om of ook "
    "niet maar dan wat wie wel zal kan mag moet hun haar zich er the a an and of in on to that this is are be "
    "been for with as at by from or also not but then what who which may must can will their its there".split()
)
_PII = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[A-Z]{2}\d{2}[A-Z]{4}\d{7,}\b|\+?\d[\d -]{5,}\d")


# --------------------------------------------------------------------------- text helpers


def fold(text: str) -> str:
    """Case and whitespace folded (NFC first), the comparison the eval contract prescribes."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def contains_phrase(text: str, phrases: Iterable[str]) -> bool:
    """True when `text` holds any of `phrases`, case and whitespace folded."""
    folded = fold(text)
    return any(fold(p) and fold(p) in folded for p in phrases)


def _mask_pii(text: str) -> str:
    return _PII.sub("[redacted]", text)


# --------------------------------------------------------------------------- datasets


def load_jsonl(path: str | Path) -> list[dict]:
    """One JSON object per non-blank line; errors name the file and line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    rows = []
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{no}: not valid JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise InputError(f"{path}:{no}: expected a JSON object")
        rows.append(row)
    return rows


def validate_questions(rows: list[dict]) -> list[str]:
    """Problems in a question set (empty list = fine): keys, ids, labels, follow-up links."""
    problems, ids = [], set()
    for i, row in enumerate(rows, 1):
        rid = row.get("id") or f"line {i}"
        for key in ("id", "question", "expected", "answerable"):
            if key not in row:
                problems.append(f"{rid}: missing {key!r}")
        if rid in ids:
            problems.append(f"{rid}: duplicate id")
        ids.add(rid)
        if row.get("lang") not in (None, "nl", "en"):
            problems.append(f"{rid}: lang must be 'nl' or 'en'")
        if row.get("answerable") and not row.get("expected"):
            problems.append(f"{rid}: answerable but no expected phrase")
        if row.get("answerable") is False and row.get("expected"):
            problems.append(f"{rid}: not answerable but has expected phrases")
        if (ref := row.get("follow_up_of")) and ref not in ids:
            problems.append(f"{rid}: follow_up_of {ref!r} is not an earlier id")
        if not isinstance(row.get("history", []), list):
            problems.append(f"{rid}: history must be a list of strings")
    return problems


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


def check_citations(ask: dict, corpus_texts: Iterable[str]) -> dict:
    """Markers point at listed citations; cited texts occur verbatim in the corpus; quotes in their text."""
    citations = ask.get("citations") or []
    markers = [int(m) for m in _MARKER.findall(ask.get("answer") or "")]
    errors = []
    if not ask.get("refused") and not citations:
        errors.append("answer without citations")
    if ask.get("refused") and citations:
        errors.append("refused answer lists citations")
    for n in sorted(set(markers)):
        if not 1 <= n <= len(citations):
            errors.append(f"marker [{n}] has no citation")
    corpus = corpus_texts if isinstance(corpus_texts, set | frozenset) else set(corpus_texts)
    for n, cit in enumerate(citations, 1):
        text = cit.get("text") or ""
        if not text:
            errors.append(f"citation [{n}] has no text")
        elif text not in corpus and not any(text in t for t in corpus):
            errors.append(f"citation [{n}] text is not verbatim in the corpus")
        quote = cit.get("quote") or ""
        # the quote may join non-adjacent sentences (with or without an ellipsis): check each one
        pieces = [q for part in re.split(r"\s*(?:…|\.\.\.)\s*", quote) for q in _sentences(part)]
        if any(fold(q) not in fold(text) for q in pieces):
            errors.append(f"citation [{n}] quote is not in its passage")
    unused = [n for n in range(1, len(citations) + 1) if n not in markers]
    return {"valid": not errors, "errors": errors, "unused": unused}


def _sentences(line: str) -> list[str]:
    out, start = [], 0
    for m in _SENT_END.finditer(line):
        if (
            line[: m.start() + 1].casefold().endswith(_ABBREVIATIONS)
            or len(line[start : m.end()].strip()) <= 3
        ):
            continue  # an abbreviation, or a list label such as "a." (the corpus splitter agrees)
        out.append(line[start : m.end()].strip())
        start = m.end()
    if line[start:].strip():
        out.append(line[start:].strip())
    return out


def answer_claims(answer: str) -> list[tuple[str, list[int]]]:
    """The answer's sentences without the framing line: (clean text, marker numbers) each."""
    lines = [ln.strip() for ln in (answer or "").splitlines() if ln.strip()]
    if len(lines) > 1 and not _MARKER.search(lines[0]) and any(_MARKER.search(ln) for ln in lines[1:]):
        lines = lines[1:]
    elif lines:  # one line: the framing is a leading unmarked sentence or a "...says: “quote”" lead-in
        lines[0] = _LEAD_IN.sub("", lines[0], count=1)
    sentences = [s for ln in lines for s in _sentences(_BULLET.sub("", ln))]
    if len(lines) == 1 and len(sentences) > 1 and not _MARKER.search(sentences[0]):
        if any(_MARKER.search(s) for s in sentences[1:]):
            sentences = sentences[1:]
    claims = []
    for s in sentences:
        clean = _MARKER.sub("", s)
        clean = re.sub(r"\s+([.,;:!?])", r"\1", clean).strip().strip("\"“”'‘’ ")
        if _WORD.search(clean):
            claims.append((clean, [int(m) for m in _MARKER.findall(s)]))
    return claims


def _near_verbatim(sentence: str, passage: str) -> bool:
    words, target = _WORD.findall(fold(sentence)), _WORD.findall(fold(passage))
    if not words:
        return False
    matcher = SequenceMatcher(None, words, target, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()) / len(words) >= NEAR_VERBATIM


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(fold(text)) if len(w) > 2 and w not in _STOPWORDS}


def citation_support(ask: dict) -> dict:
    """Share of claim sentences supported by their cited passages.

    A sentence counts 1 when it is verbatim or near-verbatim in a passage its markers cite. For LLM
    backends (any backend not named `extractive...`) other sentences count their content-word
    coverage (5-letter stems) by the cited passages; for the extractive backend they count 0.
    Sentences without a marker cite nothing and count 0.
    """
    if ask.get("refused"):
        return {"score": None, "sentences": 0, "supported": 0, "mode": None}
    lexical = not str(ask.get("backend") or "").startswith("extractive")
    citations = ask.get("citations") or []
    scores, supported = [], 0
    for text, markers in answer_claims(ask.get("answer") or ""):
        passages = [_text_of(citations[n - 1]) for n in markers if 1 <= n <= len(citations)]
        if any(fold(text) in fold(p) or _near_verbatim(text, p) for p in passages):
            scores.append(1.0)
            supported += 1
        elif lexical and passages and (stems := _stems(text)):
            covered = set().union(*(_stems(p) for p in passages))
            scores.append(len(stems & covered) / len(stems))
        else:
            scores.append(0.0)
    score = sum(scores) / len(scores) if scores else None
    return {
        "score": score,
        "sentences": len(scores),
        "supported": supported,
        "mode": "lexical" if lexical else "verbatim",
    }


def score_question(
    row: dict, ask: dict, corpus_texts: Iterable[str], latency_ms: float | None = None
) -> dict:
    """All per-question scores of one ask-object against its labelled row."""
    answerable = bool(row.get("answerable"))
    refused = bool(ask.get("refused"))
    expected = list(row.get("expected") or [])
    cited = [_text_of(c) for c in ask.get("citations") or []]
    # the sentences the answer quotes (a citation's `quote` joins its sentences with " … ")
    quoted = [q for c in ask.get("citations") or [] for q in (c.get("quote") or "").split(" … ") if q.strip()]
    rank = first_hit_rank(ranked_texts(ask), expected) if answerable else None
    cites = check_citations(ask, corpus_texts)
    # a refusal without citations has nothing to validate; a crashed question is counted in error_rate
    judged = not ask.get("error") and not (
        refused and not cited and not _MARKER.search(ask.get("answer") or "")
    )
    score = {
        "lang": row.get("lang") or ask.get("language"),
        "topic": row.get("topic"),
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
        "citation_valid": cites["valid"] if judged else None,
        "citation_errors": cites["errors"],
        "support": citation_support(ask)["score"],
        "language_ok": ask.get("language") == row.get("lang") if row.get("lang") else None,
        "error": ask.get("error"),
    }
    if row.get("topic") == "pii":
        found = _PII.findall(row.get("question") or "")
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
    rows: list[dict],
    ask_fn: AskFn,
    *,
    corpus_texts: Iterable[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> dict:
    """Ask every question (with its history) and score it: {"metrics": {"questions": ...}, "results": [...]}.

    `corpus_texts` are the passage texts citations must come from (default: the shipped corpus).
    Results carry the ask-object's own `question` (the pipeline's redacted form), never the row's.
    """
    if corpus_texts is None:
        from assistant.corpus import load_passages

        corpus_texts = [p.text for p in load_passages()]
    corpus = set(corpus_texts)
    by_id = {r.get("id"): r for r in rows}
    results, scores = [], []
    for i, row in enumerate(rows, 1):
        history = row.get("history")
        if history is None and (prev := by_id.get(row.get("follow_up_of"))):
            history = [prev["question"]]
        start = clock()
        try:
            ask = dict(ask_fn(row["question"], list(history or [])))
        except Exception as exc:  # one broken question must not hide the others' figures
            ask = {
                "question": _mask_pii(row["question"]),
                "answer": "",
                "language": row.get("lang"),
                "refused": False,
                "citations": [],
                "backend": None,
                "warnings": [],
                "error": f"{type(exc).__name__}: {exc}",
            }
        latency = (clock() - start) * 1000
        score = score_question(row, ask, corpus, latency)
        scores.append(score)
        results.append({**ask, "id": row.get("id"), "score": score})
        if progress:
            progress(i, len(rows))
    return {"metrics": {"questions": aggregate(scores)}, "results": results}


# --------------------------------------------------------------------------- thresholds


def _flatten(table: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        out.update(_flatten(value, path) if isinstance(value, dict) else {path: value})
    return out


def _lookup(metrics: dict, path: str):
    node = metrics
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(path)
        node = node[part]
    return node


def check_thresholds(metrics: dict, thresholds_toml_path: str | Path) -> list[str]:
    """Failures of `metrics` against a thresholds file; an empty list means every figure holds.

    Format: a `[min]` table (figure must be >= value) and a `[max]` table (figure must be <=
    value), keyed by dotted metric paths such as `questions.answer_hit.nl = 0.9`. Keys outside
    those tables take their direction from the metric name (LOWER_IS_BETTER are maxima). A path
    that names no metric, or a metric without cases (None), is a failure, never a silent pass.
    """
    path = Path(thresholds_toml_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"thresholds file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from exc
    if isinstance(metrics.get("metrics"), dict):
        metrics = metrics["metrics"]
    bounds: list[tuple[str, str, object]] = []
    for key, value in data.items():
        if key in ("min", "max") and isinstance(value, dict):
            bounds += [(key, p, v) for p, v in _flatten(value).items()]
        else:
            for p, v in _flatten({key: value}).items():
                lower = any(part in LOWER_IS_BETTER for part in p.split("."))
                bounds.append(("max" if lower else "min", p, v))
    failures = []
    for kind, metric, limit in bounds:
        if isinstance(limit, bool) or not isinstance(limit, int | float):
            raise ConfigError(f"{path}: threshold {metric} must be a number, not {limit!r}")
        try:
            value = _lookup(metrics, metric)
        except KeyError:
            failures.append(f"{metric}: no such metric")
            continue
        if value is None or isinstance(value, dict):
            failures.append(f"{metric}: no value (no cases)" if value is None else f"{metric}: not a figure")
        elif kind == "min" and value < limit:
            failures.append(f"{metric} = {value:.3f} < min {limit}")
        elif kind == "max" and value > limit:
            failures.append(f"{metric} = {value:.3f} > max {limit}")
    return failures

"""The eval report: `report.md` with Markdown tables and PNG plots (matplotlib, imported when plotting)."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.evals.common import KS, LANGS, _share, _text_of

__all__ = ["write_report"]

WORST = 12


def _fmt(value, name: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.1f}" if name.endswith("_ms") else f"{value:.3f}"
    return str(value)


def _cell(text) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows] + [""]


def _metric_rows(section: dict) -> list[list[str]]:
    rows = []
    for name, value in section.items():
        if isinstance(value, dict) and value and set(value) <= set(LANGS):
            rows.append([name, *(_fmt(value.get(lang), name) for lang in LANGS)])
        elif value is None or isinstance(value, int | float):
            rows.append([name, "", "", _fmt(value, name)])
    return rows


def _drafter_rows(section: dict) -> list[list[str]]:
    """The drafter's figures per language (its `by_language` holds one dict of figures per language)."""
    columns = {"all": section, **(section.get("by_language") or {})}
    return [
        [name, *(_fmt(columns.get(lang, {}).get(name), name) for lang in LANGS)]
        for name in ("n", "first_right", "mean_jaccard")
        if name in section
    ]


def _part(eval_output: dict, name: str, key: str):
    """`metrics`/`results` of one dataset, whether merged (`metrics.questions`) or nested (`questions.metrics`)."""
    merged = eval_output.get(key)
    if isinstance(merged, dict) and name in merged:
        return merged[name]
    if key == "results" and name == "questions" and isinstance(merged, list):
        return merged
    nested = eval_output.get(name)
    return nested.get(key) if isinstance(nested, dict) else None


def _worst(results: list[dict]) -> list[dict]:
    def badness(r: dict) -> tuple:
        s = r["score"]
        return (
            s["answer_hit"] is False and not r.get("refused"),
            s["answer_hit"] is False,
            not s["refused_correctly"],
            s["citation_valid"] is False,
            -(s["support"] if s["support"] is not None else 1.0),
        )

    bad = [
        r
        for r in results
        if "score" in r
        and (
            not r["score"]["refused_correctly"]
            or r["score"]["answer_hit"] is False
            or r["score"]["citation_valid"] is False
            or (r["score"]["support"] is not None and r["score"]["support"] < 0.5)
        )
    ]
    return sorted(bad, key=badness, reverse=True)[:WORST]


def _plot_hits(metrics: dict, path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 3.5))
    ax = fig.subplots()
    width = 0.25
    for i, lang in enumerate(LANGS):
        values = [metrics.get(f"hit_at_{k}", {}).get(lang) or 0.0 for k in KS]
        ax.bar([j + (i - 1) * width for j in range(len(KS))], values, width, label=lang)
    ax.set_xticks(range(len(KS)), [f"hit@{k}" for k in KS])
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of answerable questions")
    ax.set_title("Retrieval hit@k by language")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))  # beside the bars, never over them
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)


def _plot_latency(results: list[dict], path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 3.5))
    ax = fig.subplots()
    latencies = {
        lang: [r["score"]["latency_ms"] for r in results if r["score"]["lang"] == lang]
        for lang in ("nl", "en")
    }
    latencies = {lang: [v for v in values if v is not None] for lang, values in latencies.items()}
    every = [v for values in latencies.values() for v in values]
    if every:  # shared bins; a non-empty range even when every latency is the same
        low, high = min(every), max(every)
        for lang, values in latencies.items():
            if values:
                ax.hist(values, bins=20, range=(low, max(high, low + 1.0)), alpha=0.6, label=lang)
    ax.set_xlabel("latency per question (ms)")
    ax.set_ylabel("questions")
    ax.set_title("Answer latency")
    if ax.get_legend_handles_labels()[0]:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)


def _plot_recall(per_principle: dict, path: Path) -> None:
    from matplotlib.figure import Figure

    keys = sorted(per_principle)
    fig = Figure(figsize=(6, 0.3 * len(keys) + 1.2))
    ax = fig.subplots()
    ax.barh(keys, [per_principle[k].get("recall") or 0.0 for k in keys])
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("recall")
    ax.set_title("Checker recall per principle")
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)


def write_report(eval_output: dict, out_dir: str | Path) -> Path:
    """Write `report.md`, its PNG plots and `metrics.json` (the figures per dataset) into `out_dir`;
    returns the report path.

    `eval_output` holds `metrics` per dataset (`questions` from `run_questions`, `drafts` from the
    checker's `evaluate_drafts` with `per_principle`, `descriptions` from the drafter's eval) and the
    question `results`; either merged (`{"metrics": {"questions": ...}}`) or one dict per dataset.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    questions = _part(eval_output, "questions", "metrics") or {}
    results = [r for r in _part(eval_output, "questions", "results") or [] if "score" in r]
    descriptions = _part(eval_output, "descriptions", "metrics")
    drafts = _part(eval_output, "drafts", "metrics")
    lines = ["# Eval report", ""]

    if questions:
        lines += ["## Questions", "", *_table(["metric", *LANGS], _metric_rows(questions))]
        _plot_hits(questions, out / "hit_at_k.png")
        lines += ["![hit@k by language](hit_at_k.png)", ""]
    if results:
        topics: dict[str, list[dict]] = {}
        for r in results:
            topics.setdefault(str(r["score"]["topic"]), []).append(r["score"])
        rows = [
            [
                t,
                len(s),
                _fmt(_share([x["answer_hit"] for x in s])),
                _fmt(_share([x["refused_correctly"] for x in s])),
            ]
            for t, s in sorted(topics.items())
        ]
        lines += ["### By topic", "", *_table(["topic", "n", "answer hit", "refused as labelled"], rows)]
        _plot_latency(results, out / "latency.png")
        lines += ["![latency histogram](latency.png)", "", "### Worst questions", ""]
        worst = _worst(results)
        if not worst:
            lines += ["None: every question was answered, refused and cited as labelled.", ""]
        for r in worst:
            s = r["score"]
            lines += [
                f"**{r.get('id')}** ({s['lang']}, {s['topic']}): {_cell(r.get('question', ''))}",
                "",
                f"- expected: {', '.join(s['expected']) or '(refusal)'}; refused: {_fmt(bool(r.get('refused')))}"
                f"; answer hit: {_fmt(s['answer_hit'])}; support: {_fmt(s['support'])}",
            ]
            if s["citation_errors"]:
                lines.append(f"- citation errors: {'; '.join(s['citation_errors'])}")
            for n, c in enumerate(r.get("citations") or [], 1):
                lines.append(f"- [{n}] {_cell(c.get('section', ''))}: {_cell(_text_of(c))[:200]}")
            lines.append("")
    if descriptions:
        lines += ["## Drafter (descriptions)", "", *_table(["metric", *LANGS], _drafter_rows(descriptions))]
        if skeleton := descriptions.get("skeleton"):
            rows = [[k, _fmt(v)] for k, v in skeleton.items() if k != "n"]
            lines += [f"### Skeleton ({skeleton['n']} labelled)", "", *_table(["figure", "value"], rows)]
    if drafts:
        lines += ["## Checker (labelled drafts)", ""]
        if rows := _metric_rows(drafts):
            lines += _table(["metric", *LANGS], rows)
        per = drafts.get("per_principle") or {}
        if per:
            rows = [
                [
                    k,
                    v.get("tp", 0),
                    v.get("fp", 0),
                    v.get("fn", 0),
                    _fmt(v.get("precision")),
                    _fmt(v.get("recall")),
                ]
                for k, v in sorted(per.items())
            ]
            tp, fp, fn = (sum(v.get(x, 0) for v in per.values()) for x in ("tp", "fp", "fn"))
            rows.append(
                [
                    "**all (micro)**",
                    tp,
                    fp,
                    fn,
                    _fmt(tp / (tp + fp) if tp + fp else None),
                    _fmt(tp / (tp + fn) if tp + fn else None),
                ]
            )
            lines += [
                "Confusion per principle (TP: gap flagged, FP: flagged without a gap, FN: gap missed).",
                "",
                *_table(["principle", "TP", "FP", "FN", "precision", "recall"], rows),
            ]
            _plot_recall(per, out / "checker_recall.png")
            lines += ["![checker recall per principle](checker_recall.png)", ""]
    report = out / "report.md"
    report.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    # the figures themselves, for the app's Evaluation page (headlines against the thresholds)
    figures = {
        k: v for k, v in {"questions": questions, "descriptions": descriptions, "drafts": drafts}.items() if v
    }
    if isinstance(eval_output.get("metrics"), dict):
        figures = {**eval_output["metrics"], **figures}
    (out / "metrics.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return report

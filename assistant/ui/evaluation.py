"""Evaluation for people (issue 19, point 10): a headline per job (answers grounded, refusals and
coverage right, areas right, gaps found) in the user's language with its thresholds from
evals/thresholds.toml and pass/fail; plain metric names with a one-line explanation each (catalogue
`eval.metric.*` / `eval.explain.*`); readable charts; the raw tables and the report in an expander;
and a button to run the suite with progress.

Headlines need the figures: `metrics.json` beside `report.md` (this page writes it when it runs the
suite). Run by `st.navigation` as a page script.
"""

from __future__ import annotations

import json
import re
import time
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import streamlit as st

from assistant.config import PACKAGE_ROOT
from assistant.errors import AssistantError, ConfigError
from assistant.ui import state
from assistant.ui.state import t

__all__ = [
    "render",
    "report_dirs",
    "latest_report",
    "read_metrics",
    "threshold_rows",
    "job_headlines",
    "Bound",
    "JOBS",
    "METRICS",
    "THRESHOLDS",
]

THRESHOLDS = PACKAGE_ROOT / "evals" / "thresholds.toml"
METRICS_FILE = "metrics.json"  # written beside report.md by `_run`
LOWER_IS_BETTER = ("false_refusal_rate", "latency_p50_ms", "latency_p95_ms", "pii_echo_rate", "error_rate")
# as assistant.evals.thresholds.LOWER_IS_BETTER: a bare threshold on these is a maximum
JOBS: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "grounded": (
        ("questions", "answer_hit", "all"),
        frozenset({"answer_hit", "quote_hit", "quote_precision", "citation_validity", "citation_support"}),
    ),
    "coverage": (
        ("questions", "coverage_accuracy", "all"),
        frozenset({"coverage_accuracy", "direct_rate", "false_refusal_rate", "refusal_accuracy"}),
    ),
    "retrieval": (("questions", "mrr", "all"), frozenset({"mrr", "hit_at_1", "hit_at_3", "hit_at_5"})),
    "areas": (("descriptions", "first_right"), frozenset({"first_right", "mean_jaccard"})),
    "gaps": (("drafts", "recall"), frozenset({"recall", "precision", "compliant_pass_rate"})),
}  # job -> (path of its headline figure, the metric names whose thresholds it holds); no docstring: magic
METRICS = (
    "answer_hit",
    "quote_hit",
    "quote_precision",
    "citation_validity",
    "citation_support",
    "coverage_accuracy",
    "refusal_accuracy",
    "direct_rate",
    "false_refusal_rate",
    "mrr",
    "hit_at_1",
    "hit_at_3",
    "hit_at_5",
    "language_accuracy",
    "pii_warning_rate",
    "pii_echo_rate",
    "error_rate",
    "latency_p50_ms",
    "latency_p95_ms",
    "first_right",
    "mean_jaccard",
    "recall",
    "precision",
    "compliant_pass_rate",
)  # shown by plain name (eval.metric.<name>), explained by eval.explain.<name>
_SETS = ("questions", "holdout", "descriptions", "drafts")
_SPLITS = ("nl", "en", "all")

_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+\.png)\)\s*$")


def report_dirs(s) -> list[Path]:
    """Where reports are written: by this page (ASSISTANT_HOME/eval-report) and by `make eval`."""
    return [Path(s.home) / "eval-report", PACKAGE_ROOT / "evals" / "report"]


def latest_report(s) -> Path | None:
    found = [d / "report.md" for d in report_dirs(s) if (d / "report.md").is_file()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def read_metrics(report: Path) -> dict | None:
    """The figures of a report: `metrics.json` beside `report.md` ({set: {metric: value or
    {"nl"|"en"|"all": value}}}), or None when there is none or it is not a JSON object."""
    try:
        data = json.loads((report.parent / METRICS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _lookup(metrics: dict, path: tuple[str, ...]):
    node = metrics
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, int | float) and not isinstance(node, bool) else None


@dataclass(frozen=True)
class Bound:
    """One threshold of evals/thresholds.toml against a report's figure: `path` (set, metric[, split]),
    `kind` 'min' or 'max', `limit`, `value` (None: not measured) and whether it holds."""

    path: tuple[str, ...]
    kind: str
    limit: float
    value: float | None

    @property
    def metric(self) -> str:
        return self.path[1] if len(self.path) > 1 else self.path[0]

    @property
    def holds(self) -> bool | None:
        """True or False when measured; None when the report has no such figure."""
        if self.value is None:
            return None
        return self.value >= self.limit if self.kind == "min" else self.value <= self.limit


def _flatten(table: dict, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    out = []
    for key, value in table.items():
        path = (*prefix, *str(key).split("."))
        out += _flatten(value, path) if isinstance(value, dict) else [(path, value)]
    return out


def threshold_rows(metrics: dict, path: Path = THRESHOLDS) -> list[Bound]:
    """Every threshold of the file (format of `assistant.evals.thresholds.check_thresholds`: `[min]`,
    `[max]`, else the direction from the metric name) with the report's figure. Raises ConfigError
    when the file cannot be read or is not TOML; non-numbers are left out."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    rows = []
    for key, value in data.items():
        if key in ("min", "max") and isinstance(value, dict):
            pairs = [(key, p, v) for p, v in _flatten(value)]
        else:
            pairs = [
                ("max" if any(x in LOWER_IS_BETTER for x in p) else "min", p, v)
                for p, v in _flatten({key: value})
            ]
        for kind, p, v in pairs:
            if isinstance(v, int | float) and not isinstance(v, bool):
                rows.append(Bound(p, kind, float(v), _lookup(metrics, p)))
    return rows


def job_headlines(metrics: dict, bounds: list[Bound]) -> list[tuple[str, float | None, list[Bound]]]:
    """Per job of `JOBS`: (job, its headline figure or None, the thresholds it holds)."""
    return [
        (job, _lookup(metrics, main), [b for b in bounds if b.metric in names and b.path[0] in _SETS])
        for job, (main, names) in JOBS.items()
    ]


def _num(value: float | None, metric: str = "") -> str:
    """A figure for people: rates as percentages, MRR and similarity as 0.00, milliseconds whole;
    decimal comma in Dutch."""
    if value is None:
        return "–"
    if metric.endswith("_ms"):
        text = f"{value:,.0f} ms"
    elif metric in ("mrr", "mean_jaccard", "citation_support", "quote_precision"):
        text = f"{value:.2f}"
    else:
        text = f"{value * 100:.0f} %" if value * 100 == round(value * 100) else f"{value * 100:.1f} %"
    if state.lang() == "nl":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def _where(b: Bound) -> str:
    split = b.path[2] if len(b.path) > 2 else None
    where = t(f"eval.set.{b.path[0]}")
    return f"{where} · {t(f'eval.split.{split}')}" if split in _SPLITS else where


def _bound_line(b: Bound) -> str:
    sign = "≥" if b.kind == "min" else "≤"
    verdict = {True: t("eval.pass"), False: t("eval.fail"), None: t("eval.not_measured")}[b.holds]
    icon = {True: ":material/check_circle:", False: ":material/cancel:", None: ":material/help:"}[b.holds]
    return t(
        "eval.bound",
        icon=icon,
        metric=t(f"eval.metric.{b.metric}"),
        where=_where(b),
        value=_num(b.value, b.metric),
        sign=sign,
        limit=_num(b.limit, b.metric),
        verdict=verdict,
    )


def _headlines(metrics: dict) -> None:
    bounds = threshold_rows(metrics)
    st.subheader(t("eval.jobs"))
    cols = st.columns(len(JOBS))
    for col, (job, figure, held) in zip(cols, job_headlines(metrics, bounds), strict=True):
        main = JOBS[job][0]
        verdicts = {b.holds for b in held}
        ok = False if False in verdicts else (True if verdicts == {True} else None)  # None: not measured
        with col.container(border=True):
            st.markdown(f"**{t(f'eval.job.{job}')}**")
            badge = {True: "eval.job_pass", False: "eval.job_fail", None: "eval.not_measured"}[ok]
            color = {True: "green", False: "red", None: "gray"}[ok]
            st.markdown(f":{color}-badge[{t(badge)}]")
            st.metric(
                t(f"eval.metric.{main[1]}"),
                _num(figure, main[1]),
                help=t(f"eval.explain.{main[1]}"),
            )
            st.caption(t(f"eval.job_help.{job}"))
            for b in held:
                st.caption(_bound_line(b))


def _glossary() -> None:
    with st.expander(t("eval.glossary"), icon=":material/menu_book:"):
        st.markdown("\n".join(f"- **{t(f'eval.metric.{m}')}**: {t(f'eval.explain.{m}')}" for m in METRICS))


def _tables(metrics: dict) -> None:
    """Per set, a table of its figures by plain name: one column per language split."""
    for name in _SETS:
        figures = metrics.get(name)
        if not isinstance(figures, dict):
            continue
        rows = []
        for m in METRICS:
            value = figures.get(m)
            if isinstance(value, dict):
                row = {t(f"eval.split.{x}"): _num(_lookup(value, (x,)), m) for x in _SPLITS}
            elif isinstance(value, int | float) and not isinstance(value, bool):
                row = {t("eval.split.all"): _num(value, m)}
            else:
                continue
            rows.append({t("eval.col.metric"): t(f"eval.metric.{m}"), **row})
        if rows:
            st.markdown(f"**{t(f'eval.set.{name}')}**")
            st.dataframe(rows, hide_index=True, width="stretch")


def _charts(metrics: dict) -> None:
    """hit@k per language: grouped bars, the legend beside the chart (not over the bars)."""
    questions = metrics.get("questions")
    if not isinstance(questions, dict):
        return
    rows = []
    for k in (1, 3, 5):
        for split in ("nl", "en"):
            value = _lookup(questions, (f"hit_at_{k}", split))
            if value is not None:
                rows.append(
                    {
                        t("eval.chart.k"): t(f"eval.metric.hit_at_{k}"),
                        t("eval.chart.language"): t(f"eval.split.{split}"),
                        t("eval.chart.share"): round(value * 100, 1),
                    }
                )
    if rows:
        st.markdown(f"**{t('eval.chart.title')}**")
        st.bar_chart(
            rows,
            x=t("eval.chart.k"),
            y=t("eval.chart.share"),
            color=t("eval.chart.language"),
            stack=False,
            y_label=t("eval.chart.share"),
        )


def _show_report(path: Path) -> None:
    """Headlines, glossary and charts from the report's figures; then, in an expander, the raw tables and
    report.md with its PNG plots drawn from the report's folder (no path outside it)."""
    when = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    st.caption(t("eval.latest", path=path.parent.name, when=when))
    metrics = read_metrics(path)
    if metrics is None:
        st.info(t("eval.no_figures"), icon=":material/info:")
    else:
        _headlines(metrics)
        _glossary()
        _charts(metrics)
    with st.expander(t("eval.raw"), icon=":material/table:"):
        if metrics is not None:
            _tables(metrics)
        _report_text(path)


def _report_text(path: Path) -> None:
    chunk: list[str] = []

    def flush() -> None:
        if "".join(chunk).strip():
            st.markdown("\n".join(chunk))
        chunk.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):  # the report's own title: the page already has one
            continue
        m = _IMAGE.match(line)
        if m and "/" not in m.group(2) and (path.parent / m.group(2)).is_file():
            flush()
            st.image(str(path.parent / m.group(2)), caption=m.group(1))
        else:
            chunk.append(line)
    flush()


class _CountingAssistant:
    """The real Assistant, counting questions for the progress bar."""

    def __init__(self, inner, tick) -> None:
        self._inner, self._tick = inner, tick

    def ask(self, *args, **kwargs):
        try:
            return self._inner.ask(*args, **kwargs)
        finally:
            self._tick()

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


def _run(s) -> None:
    from assistant.evals.datasets import load_jsonl
    from assistant.evals.runner import DEFAULT_SETS, run_eval

    total = len(load_jsonl(DEFAULT_SETS["questions"])) if DEFAULT_SETS["questions"].exists() else 0
    bar = st.progress(0.0, text=t("eval.running", done=0, total=total))
    done = [0]

    def tick() -> None:
        done[0] += 1
        if done[0] >= total:
            bar.progress(1.0, text=t("eval.finishing"))
        else:
            bar.progress(done[0] / max(total, 1), text=t("eval.running", done=done[0], total=total))

    started = time.perf_counter()
    out = report_dirs(s)[0]
    output, _ = run_eval(s, out=out, assistant=_CountingAssistant(state.assistant(s), tick))
    (out / METRICS_FILE).write_text(json.dumps(output.get("metrics") or {}, indent=1), encoding="utf-8")
    bar.progress(1.0, text=t("eval.done", seconds=time.perf_counter() - started))


def render() -> None:
    s = state.settings()
    st.title(t("eval.title"))
    st.caption(t("eval.intro"))
    if st.button(t("eval.run"), type="primary", icon=":material/play_arrow:"):
        try:
            _run(s)
        except AssistantError as exc:
            state.show_error(exc)
    path = latest_report(s)
    if path is None:
        st.info(t("eval.none"), icon=":material/info:")
    else:
        _show_report(path)


if __name__ == "__main__":
    render()

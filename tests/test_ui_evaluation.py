"""Evaluation for people (issue 19, point 10): a headline per job in the user's language with its
thresholds (evals/thresholds.toml) and pass/fail, plain metric names with a one-line explanation, the
raw tables in an expander, a chart whose legend sits beside the bars. No model: a report written
from fixed figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.ui.evaluation import JOBS, METRICS, THRESHOLDS, job_headlines, threshold_rows
from assistant.ui.i18n import MESSAGES, translate
from tests.test_ui_language import raw_keys, shown_texts


def _split(nl, en, all_=None):
    return {"nl": nl, "en": en, "all": all_ if all_ is not None else (nl + en) / 2}


def figures(answer_hit_en: float = 0.90) -> dict:
    """Metrics in the shape `run_eval` returns: every shipped threshold holds unless changed."""
    questions = {
        "count": 80,
        "answerable": 60,
        "not_answerable": 20,
        "answer_hit": _split(0.97, answer_hit_en),
        "quote_hit": _split(0.9, 0.8),
        "quote_precision": _split(0.7, 0.6),
        "hit_at_1": _split(0.85, 0.8),
        "hit_at_3": _split(0.97, 0.96),
        "hit_at_5": _split(0.99, 0.98),
        "mrr": _split(0.93, 0.91, 0.92),
        "citation_validity": _split(1.0, 1.0),
        "citation_support": _split(0.99, 0.99),
        "refusal_accuracy": _split(0.9, 0.9),
        "coverage_accuracy": _split(0.95, 0.95),
        "direct_rate": _split(0.9, 0.88),
        "false_refusal_rate": _split(0.0, 0.02, 0.01),
        "language_accuracy": _split(1.0, 1.0),
        "pii_warning_rate": _split(1.0, 1.0),
        "pii_echo_rate": _split(0.0, 0.0),
        "error_rate": _split(0.0, 0.0),
        "latency_p50_ms": _split(1200.0, 1500.0),
        "latency_p95_ms": _split(2100.0, 2500.0),
    }
    holdout = {k: v for k, v in questions.items() if k not in ("hit_at_1", "hit_at_5")}
    holdout["answer_hit"] = _split(0.97, 0.93)
    return {
        "questions": questions,
        "holdout": holdout,
        "descriptions": {"first_right": 0.97, "mean_jaccard": 0.95, "by_language": {"nl": {"n": 3}}},
        "drafts": {
            "recall": 1.0,
            "precision": 0.96,
            "compliant_pass_rate": 1.0,
            "per_principle": {"retention": {"tp": 3, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0}},
        },
    }


def write_report(folder: Path, metrics: dict | None) -> Path:
    from assistant.evals.report import write_report as write

    folder = folder / "eval-report"
    path = write({"metrics": metrics or figures(), "results": []}, folder)
    if metrics is not None:
        (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    else:  # a report written before the figures were saved beside it
        (folder / "metrics.json").unlink()
    return path


def _page(report: str, lang: str) -> None:
    """An AppTest script: the Evaluation page's report view of `report`."""
    from pathlib import Path

    import streamlit as st

    from assistant.ui.evaluation import _show_report

    st.query_params["lang"] = lang
    _show_report(Path(report))


def show(report: Path, lang: str) -> AppTest:
    at = AppTest.from_function(_page, args=(str(report), lang), default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def test_every_metric_has_a_plain_name_and_an_explanation_in_both_languages():
    for m in METRICS:
        for kind in ("metric", "explain"):
            key = f"eval.{kind}.{m}"
            assert key in MESSAGES, key
            assert all(
                not raw_keys(text) and ("_" not in m or m not in text) for text in MESSAGES[key].values()
            ), key
    for job in JOBS:
        assert f"eval.job.{job}" in MESSAGES and f"eval.job_help.{job}" in MESSAGES


def test_every_shipped_threshold_is_read_with_its_direction():
    rows = threshold_rows(figures())
    assert len(rows) > 25
    by_path = {".".join(b.path): b for b in rows}
    assert (
        by_path["questions.answer_hit.en"].kind == "min" and by_path["questions.answer_hit.en"].limit == 0.88
    )
    assert by_path["questions.false_refusal_rate.all"].kind == "max"
    assert all(b.holds for b in rows), [b for b in rows if not b.holds]
    low = {".".join(b.path): b for b in threshold_rows(figures(answer_hit_en=0.5))}
    assert low["questions.answer_hit.en"].holds is False
    assert threshold_rows({})[0].holds is None  # not measured, not a pass


def test_each_job_holds_its_thresholds_and_every_job_threshold_is_placed():
    rows = threshold_rows(figures())
    heads = job_headlines(figures(), rows)
    assert [job for job, _, _ in heads] == list(JOBS)
    placed = {id(b) for _, _, held in heads for b in held}
    assert dict((job, figure) for job, figure, _ in heads) == {
        "grounded": pytest.approx(0.935),
        "coverage": 0.95,
        "retrieval": 0.92,
        "areas": 0.97,
        "gaps": 1.0,
    }
    for b in rows:  # each threshold of the five jobs' metrics is shown under one headline
        if any(b.metric in names for _, names in JOBS.values()):
            assert id(b) in placed, b.path
    assert {b.metric for _, _, held in heads for b in held} >= {
        "answer_hit",
        "coverage_accuracy",
        "false_refusal_rate",
        "first_right",
        "mean_jaccard",
        "recall",
        "precision",
        "mrr",
    }


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_headlines_in_the_users_language_with_thresholds_and_pass_fail(tmp_path, lang):
    at = show(write_report(tmp_path, figures(answer_hit_en=0.5)), lang)
    main = at.main
    titles = "\n".join(m.value for m in at.markdown)
    for job in JOBS:
        assert f"**{translate(f'eval.job.{job}', lang)}**" in titles
    assert titles.count(translate("eval.job_fail", lang)) == 1  # grounded: English answers below 0.88
    assert titles.count(translate("eval.job_pass", lang)) == len(JOBS) - 1
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[translate("eval.metric.answer_hit", lang)] == ("73,5 %" if lang == "nl" else "73.5 %")
    assert metrics[translate("eval.metric.mrr", lang)] == ("0,92" if lang == "nl" else "0.92")
    captions = [c.value for c in main.caption]
    fail = next(c for c in captions if translate("eval.fail", lang) in c and "50 %" in c)
    assert translate("eval.metric.answer_hit", lang) in fail and "≥ 88 %" in fail
    assert translate("eval.split.en", lang) in fail
    assert any("≤ 3 %" in c and translate("eval.metric.false_refusal_rate", lang) in c for c in captions)
    # the glossary: every metric by plain name with its explanation
    [glossary] = [e for e in at.expander if e.label == translate("eval.glossary", lang)]
    text = "\n".join(m.value for m in glossary.markdown)
    for m in METRICS:
        assert f"**{translate(f'eval.metric.{m}', lang)}**: {translate(f'eval.explain.{m}', lang)}" in text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_raw_tables_sit_in_an_expander_and_nothing_else_shows_a_raw_key(tmp_path, lang):
    at = show(write_report(tmp_path, figures()), lang)
    [raw] = [e for e in at.expander if e.label == translate("eval.raw", lang)]
    assert "answer_hit" in "\n".join(m.value for m in raw.markdown)  # report.md as it is, in the expander
    tables = [d.value for d in raw.dataframe]
    assert len(tables) == 4  # questions, holdout, descriptions, drafts
    column = translate("eval.col.metric", lang)
    assert translate("eval.metric.answer_hit", lang) in list(tables[0][column])
    assert all(not raw_keys(str(v)) for frame in tables for v in frame[column])
    outside = [  # a chart's spec is its Vega-Lite JSON, not text; its titles are checked below
        e
        for e in at.main.children.values()
        if getattr(e, "label", None) != raw.label and getattr(e, "type", "") != "vega_lite_chart"
    ]
    chart = json.loads(at.get("vega_lite_chart")[0].proto.spec)["encoding"]
    problems = [
        k
        for enc in chart.values()
        if isinstance(enc, dict)
        for k in raw_keys(str(enc.get("title") or enc.get("field") or ""))
    ]
    for node in outside:

        class Root:  # shown_texts walks `main` and `sidebar`
            main, sidebar = node, type("E", (), {"children": {}})()

        problems += [k for s in shown_texts(Root) for k in raw_keys(s.replace("\\", ""))]
    assert not problems, problems


def test_the_chart_groups_bars_by_language_with_the_legend_beside_them(tmp_path):
    at = show(write_report(tmp_path, figures()), "en")
    [chart] = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["encoding"]["color"]["field"] == translate("eval.chart.language", "en")
    assert spec["encoding"].get("xOffset")  # side by side, not stacked over each other
    legend = spec["encoding"]["color"].get("legend") or {}
    assert legend.get("orient") in ("bottom", "right", "top", "left")  # outside the plot, not over the bars


def test_a_report_without_figures_says_how_to_get_headlines(tmp_path):
    at = show(write_report(tmp_path, None), "nl")
    assert [i.value for i in at.info] == [translate("eval.no_figures", "nl")]
    assert not at.metric and at.expander[0].label == translate("eval.raw", "nl")


def test_write_report_saves_the_figures_the_page_reads(tmp_path):
    from assistant.evals.report import write_report as write

    write({"metrics": figures(), "results": []}, tmp_path)
    assert json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8")) == json.loads(
        json.dumps(figures())
    )


def test_the_shipped_thresholds_file_is_the_one_read():
    assert THRESHOLDS.name == "thresholds.toml" and THRESHOLDS.parent.name == "evals" and THRESHOLDS.is_file()

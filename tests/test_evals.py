"""Eval metrics, report and thresholds on hand-made ask-objects; the shipped question set's labels."""

from __future__ import annotations

import collections
import json
import re
from pathlib import Path

import pytest

from assistant.errors import ConfigError, InputError
from assistant.evals.common import contains_phrase, fold
from assistant.evals.datasets import (
    DescriptionCase,
    DraftCase,
    QuestionCase,
    load_cases,
    load_jsonl,
    validate_questions,
)
from assistant.evals.grounding import answer_claims, check_citations, citation_support
from assistant.evals.metrics import (
    first_hit_rank,
    percentile,
    phrase_sections,
    ranked_texts,
    run_questions,
    score_question,
)
from assistant.evals.report import write_report
from assistant.evals.thresholds import check_thresholds

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "evals" / "questions.jsonl"
PNG = b"\x89PNG\r\n\x1a\n"

STORE = (
    "Opslagbeperking: als de gegevens niet meer nodig zijn voor het LA-project, worden ze zo snel mogelijk "
    "verwijderd of onherkenbaar gemaakt."
)
BASIS = (
    "Voor elk LA-project is een rechtmatige grondslag nodig. De grondslag voor LA hangt af van het soort "
    "LA-project:"
)
OFFICER = (
    "Wanneer er AI wordt gebruikt in een LA-project, zal de AI-officer betrokken worden om potentiële risico’s "
    "van het gebruik van AI in het LA project te beoordelen."
)
CORPUS = [STORE, BASIS, OFFICER]


def cit(text: str, quote: str = "", section: str = "3.2 Privacy-principes") -> dict:
    return {
        "id": "doc:001",
        "source": "doc.md",
        "section": section,
        "text": text,
        "quote": quote,
        "score": 0.9,
    }


def ask(answer: str = "", citations=(), *, refused: bool = False, lang: str = "nl", **extra) -> dict:
    return {
        "question": "q",
        "answer": answer,
        "language": lang,
        "refused": refused,
        "citations": list(citations),
        "backend": "extractive",
        "warnings": [],
        **extra,
    }


REFUSAL = ask("Dat staat niet in het beleid. Vraag de privacy officer van je faculteit.", refused=True)


# --------------------------------------------------------------------------- text helpers


def test_fold_and_phrase_match_ignore_case_and_whitespace():
    assert fold("  Zo  Snel\nMogelijk ") == "zo snel mogelijk"
    assert contains_phrase(STORE, ["zo SNEL   mogelijk\nverwijderd"])
    assert not contains_phrase(STORE, ["algemeen belang", ""])


def test_ranked_texts_prefer_retrieved_and_fall_back_to_citations():
    obj = ask("x [1]", [cit(BASIS), cit(BASIS), cit(STORE)])
    assert ranked_texts(obj) == [BASIS, STORE]
    obj["retrieved"] = [OFFICER, {"text": STORE}]
    assert ranked_texts(obj) == [OFFICER, STORE]
    assert first_hit_rank(ranked_texts(obj), ["onherkenbaar gemaakt"]) == 2
    assert first_hit_rank(ranked_texts(obj), ["informed consent"]) is None


# --------------------------------------------------------------------------- citations


@pytest.mark.parametrize(
    ("obj", "error"),
    [
        (ask("Het beleid: [1]", [cit(STORE, "zo snel mogelijk verwijderd of onherkenbaar gemaakt.")]), None),
        (ask("Zie [1] en [3].", [cit(STORE), cit(BASIS)]), "marker [3] has no citation"),
        (ask("Zie [1].", [cit(STORE + " En nog wat.")]), "citation [1] text is not verbatim in the corpus"),
        (
            ask("Zie [1].", [cit(STORE, "worden ze direct gewist.")]),
            "citation [1] quote is not in its passage",
        ),
        (ask("Zie [1].", [cit("")]), "citation [1] has no text"),
        (ask("Het mag gewoon."), "answer without citations"),
        (ask("Niet in het beleid.", [cit(STORE)], refused=True), "refused answer lists citations"),
    ],
)
def test_check_citations(obj, error):
    result = check_citations(obj, CORPUS)
    assert result["valid"] is (error is None)
    if error:
        assert error in result["errors"]


def test_quote_may_join_non_adjacent_sentences_of_its_passage():
    quote = "Voor elk LA-project is een rechtmatige grondslag nodig. De grondslag voor LA hangt af"
    assert check_citations(ask("Zie [1].", [cit(BASIS, quote)]), CORPUS)["valid"]
    footnoted = "Het SURF-kader geldt.[^2] Ook de AI-act geldt. Er komt AI-beleid."
    quote = "Het SURF-kader geldt.[^2] Er komt AI-beleid."  # a sentence ending in a footnote marker
    assert check_citations(ask("Zie [1].", [cit(footnoted, quote)]), [footnoted])["valid"]
    joined = "De grondslag voor LA hangt af van het soort LA-project: Voor elk LA-project is een grondslag."
    assert not check_citations(ask("Zie [1].", [cit(BASIS, joined)]), CORPUS)["valid"]


def test_quote_with_ellipsis_is_checked_piecewise_and_unused_citations_reported():
    obj = ask("Zie [1].", [cit(BASIS, "rechtmatige grondslag nodig … hangt af van het soort"), cit(STORE)])
    result = check_citations(obj, CORPUS)
    assert result["valid"] and result["unused"] == [2]


def test_quote_hit_and_precision_judge_the_quoted_sentences_not_the_passage():
    row = {
        "id": "x",
        "question": "q",
        "expected": ["hangt af van het soort"],
        "answerable": True,
        "lang": "nl",
    }
    on_point = ask("Zie [1].", [cit(BASIS, "De grondslag voor LA hangt af van het soort LA-project:")])
    padded = ask(
        "Zie [1].",
        [
            cit(
                BASIS,
                "Voor elk LA-project is een rechtmatige grondslag nodig. … De grondslag voor LA hangt af van het soort LA-project:",
            )
        ],
    )
    off_point = ask("Zie [1].", [cit(BASIS, "Voor elk LA-project is een rechtmatige grondslag nodig.")])
    scores = [score_question(row, a, CORPUS) for a in (on_point, padded, off_point)]
    # the cited passage holds the phrase every time; only the quotes tell the three apart
    assert [s["answer_hit"] for s in scores] == [True, True, True]
    assert [s["quote_hit"] for s in scores] == [True, True, False]
    assert [s["quote_precision"] for s in scores] == [1.0, 0.5, 0.0]
    refused = score_question(row, REFUSAL, CORPUS)
    assert refused["quote_hit"] is False and refused["quote_precision"] is None


# --------------------------------------------------------------------------- support


def test_answer_claims_drop_the_framing_line():
    multi = "Het beleid zegt hierover:\nVoor elk LA-project is een rechtmatige grondslag nodig. [1]\n- Tweede [2]."
    assert answer_claims(multi) == [
        ("Voor elk LA-project is een rechtmatige grondslag nodig.", [1]),
        ("Tweede.", [2]),
    ]
    single = "The Dutch policy says: “Voor elk LA-project is een rechtmatige grondslag nodig.” [1]"
    assert answer_claims(single) == [("Voor elk LA-project is een rechtmatige grondslag nodig.", [1])]
    assert answer_claims("Dit is d.w.z. één zin [1]. Nog een [2].") == [
        ("Dit is d.w.z. één zin.", [1]),
        ("Nog een.", [2]),
    ]


def test_support_extractive_counts_verbatim_and_near_verbatim_sentences():
    near = STORE.replace("zo snel mogelijk", "zo snel als mogelijk")
    answer = (
        "Volgens het beleid:\n"
        f"{STORE} [1] {near} [1] Voor elk LA-project is een rechtmatige grondslag nodig. [2] "
        "Studenten mogen altijd bezwaar maken. [2]"
    )
    result = citation_support(ask(answer, [cit(STORE), cit(BASIS)]))
    assert result == {"score": 0.75, "sentences": 4, "supported": 3, "mode": "verbatim"}


def test_support_sentence_must_be_in_the_passage_its_marker_cites():
    answer = f"Kort:\n{STORE} [2]"
    assert citation_support(ask(answer, [cit(STORE), cit(BASIS)]))["score"] == 0.0


def test_support_lexical_for_llm_backends():
    obj = ask(
        "Answer:\nData that is no longer needed is verwijderd or onherkenbaar gemaakt [1]. "
        "Students always get a refund.",
        [cit(STORE)],
        backend="openai:qwen",
    )
    result = citation_support(obj)
    assert result["mode"] == "lexical" and result["sentences"] == 2
    assert 0.0 < result["score"] < 0.5  # partly covered sentence + an unmarked one scoring 0
    assert citation_support(REFUSAL)["score"] is None


# --------------------------------------------------------------------------- run_questions


ROWS = [
    {
        "id": "a",
        "question": "Hoe lang bewaren?",
        "expected": ["onherkenbaar gemaakt"],
        "answerable": True,
        "lang": "nl",
        "topic": "storage_limitation",
    },
    {
        "id": "b",
        "question": "And for research?",
        "expected": ["rechtmatige grondslag nodig"],
        "answerable": True,
        "lang": "en",
        "topic": "legal_basis",
        "follow_up_of": "a",
    },
    {
        "id": "c",
        "question": "Hoeveel EC heeft een bachelor?",
        "expected": [],
        "answerable": False,
        "lang": "nl",
        "topic": "out_of_scope",
    },
    {
        "id": "d",
        "question": "Who won the World Cup?",
        "expected": [],
        "answerable": False,
        "lang": "en",
        "topic": "out_of_scope",
    },
    {
        "id": "e",
        "question": "Student 1234567: wie beoordeelt AI-risico's?",
        "expected": ["AI-officer betrokken"],
        "answerable": True,
        "lang": "nl",
        "topic": "pii",
    },
]


def fake_ask_fn(calls: list):
    answers = {
        "Hoe lang bewaren?": ask(f"Het beleid:\n{STORE} [1]", [cit(STORE)]),
        "And for research?": ask(
            "The Dutch policy says:\nVoor elk LA-project is een rechtmatige grondslag nodig. [1]",
            [cit(OFFICER)],
            lang="en",
            retrieved=[OFFICER, BASIS],
        ),
        "Hoeveel EC heeft een bachelor?": REFUSAL,
        "Who won the World Cup?": ask("Argentina [1].", [cit("Argentina won.")], lang="en"),
    }

    def ask_fn(question: str, history: list[str]) -> dict:
        calls.append((question, history))
        if question.startswith("Student"):
            return {
                **REFUSAL,
                "question": "Student [studentnummer]: wie beoordeelt AI-risico's?",
                "warnings": ["Je vraag bevat persoonsgegevens."],
            }
        return {**answers[question], "question": question}

    return ask_fn


def fake_clock(step: float = 0.01):
    ticks = iter(range(10_000))
    return lambda: next(ticks) * step


def test_run_questions_scores_every_figure_by_language():
    calls, seen = [], []
    out = run_questions(
        ROWS,
        fake_ask_fn(calls),
        corpus_texts=CORPUS,
        clock=fake_clock(),
        progress=lambda done, total: seen.append((done, total)),
    )
    m = out["metrics"]["questions"]
    assert calls[1] == ("And for research?", ["Hoe lang bewaren?"])  # follow-up gets its history
    assert seen[-1] == (5, 5)
    assert m["count"] == {"nl": 3, "en": 2, "all": 5}
    assert m["answer_hit"] == {"nl": 0.5, "en": 0.0, "all": pytest.approx(1 / 3)}
    assert m["hit_at_1"]["all"] == pytest.approx(1 / 3) and m["hit_at_3"]["en"] == 1.0
    assert m["mrr"]["en"] == 0.5 and m["mrr"]["all"] == pytest.approx(0.5)
    assert m["refusal_accuracy"] == {"nl": 1.0, "en": 0.0, "all": 0.5}
    assert m["false_refusal_rate"] == {"nl": 0.5, "en": 0.0, "all": pytest.approx(1 / 3)}
    assert m["citation_validity"]["en"] == 0.5  # "Argentina won." is not in the corpus
    assert m["citation_support"]["nl"] == 1.0 and m["citation_support"]["en"] == 0.5
    assert m["latency_p50_ms"]["all"] == pytest.approx(10.0) and m["latency_p95_ms"]["nl"] == pytest.approx(
        10.0
    )
    assert m["pii_warning_rate"]["nl"] == 1.0 and m["pii_echo_rate"]["nl"] == 0.0
    assert m["pii_warning_rate"]["en"] is None
    assert m["language_accuracy"]["all"] == 1.0 and m["error_rate"]["all"] == 0.0


def test_results_carry_id_scores_and_the_ask_objects_own_question():
    results = run_questions(ROWS, fake_ask_fn([]), corpus_texts=CORPUS)["results"]
    assert [r["id"] for r in results] == ["a", "b", "c", "d", "e"]
    assert results[0]["score"]["rank"] == 1 and results[1]["score"]["rank"] == 2
    assert results[4]["question"] == "Student [studentnummer]: wie beoordeelt AI-risico's?"
    assert "1234567" not in json.dumps(results)


def test_a_failing_question_is_recorded_without_its_personal_data():
    def broken(question, history):
        raise RuntimeError("index down")

    out = run_questions(ROWS[4:], broken, corpus_texts=CORPUS)
    result = out["results"][0]
    assert result["error"] == "RuntimeError: index down" and "1234567" not in result["question"]
    assert out["metrics"]["questions"]["error_rate"]["all"] == 1.0


def test_percentile_interpolates():
    assert percentile([], 50) is None
    assert percentile([3.0, 1.0, 2.0, 4.0], 50) == 2.5
    assert percentile([10.0] * 19 + [100.0], 95) == pytest.approx(14.5)


# --------------------------------------------------------------------------- report


DRAFTS = {
    "per_principle": {
        "legal_basis": {"tp": 4, "fp": 1, "fn": 0, "precision": 0.8, "recall": 1.0},
        "ai_officer": {"tp": 1, "fp": 0, "fn": 1, "precision": 1.0, "recall": 0.5},
    },
    "passed_accuracy": 0.9,
}


def test_write_report_writes_markdown_and_valid_pngs(tmp_path):
    out = run_questions(ROWS, fake_ask_fn([]), corpus_texts=CORPUS, clock=fake_clock())
    out["metrics"]["drafts"] = DRAFTS
    report = write_report(out, tmp_path / "report")
    text = report.read_text(encoding="utf-8")
    assert report.name == "report.md"
    for heading in ("## Questions", "### By topic", "### Worst questions", "## Checker (labelled drafts)"):
        assert heading in text
    assert "| ai_officer | 1 | 0 | 1 | 1.000 | 0.500 |" in text
    assert "**all (micro)** | 5 | 1 | 1 |" in text
    assert "**d** (en, out_of_scope)" in text and "Argentina won." in text  # the wrong answer, cited
    assert "1234567" not in text
    for png in ("hit_at_k.png", "latency.png", "checker_recall.png"):
        assert (tmp_path / "report" / png).read_bytes().startswith(PNG)
        assert f"]({png})" in text


def test_write_report_accepts_one_dict_per_dataset(tmp_path):
    out = run_questions(ROWS[:1], fake_ask_fn([]), corpus_texts=CORPUS)
    nested = {
        "questions": {"metrics": out["metrics"]["questions"], "results": out["results"]},
        "drafts": {"metrics": DRAFTS},
    }
    text = write_report(nested, tmp_path).read_text(encoding="utf-8")
    assert "None: every question was answered" in text and "| legal_basis | 4 | 1 | 0 |" in text


# --------------------------------------------------------------------------- thresholds


METRICS = {
    "questions": {
        "answer_hit": {"nl": 0.95, "en": 0.85, "all": 0.91},
        "false_refusal_rate": {"nl": 0.0, "en": 0.1, "all": 0.04},
        "latency_p95_ms": {"all": 300.0},
        "refusal_accuracy": {"en": None},
    }
}


def test_check_thresholds_min_max_and_inferred_direction(tmp_path):
    path = tmp_path / "thresholds.toml"
    path.write_text(
        "questions.latency_p95_ms.all = 250\n"
        'questions."answer_hit".all = 0.9\n'
        "[min]\nquestions.answer_hit.nl = 0.9\nquestions.answer_hit.en = 0.9\n"
        "questions.refusal_accuracy.en = 0.9\nquestions.hit_at_5.all = 0.9\n"
        '[max]\n"questions.false_refusal_rate.all" = 0.05\nquestions.false_refusal_rate.en = 0.05\n',
        encoding="utf-8",
    )
    failures = check_thresholds({"metrics": METRICS}, path)
    assert sorted(failures) == sorted(
        [
            "questions.latency_p95_ms.all = 300.000 > max 250",
            "questions.answer_hit.en = 0.850 < min 0.9",
            "questions.refusal_accuracy.en: no value (no cases)",
            "questions.hit_at_5.all: no such metric",
            "questions.false_refusal_rate.en = 0.100 > max 0.05",
        ]
    )


def test_check_thresholds_passes_and_reports_bad_files(tmp_path):
    ok = tmp_path / "ok.toml"
    ok.write_text("[min]\nquestions.answer_hit.all = 0.9\n", encoding="utf-8")
    assert check_thresholds(METRICS, ok) == []
    with pytest.raises(ConfigError, match="not found"):
        check_thresholds(METRICS, tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[min]\nquestions.answer_hit.all = 'high'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a number"):
        check_thresholds(METRICS, bad)


def test_load_jsonl_names_the_bad_line(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a"}\n\n{"id": \n', encoding="utf-8")
    with pytest.raises(InputError, match=r"q\.jsonl:3"):
        load_jsonl(path)
    path.write_text('{"id": "a"}\n\n', encoding="utf-8")
    assert load_jsonl(path) == [{"id": "a"}]


@pytest.mark.parametrize(
    ("name", "text", "case", "error"),
    [
        (
            "q.jsonl",
            '{"id": "a", "question": "x", "answerable": true}\n{"id": "b", "question": "y"}\n',
            QuestionCase,
            r"q\.jsonl:2: answerable: Field required",
        ),
        (
            "q.jsonl",
            '{"id": "a", "question": "x", "answerable": true, "lang": "de"}\n',
            QuestionCase,
            r"q\.jsonl:1: lang: ",
        ),
        (
            "d.jsonl",
            '{"id": "d", "description": "x", "areas": ["1A", "5c"]}\n',
            DescriptionCase,
            r"d\.jsonl:1: areas: .*unknown area id\(s\) \['5c'\]",
        ),
        (
            "c.json",
            '[{"id": "c", "draft": {}, "expected": ["area"]}, {"id": "e", "draft": {}, "expected": ["x"]}]',
            DraftCase,
            r"c\.json: case 2: expected: .*unknown principle key\(s\) \['x'\]",
        ),
        ("c.json", '{"id": "c"}', DraftCase, r"c\.json: expected a JSON list of objects"),
    ],
)
def test_load_cases_names_the_file_row_and_field(tmp_path, name, text, case, error):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=error):
        load_cases(path, case)


def test_load_cases_types_rows_and_keeps_extra_keys(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "d", "description": "x", "areas": ["1B"], "source": "web"}\n', encoding="utf-8")
    (case,) = load_cases(path, DescriptionCase)
    assert case.areas == ["1b"] and case.model_extra == {"source": "web"} and case.language is None


def test_validate_questions_finds_problems_across_rows():
    rows = [
        QuestionCase(id="a", question="x", answerable=True),
        QuestionCase(id="a", question="y", answerable=False, expected=["z"]),
        QuestionCase(id="b", question="w", answerable=False, follow_up_of="c"),
        QuestionCase(id="c", question="v", answerable=False),
    ]
    assert validate_questions(rows) == [
        "a: answerable but no expected phrase",
        "a: duplicate id",
        "a: not answerable but has expected phrases",
        "b: follow_up_of 'c' is not an earlier id",
    ]


@pytest.mark.parametrize(
    ("path", "case"),
    [
        ("evals/questions.jsonl", QuestionCase),
        ("evals/holdout_questions.jsonl", QuestionCase),
        ("evals/descriptions.jsonl", DescriptionCase),
        ("evals/drafts.json", DraftCase),
        ("evals/questions_real.jsonl", QuestionCase),
        ("evals/descriptions_external.jsonl", DescriptionCase),
        ("evals/drafts_external.json", DraftCase),
        ("evals/questions_blind2.jsonl", QuestionCase),
    ],
)
def test_every_shipped_eval_file_loads_as_its_case_type(path, case):
    """The blind sets (evals/blind/) are only loaded here (their format), never scored: they are measured
    once, at the end."""
    cases = load_cases(ROOT / path, case)
    assert cases and len({c.id for c in cases}) == len(cases)


# --------------------------------------------------------------------------- the shipped question set


@pytest.fixture(scope="module")
def rows():
    return load_cases(QUESTIONS, QuestionCase)


@pytest.fixture(scope="module")
def passages():
    from assistant.corpus import load_passages

    return [p for p in load_passages() if p.retrievable]


def test_question_set_is_well_formed(rows):
    assert validate_questions(rows) == []
    for row in rows:
        assert row.lang in ("nl", "en") and row.topic
        assert all(2 <= len(p.split()) <= 6 for p in row.expected), row.id


def test_question_set_size_and_mix_meet_the_issue(rows):
    langs = collections.Counter(r.lang for r in rows)
    assert len(rows) >= 130
    assert 0.55 <= langs["nl"] / len(rows) <= 0.65
    assert sum(not r.answerable for r in rows) >= 30
    follow_ups = [r for r in rows if r.follow_up_of]
    assert len(follow_ups) >= 8 and all(r.history for r in follow_ups)
    assert {r.lang for r in follow_ups} == {"nl", "en"}


def test_every_expected_phrase_is_in_the_passage_recorded_for_it(rows, passages):
    for row in rows:
        for phrase in row.expected:
            sections = phrase_sections(phrase, passages)
            assert sections, f"{row.id}: {phrase!r} is not in the corpus"
            assert set(sections) <= set(row.sections), f"{row.id}: {phrase!r} found in {sections}"
        if row.expected:
            found = {s for p in row.expected for s in phrase_sections(p, passages)}
            assert found == set(row.sections), row.id


def test_every_concept_of_the_policy_is_asked_about(rows):
    from assistant.policy import ALL_CONCEPTS, AREA_IDS, PRINCIPLES, VALUES

    known = {c.key for c in ALL_CONCEPTS} | {"out_of_scope", "adversarial", "pii"}
    assert {r.topic for r in rows} <= known
    asked = collections.Counter(r.topic for r in rows if r.answerable)
    assert {*AREA_IDS, *VALUES, *PRINCIPLES} - set(asked) == set()  # the concepts DESIGN.md names


def test_personal_data_cases_hold_real_looking_identifiers(rows):
    def eleven_test(bsn: str) -> bool:
        digits = [int(d) for d in bsn]
        return (sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]) % 11 == 0

    pii = " ".join(r.question for r in rows if r.topic == "pii")
    bsns = re.findall(r"\b\d{9}\b", pii)
    assert bsns and all(eleven_test(b) for b in bsns)
    assert re.search(r"\b\d{7}\b", pii) and re.search(r"[\w.]+@[\w.]+\.nl", pii)
    assert any(r.answerable for r in rows if r.topic == "pii")
    assert any(not r.answerable for r in rows if r.topic == "pii")

"""Personal data in questions (issue 10): warned about, redacted before any LLM call, never in logs (question
logging is off by default and redacted when on), never in eval results or reports."""

from __future__ import annotations

import json
import logging

import pytest

from assistant.ask.pipeline import Assistant
from assistant.backends.fake import FakeBackend
from assistant.config import load_settings
from assistant.services import build_assistant

from .stub_llm import StubLLM

BSN = "111222333"  # passes the 11-proef
EMAIL = "jan.jansen@students.uu.nl"
STUDENT = "s1234567"
IBAN = "NL91ABNA0417164300"
PHONE = "06-12345678"
RAW = [BSN, EMAIL, "jan.jansen", STUDENT, "1234567", IBAN, "0417164300", PHONE, "12345678"]
QUESTION = f"Mijn BSN is {BSN} en mijn mail is {EMAIL}: hoe lang mogen we studentgegevens bewaren?"


def _clean(text: str) -> bool:
    return not any(raw in text for raw in RAW)


def _assistant(real_assistant, backend=None, **settings) -> Assistant:
    s = load_settings(
        home=real_assistant.settings.home, model_dir=real_assistant.settings.models_dir, **settings
    )
    return build_assistant(s, index=real_assistant.index, retriever=real_assistant.retriever, backend=backend)


@pytest.mark.parametrize("log_questions", ["1", None])
def test_question_logging_is_off_by_default_and_redacted_when_on(
    real_assistant, caplog, monkeypatch, log_questions
):
    if log_questions:
        monkeypatch.setenv("ASSISTANT_LOG_QUESTIONS", log_questions)
    settings = load_settings(home=real_assistant.settings.home, model_dir=real_assistant.settings.models_dir)
    assert settings.log_questions is bool(log_questions)
    a = build_assistant(settings, index=real_assistant.index, retriever=real_assistant.retriever)
    caplog.set_level(logging.DEBUG)  # every logger
    d = a.ask(QUESTION).to_dict()
    assert d["warnings"] and "persoonsgegevens" in d["warnings"][0]
    assert "[BSN]" in d["question"] and "[E-MAILADRES]" in d["question"] and _clean(json.dumps(d))
    assert _clean(caplog.text)
    asked = [
        r.getMessage() for r in caplog.records if r.name == "assistant" and r.getMessage().startswith("ask ")
    ]
    assert len(asked) == 1
    if log_questions:
        assert "[BSN]" in asked[0] and "[E-MAILADRES]" in asked[0] and "bewaren" in asked[0]
    else:
        assert "bewaren" not in caplog.text and "[BSN]" not in caplog.text  # no question text at all


def test_no_personal_data_reaches_the_llm(real_assistant):
    fake = FakeBackend(["NOT_IN_POLICY"])
    _assistant(real_assistant, fake).ask(
        f"Student {STUDENT} ({PHONE}, {IBAN}) vraagt: hoe lang bewaren we studiedata?"
    )
    request = fake.requests[-1]
    assert _clean(request.question) and _clean(fake.prompts[-1])
    assert "[STUDENTNUMMER]" in request.question and "[IBAN]" in request.question


def test_no_personal_data_on_the_wire_with_history(real_assistant):
    """Over real HTTP, with a follow-up: the condense call and the answer call carry redacted text only."""
    with StubLLM() as stub:
        # the condensed follow-up names what it asks about (research projects), as a condensation should
        stub.replies += [
            "Hoe lang mogen gegevens in een LA-onderzoeksproject bewaard worden?",
            "NOT_IN_POLICY",
        ]
        a = _assistant(real_assistant, llm="openai:stub-model", llm_base_url=stub.base_url)
        a.ask("En voor onderzoeksprojecten?", history=[(QUESTION, "Zo snel mogelijk verwijderd.")])
        assert len(stub.requests) == 2
        assert _clean(json.dumps(stub.requests)), json.dumps(stub.requests)[:2000]
        assert "[BSN]" in json.dumps(stub.requests[0])


def test_no_personal_data_in_eval_results_or_report(real_assistant, tmp_path):
    from assistant.evals.runner import run_eval

    rows = [
        {
            "id": "pii-1",
            "question": QUESTION,
            "expected": ["zo snel mogelijk verwijderd"],
            "answerable": True,
        },
        {
            "id": "pii-2",
            "question": "En voor onderzoeksprojecten?",
            "follow_up_of": "pii-1",
            "expected": ["onderzoeksprojecten"],
            "answerable": True,
        },
        {
            "id": "pii-3",
            "question": f"Mag ik {STUDENT} bellen op {PHONE} over zijn IBAN {IBAN}?",
            "expected": [],
            "answerable": False,
        },
        {"id": "pii-4", "question": f"Wat is doelbinding?\x07 {EMAIL}", "expected": [], "answerable": False},
    ]
    questions = tmp_path / "pii.jsonl"
    questions.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "report"
    result, _ = run_eval(real_assistant.settings, questions=questions, out=out, assistant=real_assistant)
    dumped = json.dumps(result, ensure_ascii=False)
    assert len(result["results"]) == 4 and _clean(dumped), dumped[:3000]
    assert "[BSN]" in dumped
    written = [p for p in out.rglob("*") if p.is_file()]
    assert written
    for p in written:
        assert _clean(p.read_bytes().decode("utf-8", "replace")), p


# --------------------------------------------------------------------------- drafts


@pytest.mark.parametrize("lang_text", ["nl", "en"])
def test_personal_data_in_a_description_stays_out_of_the_draft(lang_text):
    """Issue 16: student numbers, e-mail addresses and phone numbers in a project idea are not copied
    into any field of the draft (nor its evidence); the draft warns instead, in the idea's language."""
    from assistant.drafting.drafter import draft_from_description

    text = {
        "nl": f"Docenten zien tijdens de cursus de quizscores per student (bijv. student {STUDENT}) in "
        f"Brightspace, zodat ze extra uitleg kunnen geven. Vragen: {EMAIL} of {PHONE}.",
        "en": f"Teachers see the quiz scores of each student (e.g. student {STUDENT}) during the course, so "
        f"that they can explain more. Questions: {EMAIL} or {PHONE}.",
    }[lang_text]
    result = draft_from_description(text)
    dumped = json.dumps(result.to_dict(), ensure_ascii=False)
    assert _clean(dumped), dumped[:2000]
    assert result.draft.areas and result.draft.purposes  # the idea itself is still drafted
    warning = result.warnings[0]
    assert result.language == lang_text
    assert ("persoonsgegevens" if lang_text == "nl" else "personal data") in warning

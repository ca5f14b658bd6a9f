"""`assistant.services`: building an assistant, the first start and the drafter choice (no model)."""

from __future__ import annotations

import pytest

import assistant.backends as backends
from assistant.backends import register_backend
from assistant.backends.fake import FakeBackend
from assistant.config import load_settings
from assistant.errors import ConfigError, InputError
from assistant.evals.runner import run_eval
from assistant.services import build_assistant, first_start, make_draft

from .fakes import MemoryIndex

IDEA = (
    "We willen een dashboard voor docenten dat per cursus laat zien hoe studenten de kennisclips "
    "gebruiken, zodat de docent het onderwijs kan verbeteren."
)


def test_build_assistant_takes_the_backend_from_the_settings(memory_index):
    assert build_assistant(load_settings(), index=memory_index).backend.name == "extractive"
    assert isinstance(build_assistant(load_settings(llm="fake"), index=memory_index).backend, FakeBackend)
    with pytest.raises(ConfigError, match="valid names: extractive"):
        build_assistant(load_settings(llm="gpt-magic"), index=memory_index)


def test_first_start_ingests_an_empty_index_once():
    index = MemoryIndex()
    assistant = build_assistant(load_settings(), index=index)
    seen: list[tuple[str, int, int]] = []
    report = first_start(assistant, progress=lambda *step: seen.append(step))
    assert report is not None and report.added == ["uu-learning-analytics-beleid.md"] and report.passages
    assert seen and seen[-1][1] == seen[-1][2] == report.passages
    assert first_start(assistant) is None and index.ingests == 1  # not empty: nothing to do
    assert assistant.search("AI-officer").hits  # the assistant reads the new index


def test_deterministic_drafter_for_backends_that_cannot_draft():
    for name in ("extractive", "fake"):
        result = make_draft(load_settings(llm=name), IDEA)
        assert result.method == "deterministic" and not any("LLM" in w for w in result.warnings)
        assert result.draft.areas  # the cue words place the idea
    with pytest.raises(InputError):
        make_draft(load_settings(), "   ")


def test_unusable_llm_setting_warns_and_drafts_deterministically():
    result = make_draft(load_settings(llm="openai:m"), IDEA)  # no ASSISTANT_LLM_BASE_URL
    assert result.method == "deterministic"
    assert "not available" in result.warnings[0] and "ASSISTANT_LLM_BASE_URL" in result.warnings[0]


class _NoStructuredOutput:
    """A chat model that cannot do structured output (the drafter must fall back, with a warning)."""

    def with_structured_output(self, schema, include_raw=False):
        raise NotImplementedError("no tool calling")


class _Drafting(FakeBackend):
    name = "drafting-fake"
    can_draft = True
    chat_model = _NoStructuredOutput()


def test_llm_drafter_comes_from_the_backend_registry(monkeypatch):
    monkeypatch.setattr(backends, "_REGISTRY", dict(backends._REGISTRY))
    register_backend("drafting-fake", _Drafting)
    result = make_draft(load_settings(llm="drafting-fake"), IDEA)
    assert "cannot produce structured output" in result.warnings[0]  # the LLM drafter was asked
    assert result.method == "deterministic"  # and fell back


def test_eval_runner_needs_an_assistant_for_questions(tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "a", "question": "Wat is doelbinding?", "expected": []}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="build_assistant"):
        run_eval(load_settings(), questions=questions)

"""Settings precedence: explicit argument, then environment, then default; errors name the variable."""

from __future__ import annotations

import pytest

from assistant.config import load_settings
from assistant.errors import ConfigError


def test_defaults():
    s = load_settings()
    assert s.llm == "extractive" and s.chroma_host is None and s.max_question_chars == 2000


def test_environment_overrides_default(monkeypatch):
    monkeypatch.setenv("ASSISTANT_LLM", "openai:m")
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", "9001")
    monkeypatch.setenv("ASSISTANT_REVIEWERS", "Ann, bob ")
    s = load_settings()
    assert (s.llm, s.chroma_host, s.chroma_port) == ("openai:m", "127.0.0.1", 9001)
    assert s.reviewer_names() == {"ann", "bob"}


def test_argument_overrides_environment(monkeypatch):
    monkeypatch.setenv("ASSISTANT_LLM", "openai:m")
    assert load_settings(llm="fake").llm == "fake"


def test_bad_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("CHROMA_PORT", "not-a-port")
    with pytest.raises(ConfigError, match="CHROMA_PORT"):
        load_settings()


def test_sentence_vector_mode_is_checked(monkeypatch):
    assert load_settings().sentence_vectors == "pooled"
    monkeypatch.setenv("ASSISTANT_SENTENCE_VECTORS", "separate")
    assert load_settings().sentence_vectors == "separate"
    monkeypatch.setenv("ASSISTANT_SENTENCE_VECTORS", "lazy")
    with pytest.raises(ConfigError, match="(?i)sentence_vectors"):
        load_settings()


def test_roles_file(tmp_path, monkeypatch):
    roles = tmp_path / "roles.toml"
    roles.write_text('reviewers = ["carol@uu.nl"]\n', encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_ROLES_FILE", str(roles))
    assert load_settings().reviewer_names() == {"carol@uu.nl"}
    roles.write_text("reviewers = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="ASSISTANT_ROLES_FILE"):
        load_settings().reviewer_names()

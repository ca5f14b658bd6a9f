"""Shared fixtures: an isolated environment per test, no network but loopback, one model per session."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
_MODEL_CACHE = Path(os.environ.get("ASSISTANT_TEST_MODEL_DIR", ROOT / ".assistant" / "test-models"))


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """Each test gets its own ASSISTANT_HOME; the provisioned model is shared across the session."""
    for key in list(os.environ):
        if key.startswith(("ASSISTANT_", "CHROMA_", "OPENAI_")):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ASSISTANT_MODEL_DIR", str(_MODEL_CACHE))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    yield


_real_connect = socket.socket.connect


def _guarded_connect(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and self.family in (socket.AF_INET, socket.AF_INET6):
        if not (host.startswith("127.") or host in ("localhost", "::1")):
            raise RuntimeError(f"tests may not reach the network ({host}); use 127.0.0.1")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    yield


@pytest.fixture(scope="session")
def corpus_home(tmp_path_factory) -> Path:
    """An ASSISTANT_HOME with the shipped corpus ingested once per session (real e5 model).

    Tests that only read the index point ASSISTANT_HOME here (see `real_settings`); tests that change
    the index must use their own home."""
    from assistant.config import load_settings
    from assistant.index import PolicyIndex

    home = tmp_path_factory.mktemp("corpus-home")
    settings = load_settings(home=home, model_dir=_MODEL_CACHE)
    report = PolicyIndex(settings).ingest()
    assert not report.failed, report.failed
    return home


@pytest.fixture
def real_settings(corpus_home, monkeypatch):
    """Settings on the shared, ingested index; the review database stays per test."""
    from assistant.config import load_settings

    monkeypatch.setenv("ASSISTANT_HOME", str(corpus_home))
    db = Path(os.environ.get("PYTEST_CURRENT_TEST", "x").split(" ")[0].replace("/", "_").replace(":", "_"))
    return load_settings(
        home=corpus_home, model_dir=_MODEL_CACHE, db_url=f"sqlite:///{corpus_home / (str(db)[:80] + '.db')}"
    )


@pytest.fixture(scope="session")
def real_assistant(corpus_home):
    """One Assistant (extractive backend) on the shared index, for read-only tests."""
    from assistant.ask.pipeline import Assistant
    from assistant.config import load_settings

    return Assistant(load_settings(home=corpus_home, model_dir=_MODEL_CACHE))

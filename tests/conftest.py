"""Shared fixtures: an isolated environment per test, no network but loopback, one model per session.

Tests that need the real e5 model are marked `model` automatically: every test using a fixture of
`MODEL_FIXTURES` (directly or through another fixture). When `model` tests are deselected
(`make test-fast`: -m "... and not model") or ASSISTANT_TEST_NO_MODEL=1 is set, loading the model
is blocked: in this process, importing sentence-transformers raises `ModelNotAllowed` and the test
that tried is reported (the run fails); in child processes (the CLI, Streamlit) the model folder is
an unusable path, so provisioning or loading it fails there.
"""

from __future__ import annotations

import importlib.abc
import os
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
MODEL_FIXTURES = frozenset({"model_dir", "corpus_home", "real_settings", "real_assistant"})
_BLOCKED_MODEL_DIR = "/dev/null/model-not-allowed-in-this-run"  # mkdir below /dev/null always fails
_attempts: list[str] = []


def _model_dir() -> Path:
    """Where the session's provisioned model lives (ASSISTANT_TEST_MODEL_DIR, read when used)."""
    return Path(os.environ.get("ASSISTANT_TEST_MODEL_DIR", ROOT / ".assistant" / "test-models"))


class ModelNotAllowed(RuntimeError):
    """Raised when a test loads the embedding model in a run that excludes `model` tests."""


class _BlockModel(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "sentence_transformers":
            test = os.environ.get("PYTEST_CURRENT_TEST", "(outside a test)").rsplit(" ", 1)[0]
            _attempts.append(test)
            raise ModelNotAllowed(
                f"{test} loads the embedding model; use a fixture of conftest.MODEL_FIXTURES "
                "(then it is marked `model`) or the fakes in tests/fakes.py"
            )
        return None


def _model_blocked(config) -> bool:
    return "not model" in (config.getoption("markexpr", "") or "") or bool(
        os.environ.get("ASSISTANT_TEST_NO_MODEL")
    )


def pytest_configure(config):
    if _model_blocked(config):
        os.environ["ASSISTANT_TEST_MODEL_DIR"] = _BLOCKED_MODEL_DIR
        if not any(isinstance(f, _BlockModel) for f in sys.meta_path):
            sys.meta_path.insert(0, _BlockModel())


def pytest_collection_modifyitems(config, items):
    """Mark `model` every test that uses a fixture loading the real model."""
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _attempts:
        terminalreporter.section("tests that tried to load the embedding model")
        for test in dict.fromkeys(_attempts):
            terminalreporter.write_line(test)


def pytest_sessionfinish(session, exitstatus):
    if _attempts and exitstatus == 0:
        session.exitstatus = 1  # a blocked model load fails the run even when the test caught it


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """Each test gets its own ASSISTANT_HOME; the provisioned model is shared across the session."""
    for key in list(os.environ):
        if key.startswith(("ASSISTANT_", "CHROMA_", "OPENAI_")) and not key.startswith("ASSISTANT_TEST_"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ASSISTANT_MODEL_DIR", str(_model_dir()))
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
def model_dir() -> Path:
    """The provisioned model folder, for a test that loads the model itself (in-process or in a child
    process, e.g. the CLI on a fresh home): asking for it marks the test `model`."""
    return _model_dir()


@pytest.fixture(scope="session")
def corpus_home(tmp_path_factory, model_dir) -> Path:
    """An ASSISTANT_HOME with the shipped corpus ingested once per session (real e5 model).

    Tests that only read the index point ASSISTANT_HOME here (see `real_settings`); tests that change
    the index must use their own home."""
    from assistant.config import load_settings
    from assistant.index import PolicyIndex

    home = tmp_path_factory.mktemp("corpus-home")
    settings = load_settings(home=home, model_dir=model_dir)
    report = PolicyIndex(settings).ingest()
    assert not report.failed, report.failed
    return home


@pytest.fixture
def real_settings(corpus_home, model_dir, monkeypatch):
    """Settings on the shared, ingested index; the review database stays per test."""
    from assistant.config import load_settings

    monkeypatch.setenv("ASSISTANT_HOME", str(corpus_home))
    db = Path(os.environ.get("PYTEST_CURRENT_TEST", "x").split(" ")[0].replace("/", "_").replace(":", "_"))
    return load_settings(
        home=corpus_home, model_dir=model_dir, db_url=f"sqlite:///{corpus_home / (str(db)[:80] + '.db')}"
    )


@pytest.fixture(scope="session")
def real_assistant(corpus_home, model_dir):
    """One Assistant (extractive backend) on the shared index, for read-only tests."""
    from assistant.config import load_settings
    from assistant.services import build_assistant

    return build_assistant(load_settings(home=corpus_home, model_dir=model_dir))


@pytest.fixture(scope="session")
def memory_index():
    """The shipped corpus in a `MemoryIndex` with `HashEmbedder` (no e5, no Chroma), for read-only tests."""
    from .fakes import MemoryIndex

    return MemoryIndex.of_corpus()


@pytest.fixture
def memory_assistant(memory_index):
    """An Assistant (extractive backend) over `memory_index`: the whole Ask pipeline without the model."""
    from assistant.config import load_settings
    from assistant.services import build_assistant

    return build_assistant(load_settings(), index=memory_index)


# --------------------------------------------------------------------------- PostgreSQL (tests/pg.py)


@pytest.fixture(scope="session")
def postgres_server():
    """One real PostgreSQL per session (unix socket in a temp dir; as `nobody` under root), stopped at
    the end. Skips with the reason when the binaries or psycopg are missing (`make postgres-deps`)."""
    from .pg import PostgresServer, find_bindir, unavailable

    if reason := unavailable():
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    server = PostgresServer(find_bindir()).start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres_server) -> str:
    """A SQLAlchemy URL on the session's server whose tables live in a fresh, empty schema of the
    database `tests` (search_path; dropped afterwards): the store sees an empty database."""
    name = postgres_server.create_schema()
    yield postgres_server.url("tests", schema=name)
    postgres_server.drop_schema(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def review_db_url(request, tmp_path) -> str:
    """The review store's URL on each backend in turn: a SQLite file in tmp_path, or `pg_url`."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'review.db'}"
    return request.getfixturevalue("pg_url")

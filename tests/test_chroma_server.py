"""The scale-out path for real: the index on a `chroma run` server selected by CHROMA_HOST/CHROMA_PORT."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.errors import IndexUnavailableError
from assistant.index import PolicyIndex
from benchmarks.common import ChromaServer, free_port

pytestmark = pytest.mark.model  # the real e5 model embeds the corpus

CHROMA = Path(sys.executable).parent / "chroma"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not CHROMA.exists():
        pytest.skip(f"the chroma CLI is not installed next to {sys.executable}")
    with ChromaServer(tmp_path_factory.mktemp("chroma-server") / "data") as srv:
        yield srv


@pytest.fixture
def server_env(server, monkeypatch):
    """CHROMA_HOST/CHROMA_PORT point at the module's server (the autouse fixture cleared them)."""
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(server.port))
    return server


@pytest.fixture(scope="module")
def ingested(server, tmp_path_factory):
    """The shipped corpus ingested into the server once (settings through the environment)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHROMA_HOST", "127.0.0.1")
        mp.setenv("CHROMA_PORT", str(server.port))
        mp.setenv("ASSISTANT_HOME", str(tmp_path_factory.mktemp("server-home")))
        settings = load_settings()
        report = PolicyIndex(settings).ingest()
    return settings, report


def test_settings_select_server_mode(server_env):
    settings = load_settings()
    assert (settings.chroma_host, settings.chroma_port) == ("127.0.0.1", server_env.port)


def test_ingest_into_server(ingested, server_env):
    import chromadb

    settings, report = ingested
    assert not report.failed and report.added == ["uu-learning-analytics-beleid.md"] and report.passages > 20
    index = PolicyIndex(load_settings())
    assert [d["source"] for d in index.documents()] == ["uu-learning-analytics-beleid.md"]
    # the data lives in the server, not in a local folder
    assert not settings.chroma_dir.exists()
    remote = chromadb.HttpClient(host="127.0.0.1", port=server_env.port)
    assert remote.get_collection("la_passages").count() == report.passages
    again = index.ingest()  # unchanged: skipped, nothing embedded
    assert again.passages == 0 and again.skipped == ["uu-learning-analytics-beleid.md"]


def test_search_finds_storage_limitation(ingested, server_env):
    from assistant.services import build_assistant

    assistant = build_assistant(load_settings())
    hits = assistant.search("How long may we keep the students' data after the project?", k=5).hits
    assert any(h.passage.text.startswith("Opslagbeperking") for h in hits[:3]), [
        h.passage.section for h in hits
    ]
    answer = assistant.ask("Hoe lang mogen we de gegevens van studenten bewaren?")
    assert not answer.refused
    assert any("zo snel mogelijk verwijderd" in c.text for c in answer.citations)


def test_incremental_update_on_server(ingested, server_env, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    note = extra / "bewaartermijnen.md"
    note.write_text(
        "# Bewaartermijnen\n\n## Quizdata\n\n- Quizscores worden na zeven weken verwijderd.\n"
        "- Inlogdata worden na twee weken geanonimiseerd.\n",
        encoding="utf-8",
    )
    index = PolicyIndex(load_settings())
    first = index.ingest([extra])
    assert first.added == ["bewaartermijnen.md"] and first.passages == 2
    old_ids = next(d["ids"] for d in index.documents() if d["source"] == "bewaartermijnen.md")

    note.write_text(
        "# Bewaartermijnen\n\n## Quizdata\n\n- Quizscores worden na negen weken verwijderd.\n",
        encoding="utf-8",
    )
    changed = index.ingest([extra])
    assert changed.updated == ["bewaartermijnen.md"] and changed.passages == 1
    texts = [p.text for p in index.live().passages if p.source == "bewaartermijnen.md"]
    assert texts == ["Quizscores worden na negen weken verwijderd."]
    gone = [i for i in old_ids if i not in {d for doc in index.documents() for d in doc["ids"]}]
    assert gone and not index._col("la_passages").get(ids=gone, include=[])["ids"]
    # a second client (another replica) sees the change too
    other = PolicyIndex(load_settings(), embedder=index.embedder)
    assert "Quizscores worden na negen weken verwijderd." in [p.text for p in other.live().passages]

    note.unlink()
    removed = index.ingest([extra])
    assert removed.removed == ["bewaartermijnen.md"]
    assert {p.source for p in index.live().passages} == {"uu-learning-analytics-beleid.md"}
    assert index._col("la_passages").count() == len(index.live().passages)


def test_clear_error_when_nothing_listens(monkeypatch):
    port = free_port()  # bound and released: nothing listens there
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(port))
    with pytest.raises(IndexUnavailableError) as err:
        PolicyIndex(load_settings()).documents()
    message = str(err.value)
    assert "CHROMA_HOST" in message and "CHROMA_PORT" in message and f"127.0.0.1:{port}" in message


def test_clear_error_when_server_goes_away(tmp_path, monkeypatch):
    with ChromaServer(tmp_path / "short-lived" / "data") as srv:
        monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
        monkeypatch.setenv("CHROMA_PORT", str(srv.port))
        index = PolicyIndex(load_settings())
        assert index.documents() == []
    with pytest.raises(IndexUnavailableError) as err:
        index.documents()
    assert "CHROMA_HOST" in str(err.value) and str(srv.port) in str(err.value)


def test_cli_reports_server_down(monkeypatch, capsys):
    from assistant.cli.app import main

    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(free_port()))
    monkeypatch.setattr(sys, "argv", ["assistant", "search", "bewaartermijn", "--json"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == IndexUnavailableError.exit_code
    err = capsys.readouterr().err
    assert "CHROMA_HOST" in err and "Traceback" not in err

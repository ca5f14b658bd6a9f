"""Incremental, switch-based ingest with the real model on small documents."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from assistant.config import load_settings
from assistant.index import PolicyIndex

ROOT = Path(__file__).resolve().parent.parent


def _doc(folder: Path, name: str, body: str) -> Path:
    f = folder / name
    f.write_text(
        f"---\ntitle: {name}\nauthority: official\n---\n\n# {name}\n\n## Bewaren\n\n{body}\n",
        encoding="utf-8",
    )
    return f


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    _doc(folder, "a.md", "Gegevens worden na afloop van het project verwijderd.")
    _doc(
        folder,
        "b.md",
        "- Toegang: alleen docenten zien het dashboard.\n- Logboek: alle toegang wordt gelogd.",
    )
    return folder


def _index(tmp_path) -> PolicyIndex:
    return PolicyIndex(load_settings(home=tmp_path / "home"))


def test_incremental_ingest(tmp_path, docs):
    index = _index(tmp_path)
    first = index.ingest([docs])
    assert sorted(first.added) == ["a.md", "b.md"] and first.passages == 3
    again = index.ingest([docs])
    assert again.passages == 0 and sorted(again.skipped) == ["a.md", "b.md"]  # unchanged: not re-embedded

    _doc(docs, "a.md", "Gegevens worden binnen een maand na het project verwijderd of geanonimiseerd.")
    changed = index.ingest([docs])
    assert changed.updated == ["a.md"] and changed.passages == 1
    texts = [p.text for p in index.live().passages]
    assert any("binnen een maand" in t for t in texts) and not any("na afloop" in t for t in texts)

    (docs / "b.md").unlink()
    removed = index.ingest([docs])
    assert removed.removed == ["b.md"]
    assert {p.source for p in index.live().passages} == {"a.md"}
    # nothing left behind in the collections
    assert len(index._col("la_passages").get(include=[])["ids"]) == len(index.live().passages)


def test_corrupt_file_is_reported_and_others_still_indexed(tmp_path, docs):
    index = _index(tmp_path)
    index.ingest([docs])
    before = [(p.id, p.text) for p in index.live().passages]
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    (docs / "c.md").write_text("# C\n\nNieuwe tekst over beveiliging.\n", encoding="utf-8")
    report = index.ingest([docs])
    assert [name for name, _ in report.failed] == ["broken.pdf"]
    assert "PDF" in report.failed[0][1]
    assert report.added == ["c.md"]
    after = [(p.id, p.text) for p in index.live().passages]
    assert set(before) <= set(after)


def test_authority_and_manifest(tmp_path, docs):
    index = _index(tmp_path)
    index.ingest([docs / "a.md"], authority="supplementary")
    [doc] = index.documents()
    assert doc["authority"] == "supplementary" and doc["passages"] == 1
    assert all(p.authority == "supplementary" for p in index.live().passages)


def test_readers_never_see_a_half_built_document(tmp_path, docs):
    """Passages written but not yet switched in (a crash before the manifest switch) stay invisible,
    and the next ingest cleans them up."""
    index = _index(tmp_path)
    index.ingest([docs])
    live_before = {p.text for p in index.live().passages}
    col = index._col("la_passages")
    col.upsert(
        ids=["orphan:1"],
        embeddings=[index._unit()],
        documents=["x"],
        metadatas=[
            {
                "text": "orphan text",
                "doc_hash": "deadbeef",
                "kind": "text",
                "source": "z.md",
                "title": "z",
                "section": "z",
                "id": "z:001",
                "authority": "official",
                "start": 0,
                "end": 1,
                "page": -1,
            }
        ],
    )
    index._live = None
    assert {p.text for p in index.live().passages} == live_before
    q = index.embedder.encode_queries(["orphan text"])[0]
    assert all(p.text != "orphan text" for p, _ in index.dense(q, k=10))
    _doc(docs, "a.md", "Nieuwe versie.")
    index.ingest([docs])
    assert "orphan:1" not in col.get(include=[])["ids"]


@pytest.mark.slow
def test_sigkill_mid_ingest_leaves_previous_index_usable(tmp_path, docs):
    home = tmp_path / "home"
    index = PolicyIndex(load_settings(home=home))
    index.ingest([docs])
    before = sorted(p.text for p in index.live().passages)
    big = docs / "big.md"
    big.write_text(
        "# Big\n\n" + "\n\n".join(f"Alinea {i} over toegang en bewaren van gegevens." for i in range(3000)),
        encoding="utf-8",
    )
    env = {**os.environ, "ASSISTANT_HOME": str(home), "PYTHONPATH": str(ROOT)}
    code = textwrap.dedent(f"""
        from assistant.config import load_settings
        from assistant.index import PolicyIndex
        PolicyIndex(load_settings()).ingest([{str(docs)!r}])
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    time.sleep(12)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    fresh = PolicyIndex(load_settings(home=home))
    assert sorted(p.text for p in fresh.live().passages) == before
    big.unlink()
    fresh.ingest([docs])
    assert sorted(p.text for p in fresh.live().passages) == before

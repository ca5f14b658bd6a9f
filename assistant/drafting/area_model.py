"""A linear model of the application areas over the embedder's vectors of a project description.

Beside the area vote (the nearest labelled descriptions, `areas.area_vote`) the drafter reads a
one-vs-rest logistic regression per area, fitted by `assistant eval calibrate` on the train split of the
labelled descriptions (`evals/descriptions*.jsonl`) and shipped as `assistant/data/area_model.npz`. Where
the vote counts a handful of neighbours, the model weighs every labelled description, which carries the
labels over to wordings no single neighbour shares (issue 16 point 1). Its probabilities multiply an
area's score by (1 + `model_weight` x probability / best probability); `model_weight` is a `[drafter]`
constant of the same calibration.

The model is only valid for the embedder whose vectors it was fitted on (`key`: the weights' id and
the dimension); under another embedder `AreaModel.shipped` returns None and the drafter goes without it.
Reading it needs numpy only; fitting needs scikit-learn (the calibration's dependency).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from assistant.policy import AREA_IDS

__all__ = ["AREA_MODEL", "AreaModel", "embedder_key", "relative_to_best"]

AREA_MODEL = "area_model.npz"
"""The shipped model's file in `assistant/data/`, written by `assistant eval calibrate`."""

_CS = (1.0, 4.0, 16.0, 64.0)
"""Inverse regularisation strengths each area's regression chooses from by 5-fold cross-validated log
loss on the train split (a design grid: the calibration picks the value, the grid only bounds it)."""
_FOLDS = 5


def embedder_key(embedder: Any) -> str:
    """What the model's coefficients depend on: the embedder's weights (`model_id`, else its name) and
    its dimension, as 16 hex digits (the examples' vector files use the same parts)."""
    weights = getattr(embedder, "model_id", None) or getattr(embedder, "name", type(embedder).__name__)
    return hashlib.sha256(f"{weights}\0{getattr(embedder, 'dim', 0)}\0".encode()).hexdigest()[:16]


@dataclass
class AreaModel:
    """Per area a logistic regression over L2-normalised query vectors: `coef` (9, dim), `intercept` (9,),
    rows in `AREA_IDS` order; `key` names the embedder (`embedder_key`)."""

    coef: np.ndarray
    intercept: np.ndarray
    key: str
    fixed: dict[str, np.ndarray] = field(default_factory=dict)
    """Probabilities given per description text instead of computed: the calibration's out-of-fold
    values for its train descriptions, so the weights it fits on them are not fitted on the model's own
    training data."""

    def probabilities(self, query_vec: Any, text: str | None = None) -> dict[str, float]:
        """Per area the model's probability (0..1) that a description with this query vector carries it."""
        p = self.fixed.get(text) if text is not None else None
        if p is None:
            z = self.coef @ np.asarray(query_vec, np.float32) + self.intercept
            p = 1.0 / (1.0 + np.exp(-z))
        return dict(zip(AREA_IDS, (float(x) for x in p), strict=True))

    def matches(self, embedder: Any) -> bool:
        return embedder is not None and embedder_key(embedder) == self.key

    # ------------------------------------------------------------------ fitting and files

    @classmethod
    def fit(
        cls,
        vectors: np.ndarray,
        labels: Sequence[Sequence[str]],
        key: str,
        texts: Sequence[str] | None = None,
    ) -> AreaModel:
        """Fit one regression per area on `vectors` (n, dim) and their labelled `labels`; with `texts`,
        also keep each text's out-of-fold probabilities (`fixed`, stratified folds). An area with fewer than
        two labelled descriptions with (or without) it gets no regression, only its smoothed base rate."""
        from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        x = np.asarray(vectors, np.float32)
        y = np.array([[a in set(ls) for a in AREA_IDS] for ls in labels], dtype=int)
        coef = np.zeros((len(AREA_IDS), x.shape[1]), np.float32)
        intercept = np.zeros(len(AREA_IDS), np.float32)
        oof = np.zeros(y.shape, np.float32)
        for j in range(len(AREA_IDS)):
            positives = int(y[:, j].sum())
            folds = min(_FOLDS, positives, len(y) - positives)
            if folds < 2:  # too few to fit: the base rate, smoothed (add one half to each side)
                rate = (positives + 0.5) / (len(y) + 1.0)
                intercept[j] = np.log(rate / (1.0 - rate))
                oof[:, j] = rate
                continue
            # refit=True (the default): after choosing C it fits once more on all rows with that C
            cv = LogisticRegressionCV(Cs=list(_CS), cv=folds, scoring="neg_log_loss", max_iter=2000)
            cv.fit(x, y[:, j])
            c = float(np.ravel(cv.C_)[0])
            coef[j], intercept[j] = cv.coef_[0], cv.intercept_[0]
            if texts is not None:
                split = StratifiedKFold(folds, shuffle=True, random_state=0)
                oof[:, j] = cross_val_predict(
                    LogisticRegression(C=c, max_iter=2000), x, y[:, j], cv=split, method="predict_proba"
                )[:, 1]
        fixed = dict(zip(texts, oof, strict=True)) if texts is not None else {}
        return cls(coef, intercept, key, fixed)

    def save(self, path: Path) -> None:
        """Write the coefficients (not `fixed`) to `path` (.npz)."""
        np.savez(path, coef=self.coef, intercept=self.intercept, key=np.array(self.key))

    @classmethod
    def load(cls, path: Path | Any) -> AreaModel:
        with np.load(path) as data:
            return cls(
                data["coef"].astype(np.float32), data["intercept"].astype(np.float32), str(data["key"])
            )

    @staticmethod
    @cache
    def shipped_file() -> AreaModel | None:
        """The model `assistant eval calibrate` wrote to `assistant/data/area_model.npz`, or None."""
        path = resources.files("assistant") / "data" / AREA_MODEL
        if not path.is_file():
            return None
        with resources.as_file(path) as real:
            return AreaModel.load(real)

    @staticmethod
    def shipped(embedder: Any) -> AreaModel | None:
        """The shipped model when it was fitted on `embedder`'s vectors, else None."""
        model = AreaModel.shipped_file()
        return model if model is not None and model.matches(embedder) else None


def relative_to_best(probabilities: Mapping[str, float]) -> dict[str, float]:
    """`probabilities` divided by the best one (the best area 1.0); all 0.0 when none is above 0."""
    top = max(probabilities.values(), default=0.0)
    return {a: p / top if top > 0 else 0.0 for a, p in probabilities.items()}

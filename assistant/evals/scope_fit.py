"""Fitting and measuring the coverage model (`assistant.ask.scope`) on recorded signals.

`scope_rows` turns a question set's signals into the model's inputs (the same three signals the
pipeline computes); `fit_scope` fits the logistic model on the train rows and picks the two cut-offs;
`scope_figures` measures a fitted model on any rows. The fit:

- coefficients: L2-regularised logistic regression (scikit-learn `LogisticRegressionCV`, classes
  weighted to balance, the regularisation strength chosen by 5-fold cross-validated log-loss on the
  train rows from `C_GRID`), on standardised features, written back in raw units;
- the cut-offs are chosen on out-of-fold probabilities (5-fold cross-validation with the chosen
  strength), since in-sample probabilities are optimistic;
- `direct_from`: the coordinate search of `assistant.evals.search` over `DIRECT_GRID`, from the shipped
  value (the one-standard-error rule keeps it unless beaten by more than one SE), maximising the
  balanced accuracy of "direct" (answerable questions answered directly, not-answerable ones not),
  ties: the lower rate of answerable questions refused;
- `none_below`: the largest value of `NONE_GRID` (below `direct_from`) at which at most
  `MAX_FALSE_NONE` of the train's answerable questions are refused (issue 15: at most one answerable
  question in 40 gets `none`); the questions between the cut-offs get `partial` (used only by a
  calibration without the domain model);
- the domain model (a question below `none_below` is refused only when it also says the policy does
  not touch the topic): the same kind of logistic regression, its vote between examples the policy
  touches (answerable, or labelled `partial`) and examples labelled `none`, fitted on the train rows
  with such a label; `domain_from` is the value of `DOMAIN_GRID` maximising the balanced accuracy of
  partial versus none over the labelled not-answerable train questions below `none_below` (out-of-fold
  probabilities of both models); ties: the higher cut-off (fewer related passages for off-topic text).

A question whose typed words ask to act on people's data (`scope.request_cues`) is refused whatever the
model says; it is left out of the fit and counted as `none` in the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.ask.scope import (
    ExampleVote,
    ScopePolicy,
    best_sentence,
    missing_figure,
    request_cues,
    scope_features,
)
from assistant.calibration import ScopeModel
from assistant.evals.search import coordinate_search
from assistant.evals.signals import SignalSet
from assistant.retrieve import Weights

__all__ = [
    "ScopeRow",
    "scope_rows",
    "fit_scope",
    "scope_figures",
    "C_GRID",
    "NONE_GRID",
    "DIRECT_GRID",
    "DOMAIN_GRID",
]

C_GRID = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
NONE_GRID = [round(0.05 * i, 2) for i in range(1, 11)]
DIRECT_GRID = [round(0.3 + 0.05 * i, 2) for i in range(11)]
DOMAIN_GRID = [round(0.05 * i, 2) for i in range(1, 19)]
MAX_FALSE_NONE = 1 / 40


@dataclass(frozen=True)
class ScopeRow:
    """One question's inputs to the coverage decision."""

    id: str
    answerable: bool
    standalone: str
    sentence: float
    concept: float
    cue: bool  # a request to act on data: refused whatever the model says
    instructions: bool  # instructions aimed at the assistant (ScopePolicy.decide)
    no_hits: bool
    vector: np.ndarray
    figure_missing: bool  # asks for a figure the nearest passages do not state: partial at most
    ask_vectors: np.ndarray | None = None  # the asked parts' query vectors: each votes as the question does
    coverage: str | None = None  # the label: direct (answerable), partial, none; None: not labelled


def _label(answerable: bool, coverage: str | None) -> str | None:
    return "direct" if answerable else coverage if coverage in ("partial", "none") else None


def scope_rows(
    signals: SignalSet, weights: Weights, embedder: Any, labels: dict[str, str | None] | None = None
) -> list[ScopeRow]:
    """The rows of `signals` under fusion `weights`: best sentence over the top k passages' sentences
    (as the pipeline computes it), concept strength, request cue, the standalone question's vector
    (`embedder.encode_queries`, one batch) and the coverage label (`labels`: id -> the case's
    `coverage`; answerable questions are `direct`)."""
    labels = labels or {}
    vectors = np.asarray(embedder.encode_queries([q.standalone for q in signals.questions]), np.float32)
    rows = []
    for q, vec in zip(signals.questions, vectors, strict=True):
        r = signals.retrieval(q, weights)
        top = signals.ranking(q, weights)
        sentence_rows = [n for i in top for n in signals.sentences_of(int(i))]
        evidence = q.point_sim if len(q.point_sim) else q.sentence_sim  # the best-supported part
        best = float(evidence[sentence_rows].max()) if sentence_rows else best_sentence(None, [], r.top_dense)
        rows.append(
            ScopeRow(
                q.id,
                q.answerable,
                q.standalone,
                best,
                r.concept_strength,
                bool({"act_on_data", "task"} & set(cues := request_cues(q.asked))),
                "instructions" in cues,
                not r.hits,
                vec,
                bool(missing_figure(q.asked, [h.passage.text for h in r.hits])),
                q.ask_vectors[np.abs(q.ask_vectors).sum(axis=1) > 0] if q.ask_vectors.size else None,
                _label(q.answerable, labels.get(q.id)),
            )
        )
    return rows


def _matrix(
    rows: list[ScopeRow], examples: ExampleVote, example_vectors: np.ndarray, domain: bool = False
) -> np.ndarray:
    return np.array(
        [scope_features(r.sentence, r.concept, _vote(r, examples, example_vectors, domain)) for r in rows]
    ).reshape(-1, 3)


def _vote(row: ScopeRow, examples: ExampleVote, example_vectors: np.ndarray, domain: bool) -> float:
    """The vote of the question, or of an asked part of it when that is higher (`ScopePolicy.coverage`)."""
    asked = row.ask_vectors if row.ask_vectors is not None else []
    return examples.best_votes([row.vector, *asked], example_vectors)[int(domain)]


def _decisions(rows: list[ScopeRow], policy: ScopePolicy, example_vectors: np.ndarray) -> list[str]:
    x = _matrix(rows, policy.examples, example_vectors)
    xd = _matrix(rows, policy.examples, example_vectors, domain=True)
    decided = [
        "none"
        if r.cue or r.no_hits
        else policy.decide(policy.probability(f), r.instructions, policy.domain_probability(fd))
        for r, f, fd in zip(rows, x, xd, strict=True)
    ]
    return [_figure_rule(r, d) for r, d in zip(rows, decided, strict=True)]


def _figure_rule(row: ScopeRow, decided: str) -> str:
    """`decided`, made `partial` when it is `direct` for a question asking for a figure its passages do
    not state (as `ScopePolicy.coverage` does)."""
    return "partial" if decided == "direct" and row.figure_missing else decided


def scope_figures(
    rows: list[ScopeRow], model: ScopeModel, examples: ExampleVote, example_vectors: np.ndarray
) -> dict[str, float]:
    """Coverage figures of `model` on `rows`: `direct_rate` (answerable answered directly),
    `false_none_rate` (answerable refused), `flagged_rate` (not-answerable given partial or none),
    `none_rate` (not-answerable refused), `balanced_accuracy` of "direct" with its standard error,
    `coverage_exact` (not-answerable questions labelled partial or none given exactly that; `labelled`
    of them), `n`."""
    return _rates(rows, _decisions(rows, ScopePolicy(model, examples), example_vectors))


def _rates(rows: list[ScopeRow], decided: list[str]) -> dict[str, float]:
    ans = [d for r, d in zip(rows, decided, strict=True) if r.answerable]
    out = [d for r, d in zip(rows, decided, strict=True) if not r.answerable]
    direct = sum(d == "direct" for d in ans) / len(ans) if ans else 0.0
    flagged = sum(d != "direct" for d in out) / len(out) if out else 1.0
    se = 0.5 * (_se(direct, len(ans)) ** 2 + _se(flagged, len(out)) ** 2) ** 0.5
    labelled = [
        (r.coverage, d) for r, d in zip(rows, decided, strict=True) if r.coverage in ("partial", "none")
    ]
    return {
        "coverage_exact": round(sum(c == d for c, d in labelled) / len(labelled), 4) if labelled else 0.0,
        "labelled": len(labelled),
        "balanced_accuracy": round((direct + flagged) / 2, 4),
        "balanced_accuracy_se": round(se, 4),
        "direct_rate": round(direct, 4),
        "false_none_rate": round(sum(d == "none" for d in ans) / len(ans), 4) if ans else 0.0,
        "flagged_rate": round(flagged, 4),
        "none_rate": round(sum(d == "none" for d in out) / len(out), 4) if out else 0.0,
        "n": len(rows),
    }


def answered_ids(
    rows: list[ScopeRow], model: ScopeModel, examples: ExampleVote, example_vectors: np.ndarray
) -> set[str]:
    """Ids of the rows `model` does not refuse (direct or partial): what the extractive backend quotes."""
    decided = _decisions(rows, ScopePolicy(model, examples), example_vectors)
    return {r.id for r, d in zip(rows, decided, strict=True) if d != "none"}


def _se(p: float, n: int) -> float:
    return (p * (1 - p) / n) ** 0.5 if n else 0.0


def fit_scope(
    train: list[ScopeRow],
    examples: ExampleVote,
    example_vectors: np.ndarray,
    vote_k: int = 5,
    incumbent: float | None = None,
) -> tuple[ScopeModel, dict[str, str]]:
    """Fit the coverage model on `train` (module docstring): (model, notes on how each value was set).
    `incumbent` is the shipped `direct_from`: the search starts there and moves only on more than one
    standard error of evidence, as every other calibrated constant does (without one: 0.5)."""

    fitted = [r for r in train if not (r.cue or r.no_hits)]
    x = _matrix(fitted, examples, example_vectors)
    y = np.array([r.answerable for r in fitted], int)
    folds = min(5, int(np.bincount(y, minlength=2).min()))  # 5-fold, fewer on a tiny train split
    if folds < 2:
        raise ValueError("the train split needs 2+ answerable and 2+ not-answerable questions to fit scope")
    coef, intercept, c, oof = _logistic_fit(x, y)
    base = {**_coefficients(coef, intercept), "vote_k": vote_k}

    def model(none_below: float, direct_from: float) -> ScopeModel:
        return ScopeModel(**base, none_below=none_below, direct_from=direct_from)

    # the cut-offs are chosen on out-of-fold probabilities (5-fold, same C): in-sample ones are optimistic
    probability = dict(zip((r.id for r in fitted), oof, strict=True))

    def figures(none_below: float, direct_from: float) -> dict[str, float]:
        m = ScopePolicy(model(none_below, direct_from), examples)
        decided = [
            "none" if r.cue or r.no_hits else _figure_rule(r, m.decide(probability[r.id], r.instructions))
            for r in train
        ]
        return _rates(train, decided)

    found = coordinate_search(
        {"direct_from": DIRECT_GRID},
        lambda p: (lambda f: (f["balanced_accuracy"], -f["false_none_rate"]))(
            figures(min(NONE_GRID), p["direct_from"])
        ),
        stderr=lambda p: figures(min(NONE_GRID), p["direct_from"])["balanced_accuracy_se"],
        start={"direct_from": 0.5 if incumbent is None else incumbent},
    )
    direct_from = found.point["direct_from"]
    none_below = min(NONE_GRID)
    for value in NONE_GRID:
        if value <= direct_from and figures(value, direct_from)["false_none_rate"] <= MAX_FALSE_NONE:
            none_below = value
    domain, domain_notes = _fit_domain(train, examples, example_vectors, probability, none_below)
    base.update(domain)
    notes = {
        **domain_notes,
        "coefficients": f"logistic regression, C={c} chosen from {C_GRID} by 5-fold "
        "cross-validated log-loss, classes balanced",
        "direct_from": "coordinate search from the shipped value (0.5, the balanced decision point, "
        "without one) with the one-standard-error rule, on 5-fold out-of-fold probabilities",
        "none_below": f"largest of {NONE_GRID} with at most {MAX_FALSE_NONE:.3f} of answerable train "
        "questions refused (out-of-fold probabilities)",
    }
    return model(none_below, direct_from), notes


def _coefficients(coef: np.ndarray, intercept: float, prefix: str = "") -> dict[str, float]:
    """`ScopeModel` fields of one logistic model (features in `scope_features` order), 4 decimals."""
    names = ("sentence", "concept", "vote")
    return {f"{prefix}{n}": round(float(v), 4) for n, v in zip(names, coef, strict=True)} | {
        f"{prefix}intercept": round(intercept, 4)
    }


def _logistic_fit(x: np.ndarray, y: np.ndarray):
    """(coefficients in raw units, intercept, chosen C, out-of-fold probabilities) of a class-balanced
    L2 logistic regression with C from `C_GRID` by cross-validated log-loss (5 folds, fewer when a class
    is small)."""
    from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    folds = min(5, int(np.bincount(y, minlength=2).min()))
    mu, sd = x.mean(axis=0), x.std(axis=0)
    sd[sd == 0] = 1.0
    z = (x - mu) / sd
    cv = StratifiedKFold(folds, shuffle=True, random_state=0)
    lr = LogisticRegressionCV(
        Cs=C_GRID, cv=cv, class_weight="balanced", scoring="neg_log_loss", max_iter=1000
    ).fit(z, y)
    c = float(lr.C_[0])
    oof = cross_val_predict(
        LogisticRegression(C=c, class_weight="balanced", max_iter=1000), z, y, cv=cv, method="predict_proba"
    )[:, 1]
    coef = lr.coef_[0] / sd
    return coef, float(lr.intercept_[0] - np.dot(lr.coef_[0], mu / sd)), c, oof


def _fit_domain(
    train: list[ScopeRow],
    examples: ExampleVote,
    example_vectors: np.ndarray,
    p_answerable: dict[str, float],
    none_below: float,
) -> tuple[dict[str, float], dict[str, str]]:
    """The domain model's constants (`ScopeModel.domain_*`) and notes; empty when the train rows hold
    fewer than 2 questions labelled `none` or `partial` (the calibration then keeps `none_below`)."""
    rows = [r for r in train if not (r.cue or r.no_hits) and r.coverage is not None and r.id in p_answerable]
    y = np.array([r.coverage != "none" for r in rows], int)
    if sum(r.coverage == "none" for r in rows) < 2 or sum(r.coverage == "partial" for r in rows) < 2:
        return {}, {"domain": "not fitted: fewer than 2 train questions labelled none or partial"}
    coef, intercept, c, oof = _logistic_fit(_matrix(rows, examples, example_vectors, domain=True), y)
    p_domain = dict(zip((r.id for r in rows), oof, strict=True))
    below = [r for r in train if r.coverage in ("partial", "none") and r.id in p_domain]
    below = [r for r in below if p_answerable[r.id] < none_below and not r.instructions]

    def score(cut: float) -> float:
        parts = [
            [(p_domain[r.id] >= cut) == (r.coverage == "partial") for r in below if r.coverage == label]
            for label in ("partial", "none")
        ]
        return sum(sum(p) / len(p) for p in parts if p) / max(sum(1 for p in parts if p), 1)

    best = max(DOMAIN_GRID, key=lambda cut: (score(cut), cut))
    constants = {**_coefficients(coef, intercept, "domain_"), "domain_from": best}
    notes = {
        "domain": f"logistic regression of 'the policy touches the topic' (answerable or labelled partial, "
        f"against labelled none) on {len(rows)} labelled train questions, C={c} from {C_GRID} by "
        "cross-validated log-loss, classes balanced",
        "domain_from": f"value of {DOMAIN_GRID[0]}..{DOMAIN_GRID[-1]} maximising the balanced accuracy of "
        f"partial versus none over {len(below)} labelled not-answerable train questions below none_below "
        "(out-of-fold probabilities); ties: the higher cut-off",
    }
    return constants, notes

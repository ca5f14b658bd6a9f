"""Tuning as a program: fit every tuned constant on a train split, report it on data it never saw.

`calibrate(assistant, ...)` (the command `assistant eval calibrate`) fits the four groups of constants
the product reads from `assistant/data/calibration.toml`:

- `scope` (`ScopePolicy`, coverage direct / partial / none): a logistic model over the retrieval
  evidence and two cut-offs, fitted as `assistant.evals.scope_fit` says; the train questions (their
  standalone form and label) become the shipped example questions of the model's vote
  (`assistant/data/scope_examples.jsonl`, written beside the calibration file); the train questions
  of the story sets (`story_questions`) are fitted on and reported like the other dev sets, but are
  examples of the passage vote only, not of the coverage model (its fit and its vote): their
  not-answerable questions are mostly "how long does X take" and "how many months exactly" partials,
  whose wording lies next to answerable ones ("how long before the data must be deleted?") so that a
  vote by form moves handed cases across `direct_from` (measured 2026-12-01, `evals/README.md`, tenth
  round), while their answered questions carry the point of a story over to the passage that answers it;
- `fusion` (`retrieve.Weights`): maximise the MRR of the first passage holding an expected phrase in
  the top 5 (the `mrr` of `assistant eval`), ties broken by hit@1, hit@3, hit@5;
- `drafter` (`rank_areas`): maximise the mean over descriptions of (first area within the labels +
  Jaccard of the chosen area set) / 2, ties broken by first-area accuracy; fitted on the train split
  of `evals/descriptions.jsonl` and, when given, of `evals/descriptions_real.jsonl` (published
  projects), whose held-out split is reported apart.

The split is deterministic and stratified: within each stratum (questions: answerable x language;
descriptions: first labelled area) cases are ordered by the SHA-256 of `SPLIT_SALT:id`, and the first
`HELDOUT_SHARE` of them are held out. `evals/holdout_questions.jsonl` is held out whole. The search is
a coordinate ascent over a fixed grid per constant, started at the previous constants (the shipped
file); a constant moves only when the best grid value beats the previous one by more than one standard
error of the train objective (the one-standard-error rule: on ~100 train cases smaller gains are noise),
and then to the middle of the longest run of equally best grid values (the widest margin the train data
allows); passes repeat until one changes nothing. A constant no train case depends on (the objective is flat
over its whole grid) keeps its previous value; one whose best values reach an end of the grid is
listed as open-ended. Both are recorded in the file. Signals come from `signals.collect_signals`: one
retrieval per question, so the search itself needs no model.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.calibration import (
    Calibration,
    DataFile,
    DrafterWeights,
    Fit,
    FusionWeights,
    Provenance,
    QuoteSelection,
    ScopeModel,
)
from assistant.config import PACKAGE_ROOT
from assistant.errors import InputError
from assistant.evals.datasets import DescriptionCase, QuestionCase, load_cases
from assistant.evals.examples import ExampleSet, area_examples, fitted_area_model, with_votes
from assistant.evals.figures import drafter_figures, fusion_figures, quote_figures
from assistant.evals.scope_fit import fit_scope
from assistant.evals.search import HELDOUT_SHARE, SPLIT_SALT, coordinate_search, stratified_split
from assistant.evals.signals import CachingEmbedder, SignalSet, collect_signals
from assistant.evals.writing import write_calibration
from assistant.retrieve import Weights

__all__ = [
    "STORY_SETS",
    "GRIDS",
    "FIXED",
    "calibrate",
    "write_calibration",
    "format_report",
]


STORY_SETS = frozenset(
    {
        "questions_blind7",
        "questions_blind8",
        "questions_blind9",
        "questions_blind10",
        "questions_blind11",
        "questions_blind12",
    }
)
"""Spent blind question sets written as stories about a project (from the ninth round on), passed as
`story_questions` by `assistant eval calibrate` (with every `questions_dev*` set, of the same kind)."""


def _grid(lo: float, hi: float, step: float) -> list[float]:
    return [round(lo + i * step, 4) for i in range(round((hi - lo) / step) + 1)]


# The search space. Cosine similarities of multilingual-e5 sit between about 0.7 and 0.95; BM25 top
# scores of the corpus between 0 and about 15; concept-routing scores between 0 and about 6.
GRIDS: dict[str, dict[str, list[float]]] = {
    "fusion": {
        "lexical": _grid(0.0, 1.5, 0.05),
        "concept": _grid(0.0, 4.0, 0.1),
        "vote": _grid(0.0, 3.0, 0.1),
    },
    "drafter": {
        "embed_weight": _grid(0.0, 0.6, 0.05),
        "same_group": _grid(0.3, 0.9, 0.05),
        "cross_group": _grid(0.5, 1.0, 0.05),
        "base": _grid(0.0, 1.0, 0.05),
        "partial": _grid(0.0, 1.0, 0.1),
        "term_weight": _grid(0.0, 1.0, 0.05),
        "purpose_weight": _grid(0.0, 2.0, 0.25),
        "vote_weight": _grid(0.0, 1.5, 0.1),
        "vote_k": [5.0, 7.0, 9.0, 11.0],
        "model_weight": _grid(0.0, 3.0, 0.25),
    },
    "extractive": {
        "overlap_weight": _grid(0.0, 0.5, 0.05),
        "sentence_margin": _grid(0.0, 0.1, 0.005),
        "min_relative": _grid(0.3, 1.0, 0.05),
        "answer_margin": _grid(0.0, 0.2, 0.01) + [1.0],
        "first_passage_sentences": [1.0, 2.0, 3.0, 4.0],
        "max_passages": [1.0, 2.0, 3.0, 4.0, 5.0],
        "vote_weight": _grid(0.0, 1.0, 0.05),
        "rescue_margin": [-math.inf] + _grid(-0.2, 0.2, 0.02),
    },
}
# Constants the data cannot identify, kept at their design value.
FIXED: dict[str, dict[str, tuple[float, str]]] = {
    "fusion": {
        "dense": (1.0, "the scale: ranking is unchanged when every weight is multiplied alike"),
        "official_bonus": (
            0.02,
            "a tie-breaker for official over supplementary passages; the eval sets retrieve from the "
            "official policy only, so no case measures it",
        ),
    },
}


# --------------------------------------------------------------------------- split and search


# --------------------------------------------------------------------------- figures


# --------------------------------------------------------------------------- the program


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _revision(root: Path) -> str:
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=root, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else "unknown"


def _rel(path: Path, root: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _weights(fusion: FusionWeights | dict[str, float]) -> Weights:
    values = fusion.model_dump() if isinstance(fusion, FusionWeights) else fusion
    return Weights(**values)


def _apart(paths: list[Path] | None, kind: type, stratum: Callable) -> dict[str, tuple[Path, list, dict]]:
    """Case files fitted on with the main set and reported apart (the spent blind sets): per file stem,
    (path, cases of `kind`, their train / held-out split by `stratum`)."""
    out = {}
    for path in paths or []:
        cases = load_cases(path, kind)
        out[Path(path).stem] = (Path(path), cases, stratified_split(cases, stratum))
    return out


def _figures(
    constants: Calibration | dict[str, Any],
    parts: dict[str, dict[str, Any]],
    embedder: Any,
    scope: ExampleSet | None = None,
) -> dict[str, dict[str, dict[str, float]]]:
    """Figures of one set of constants on every part: {group: {part: figures}} (no scope figures for
    constants without a scope model)."""
    c = constants if isinstance(constants, dict) else constants.model_dump()
    weights = _weights(c["fusion"])
    model = ScopeModel(**c["scope"]) if c.get("scope") else None
    scope = scope or ExampleSet(parts, weights, embedder)
    drafter = DrafterWeights(**c["drafter"])
    areas = parts["train"].get("area_examples")
    area_model = parts["train"].get("area_model")
    quotes = QuoteSelection(**c["extractive"])
    out: dict[str, dict[str, dict[str, float]]] = {"scope": {}, "fusion": {}, "drafter": {}, "extractive": {}}
    for part, data in parts.items():
        if "questions" in data:
            answered = scope.answered(part, model) if model else None
            if model:
                out["scope"][part] = scope.figures(part, model)
            out["fusion"][part] = fusion_figures(data["questions"], weights)
            out["extractive"][part] = quote_figures(data["questions"], weights, quotes, answered)
        if "descriptions" in data:
            out["drafter"][part] = drafter_figures(data["descriptions"], embedder, drafter, areas, area_model)
    return out


_OBJECTIVES = {
    "scope": "logistic model of p(answerable) over (best sentence cosine, log1p concept strength, example "
    "vote); cut-offs: direct_from maximises the balanced accuracy of 'direct' (ties: fewer answerable "
    "refused), none_below the largest with at most 1 in 40 answerable train questions refused; below "
    "none_below a second logistic model (the vote between examples the policy touches and examples "
    "labelled none) must agree before a refusal: domain_from maximises the balanced accuracy of partial "
    "versus none on the labelled train questions below none_below",
    "fusion": "MRR of the first passage holding an expected phrase among the k the pipeline retrieves "
    "(Assistant.k; answerable questions), ties: hit@1, hit@3, hit@5; the passage vote of every question "
    "comes from the train questions with its own line left out, as the product computes it from the "
    "shipped examples",
    "drafter": "mean over train descriptions of (first area within the labels + Jaccard of the chosen "
    "areas) / 2 for rank_areas with the embedder, ties: first-area accuracy",
    "extractive": "mean over answered answerable questions of (quote hit + quote precision) / 2: a quoted "
    "sentence holds an expected phrase, and the share of quoted sentences that do, for the sentences "
    "choose_sentences quotes (list items left out); ties: quote hit. Both are issue 15's figures, weighted "
    "alike (2026-12-01, against the quote-hit-first objective before it: held-out quote precision "
    "0.40-0.46 -> 0.50-0.72, held-out quote hit 0.75-1.0 -> 0.69-0.94); a passage of a user's document in "
    "the top passages is quoted whatever its relative score (choose_sentences), so the relative cut this "
    "objective raises only keeps policy passages out",
}


def _search_text(group: str) -> str:
    if group == "scope":
        return "scikit-learn LogisticRegressionCV, then the cut-offs (assistant/evals/scope_fit.py)"

    def _range(values: list[float]) -> str:
        finite = [v for v in values if math.isfinite(v)]
        off = "".join(f" or {v}" for v in values if not math.isfinite(v))
        return f"{finite[0]}..{finite[-1]} step {round(finite[1] - finite[0], 4)}{off}"

    grid = "; ".join(f"{name} {_range(values)}" for name, values in GRIDS[group].items())
    return (
        "coordinate ascent over a grid from the previous constants; per constant the middle of the longest "
        "run of equally best values, unless the previous value is within one standard error of the best "
        f"(then it is kept); passes until none changes. Grid: {grid}"
    )


def _fit(
    parts: dict[str, dict[str, Any]], embedder: Any, previous: Calibration | None
) -> tuple[dict[str, dict[str, float]], dict[str, Fit], ExampleSet]:
    """Fit the four groups on `parts["train"]`, then score every part: (constants, fit reports, the
    scope model's inputs, whose train rows are its example questions)."""
    train = parts["train"]
    fixed = {name: value for name, (value, _) in FIXED["fusion"].items()}
    scope: ExampleSet | None = None
    objectives: dict[str, Callable[[dict[str, float]], tuple]] = {
        "fusion": lambda p: tuple(
            fusion_figures(train["questions"], Weights(**fixed, **p))[m]
            for m in ("mrr", "hit_at_1", "hit_at_3", "hit_at_5")
        ),
        "drafter": lambda p: (lambda f: (f["score"], f["first_right"]))(_drafted(p)),
        "extractive": lambda p: (lambda f: (f["quote_score"], f["quote_hit"]))(_quotes(p)),
    }
    stderrs: dict[str, Callable[[dict[str, float]], float]] = {
        "fusion": lambda p: fusion_figures(train["questions"], Weights(**fixed, **p))["mrr_se"],
        "drafter": lambda p: _drafted(p)["score_se"],
        "extractive": lambda p: _quotes(p)["quote_score_se"],
    }
    answered: set[str] = set()

    def _drafted(p: dict[str, float]) -> dict[str, float]:
        areas, model = train.get("area_examples"), train.get("area_model")
        return drafter_figures(train["descriptions"], embedder, DrafterWeights(**p), areas, model)

    def _quotes(p: dict[str, float]) -> dict[str, float]:
        weights = Weights(**constants["fusion"])
        return quote_figures(train["questions"], weights, QuoteSelection(**p), answered)

    constants: dict[str, dict[str, float]] = {}
    reasons: dict[str, dict[str, str]] = {}
    open_ended: dict[str, list[str]] = {}
    # scope is fitted on hits ranked with the fitted weights; quotes on what it lets through
    for group in ("fusion", "scope", "drafter", "extractive"):
        if group == "scope":
            scope = ExampleSet(parts, Weights(**constants["fusion"]), embedder)
            model, reasons["scope"] = fit_scope(
                scope.fit_rows,
                scope.examples,
                scope.vectors,
                incumbent=previous.scope.direct_from if previous and previous.scope else None,
            )
            constants["scope"] = model.model_dump()
            open_ended["scope"] = []
            answered = scope.answered("train", model)
            continue
        start = getattr(previous, group).model_dump() if previous else None
        found = coordinate_search(GRIDS[group], objectives[group], start=start, stderr=stderrs[group])
        point = dict(found.point)
        reasons[group] = {name: reason for name, (_, reason) in FIXED.get(group, {}).items()}
        for name in found.flat:  # the train data do not bear on it: keep what the product had
            kept = getattr(getattr(previous, group), name) if previous else point[name]
            point[name] = kept
            reasons[group][name] = (
                "no train case's decision depends on it (the objective is flat over its whole grid); "
                + ("kept at the previous value" if previous else "set to the grid's middle")
            )
        constants[group] = point
        open_ended[group] = found.open_ended
        if group == "fusion":
            constants["fusion"] = {**constants["fusion"], **fixed}
    figures = _figures(constants, parts, embedder, scope)
    fits = {
        group: Fit(
            objective=_OBJECTIVES[group],
            search=_search_text(group),
            fixed=reasons[group],
            open_ended=open_ended[group],
            train=figures[group]["train"],
            heldout={part: f for part, f in figures[group].items() if part != "train"},
        )
        for group in ("scope", "fusion", "drafter", "extractive")
    }
    return constants, fits, scope


def calibrate(
    assistant: Any,
    *,
    questions: Path,
    descriptions: Path,
    holdout: Path | None = None,
    real_descriptions: Path | None = None,
    real_questions: Path | None = None,
    dev_questions: list[Path] | None = None,
    story_questions: list[Path] | None = None,
    dev_descriptions: list[Path] | None = None,
    root: Path = PACKAGE_ROOT,
    cache_dir: Path | None = None,
    previous: Calibration | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    command: str = "assistant eval calibrate",
) -> tuple[Calibration, dict | None]:
    """Fit every tuned constant on the train split; returns the calibration to write and, when
    `previous` constants are given, their figures on the same parts (for the report).

    `assistant` is an `Assistant` on the index to calibrate against (its embedder is also the
    drafter's); `questions` and `descriptions` are split into train and held-out, `holdout` (optional)
    is held out whole; `real_questions` (optional: real-style questions, `evals/questions_real.jsonl`)
    are split like `questions`, fitted on with them and reported apart; `dev_questions` (optional: spent
    blind question sets, `evals/questions_blind*.jsonl`) likewise, each reported apart under its file's
    stem; `dev_descriptions` (spent blind project sets) likewise, split like `descriptions`; `real_descriptions` (optional: published projects, `evals/descriptions_real.jsonl`)
    are split like `descriptions`, their train part fitted on with it and their held-out part reported
    apart. Raises InputError for an unreadable or off-format eval file.
    """
    from assistant.language import detect_language

    root = root.resolve()
    q_cases = load_cases(questions, QuestionCase)
    if not q_cases:
        raise InputError(f"{questions}: no question to calibrate on")
    h_cases = load_cases(holdout, QuestionCase) if holdout else []
    rq_cases = load_cases(real_questions, QuestionCase) if real_questions else []
    rq_split = stratified_split(rq_cases, lambda c: (c.answerable, c.lang))
    dev = _apart(
        [*(dev_questions or []), *(story_questions or [])], QuestionCase, lambda c: (c.answerable, c.lang)
    )
    stories = {Path(p).stem for p in story_questions or []}
    d_cases = [
        c if c.language else c.model_copy(update={"language": detect_language(c.description)})
        for c in load_cases(descriptions, DescriptionCase)
    ]
    if not d_cases:
        raise InputError(f"{descriptions}: no description to calibrate on")
    r_cases = load_cases(real_descriptions, DescriptionCase) if real_descriptions else []
    q_split = stratified_split(q_cases, lambda c: (c.answerable, c.lang))
    d_split = stratified_split(d_cases, lambda c: c.areas[0])
    r_split = stratified_split(r_cases, lambda c: c.areas[0])
    dev_d = _apart(dev_descriptions, DescriptionCase, lambda c: c.areas[0])
    files = {"questions": Path(questions), "descriptions": Path(descriptions)}
    if holdout:
        files["holdout"] = Path(holdout)
    if rq_cases:
        files["questions_real"] = Path(real_questions)
    if r_cases:
        files["descriptions_real"] = Path(real_descriptions)
    for name, (path, _, _) in [*dev.items(), *dev_d.items()]:
        files[name] = path
    digests = {name: _sha256(path) for name, path in files.items()}
    sets = {"questions": (q_cases, digests["questions"])}
    if h_cases:
        sets["holdout"] = (h_cases, digests["holdout"])
    if rq_cases:
        sets["questions_real"] = (rq_cases, digests["questions_real"])
    for name, (_, cases, _) in dev.items():
        sets[name] = (cases, digests[name])
    signals = collect_signals(assistant, sets, cache_dir=cache_dir, progress=progress)

    qs = signals["questions"]
    rq = signals["questions_real"].questions if rq_cases else []

    def questions_in(part: str, real: bool = False) -> SignalSet:
        chosen = [q for q in qs.questions if q_split[q.id] == part] if not real else []
        if real or part == "train":
            chosen += [q for q in rq if rq_split[q.id] == part]
        if part == "train" and not real:
            chosen += [
                q
                for name, (*_, split) in dev.items()
                for q in signals[name].questions
                if split[q.id] == "train"
            ]
        return SignalSet(qs.passages, qs.official, chosen, qs.k, qs.sentences)

    # the train split, then every held-out part named by its file's key
    parts: dict[str, dict[str, Any]] = {
        "train": {
            "questions": questions_in("train"),
            "descriptions": [c for c in d_cases if d_split[c.id] == "train"]
            + [c for c in r_cases if r_split[c.id] == "train"]
            + [c for _, cases, split in dev_d.values() for c in cases if split[c.id] == "train"],
        },
        "questions": {"questions": questions_in("heldout")},
        "descriptions": {"descriptions": [c for c in d_cases if d_split[c.id] == "heldout"]},
    }
    if r_cases:
        parts["descriptions_real"] = {"descriptions": [c for c in r_cases if r_split[c.id] == "heldout"]}
    for name, (_, cases, split) in dev_d.items():
        parts[name] = {"descriptions": [c for c in cases if split[c.id] == "heldout"]}
    if rq_cases:
        parts["questions_real"] = {"questions": questions_in("heldout", real=True)}
    for name, (*_, split) in dev.items():
        held = [q for q in signals[name].questions if split[q.id] == "heldout"]
        parts[name] = {"questions": SignalSet(qs.passages, qs.official, held, qs.k, qs.sentences)}
    if "holdout" in signals:
        parts["holdout"] = {"questions": signals["holdout"]}
    dev_cases = [c for _, cases, _ in dev.values() for c in cases]
    labels = {c.id: c.coverage for c in [*q_cases, *h_cases, *rq_cases, *dev_cases]}  # partial / none labels
    for data in parts.values():
        if "questions" in data:
            data["labels"] = labels
    embedder = CachingEmbedder(assistant.index.embedder)
    with_votes(parts, embedder, {c.id: list(c.expected) for c in [*q_cases, *rq_cases, *dev_cases]})
    areas, area_vectors, area_rows = area_examples(parts["train"]["descriptions"], embedder)
    parts["train"]["area_examples"] = areas
    area_model = fitted_area_model(parts["train"]["descriptions"], area_vectors, assistant.index.embedder)
    parts["train"]["area_model"] = area_model
    parts["train"]["passage_only"] = {
        q.id for name in stories for q in signals[name].questions if dev[name][2][q.id] == "train"
    }

    constants, fits, scope = _fit(parts, embedder, previous)
    split_counts = {
        "questions": (len(q_cases), sum(v == "train" for v in q_split.values())),
        "descriptions": (len(d_cases), sum(v == "train" for v in d_split.values())),
        "holdout": (len(h_cases), 0),
        "questions_real": (len(rq_cases), sum(v == "train" for v in rq_split.values())),
        "descriptions_real": (len(r_cases), sum(v == "train" for v in r_split.values())),
        **{
            name: (len(cases), sum(v == "train" for v in split.values()))
            for name, (_, cases, split) in [*dev.items(), *dev_d.items()]
        },
    }
    provenance = Provenance(
        date=dt.date.today().isoformat(),
        revision=_revision(root),
        command=command,
        split=(
            f"stratified: questions (and real questions and each spent blind question set, apart) by (answerable, lang), descriptions (and real descriptions and each spent blind project set, apart) by "
            f"first area; per stratum the "
            f"first {HELDOUT_SHARE:.0%} of cases ordered by sha256('{SPLIT_SALT}:' + id) held out; "
            "the holdout question file held out whole"
        ),
        data=[
            DataFile(
                path=_rel(path, root),
                sha256=digests[name],
                rows=split_counts[name][0],
                train=split_counts[name][1],
                heldout=split_counts[name][0] - split_counts[name][1],
            )
            for name, path in files.items()
        ],
    )
    calibration = Calibration(
        provenance=provenance,
        scope=ScopeModel(**constants["scope"]),
        fusion=FusionWeights(**constants["fusion"]),
        drafter=DrafterWeights(**constants["drafter"]),
        extractive=QuoteSelection(**constants["extractive"]),
        fit=fits,
        scope_examples=scope.example_rows(),
        scope_vectors=(scope.examples.key(assistant.index.embedder), scope.vectors),
        area_examples=area_rows,
        area_vectors=(areas.key(assistant.index.embedder), area_vectors),
        area_model=area_model,  # `save` writes the coefficients, not the train texts' out-of-fold values
    )
    before = _figures(previous, parts, embedder) if previous is not None else None
    return calibration, before


def format_report(
    calibration: Calibration, before: dict | None = None, previous: Calibration | None = None
) -> str:
    """Plain-text report: each constant (previous -> fitted; `*` = not fitted, `~` = open-ended) and
    each group's figures (previous -> fitted) on the train split and on each held-out part."""
    lines = [f"Calibration {calibration.provenance.date} at {calibration.provenance.revision}"]
    for data in calibration.provenance.data:
        lines.append(f"  {data.path}: {data.rows} cases, {data.train} train, {data.heldout} held out")
    for group in ("scope", "fusion", "drafter", "extractive"):
        fitted = getattr(calibration, group).model_dump()
        old = (getattr(previous, group) or {}) and getattr(previous, group).model_dump() if previous else {}
        lines += ["", f"[{group}]"]
        fit = calibration.fit[group]
        for name, value in fitted.items():
            was = f"{old[name]} -> " if name in old and old[name] != value else ""
            mark = " *" if name in fit.fixed else " ~" if name in fit.open_ended else ""
            lines.append(f"  {name} = {was}{value}{mark}")
        parts = {"train": fit.train, **fit.heldout}
        for part, figures in parts.items():
            prev = (before or {}).get(group, {}).get(part, {})
            shown = ", ".join(
                f"{k} {prev[k]} -> {v}" if k in prev and prev[k] != v and k != "n" else f"{k} {v}"
                for k, v in figures.items()
            )
            lines.append(f"  {'train' if part == 'train' else 'held-out ' + part}: {shown}")
    return "\n".join(lines)

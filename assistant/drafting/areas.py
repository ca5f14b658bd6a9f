"""The application areas of a project idea, read from the grid of the policy's section 2.

Section 2 names nine areas as the cells of a grid: a row says when and at what level the insight is
used (group 1: during a course; 2: after it, for course and curriculum development; 3: competences
within and across courses; 4: predicting study success, delay and drop-out) and a column who gets the
insight (students; teachers; tutors and study advisors; programme directors; a predictive model that
finds factors or identifies students). `map_areas` reads both from a description, per sentence:

- the row: the group cues of `assistant/data/lexicons/drafting.yaml` (strong cues count double, a
  negated prediction not at all: 'er is geen voorspellend model'); cues in a purpose clause ('so that
  they can rethink the course design') count again, weighted by `purpose_weight`: what the insight is
  for says more than when its data are collected;
- the column: who is the subject of a seeing / getting / knowing word in a clause
  (`cues.receivers`), receiver phrasing and plain mentions of each role, and for group 4 the words
  for factors (4a) and for identifying and approaching students (4b);
- the policy's own words for each area (`assistant/data/policy.yaml`) as a smaller signal.

An area scores its row's strength x (`base` + the fit of its column), over the whole text; the
sentence where that product is highest is the area's evidence. An embedder's similarity of the text
to each area's policy passage can be mixed in. Every weight is a `[drafter]` constant of
`assistant/data/calibration.toml`, fitted by `assistant eval calibrate`.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from assistant.ask.scope import ExampleVote
from assistant.calibration import DrafterWeights, load_calibration
from assistant.drafting.area_model import AreaModel, relative_to_best
from assistant.drafting.cues import (
    AUDIENCE_CUES,
    FACTORS,
    GROUP_CUES,
    INDIVIDUALS,
    Tiers,
    count_distinct,
    purpose_clauses,
    receivers,
)
from assistant.lexicon import compile_terms
from assistant.policy import AREA_IDS, AREAS, passage_for
from assistant.terms import is_negated
from assistant.text import fold, split_sentences

__all__ = [
    "GRID",
    "AreaMapping",
    "Sentence",
    "sentence_spans",
    "map_areas",
    "rank_areas",
    "area_vote",
    "shipped_area_examples",
    "AREA_EXAMPLES",
]

GRID: dict[str, tuple[int, dict[str, str]]] = {
    "1a": (1, {"students": "main"}),
    "1b": (1, {"teachers": "main", "advisors": "partial"}),
    "2a": (2, {"teachers": "main"}),
    "2b": (2, {"directors": "main"}),
    "3a": (3, {"students": "main"}),
    "3b": (3, {"teachers": "main", "advisors": "main"}),
    "3c": (3, {"directors": "main"}),
    "4a": (4, {"factors": "main", "directors": "partial"}),
    "4b": (4, {"individuals": "main", "advisors": "partial"}),
}
"""Per area (section 2): its group (the row) and who gets the insight (the column). `main` is the
audience the policy names for the area; `partial` one that often acts in it without being named (a
tutor in a course, 1b; a study advisor who approaches the students a model identifies, 4b; the
programme management that receives the factors of drop-out, 4a), weighted by the calibrated
`partial`."""

_CAP_GROUP = 6.0  # strong cues count 2, weak 1; more than three strong cues add nothing
_CAP_AUDIENCE = 1.5  # a role named in several ways is still one audience


@dataclass(frozen=True)
class Sentence:
    """A sentence of the description: its span (character offsets, end exclusive) and folded text."""

    start: int
    end: int
    folded: str


def sentence_spans(text: str) -> list[Sentence]:
    """The sentences of `text` (`assistant.text.split_sentences` within each line), as offsets into
    `text` and folded for matching; a semicolon also ends one ('...; tutors see ...')."""
    out: list[Sentence] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        for a, b in split_sentences(line):
            for part in re.finditer(r"[^;]+", line[a:b]):
                raw = part.group(0)
                lead = len(raw) - len(raw.lstrip())
                stripped = raw.strip()
                if stripped:
                    start = offset + a + part.start() + lead
                    out.append(Sentence(start, start + len(stripped), fold(stripped)))
        offset += len(line)
    return out


# --------------------------------------------------------------------------- the two facets


def _tiered(cues: Tiers, folded: str, negation: bool) -> float:
    strong = count_distinct(cues.strong, folded, negation=negation)
    return min(_CAP_GROUP, 2.0 * strong + count_distinct(cues.weak, folded, negation=negation))


def _audiences(folded: str) -> dict[str, float]:
    """Per column of the grid, how strongly `folded` text names it as the one who gets the insight."""
    links = receivers(folded)
    out = {
        role: min(
            _CAP_AUDIENCE,
            count_distinct(p.strong, folded) + links[role] + 0.5 * count_distinct(p.weak, folded),
        )
        for role, p in AUDIENCE_CUES.items()
    }
    # a model's insight: which factors (4a), which students to approach (4b); each word counts half
    out["factors"] = min(_CAP_AUDIENCE, 0.5 * count_distinct(FACTORS, folded, cap=3))
    out["individuals"] = min(_CAP_AUDIENCE, 0.5 * count_distinct(INDIVIDUALS, folded, cap=3))
    return out


@cache
def _area_terms() -> dict[str, re.Pattern]:
    return {a: compile_terms(area.all_terms) for a, area in AREAS.items()}


def _policy_words(folded: str) -> dict[str, int]:
    """Per area, how many of its own policy words (`policy.yaml` terms) `folded` holds, not negated."""
    return {
        a: len({m.group(0) for m in p.finditer(folded) if not is_negated(folded, m.start())})
        for a, p in _area_terms().items()
    }


def _scores(folded: str, w: DrafterWeights) -> dict[str, float]:
    """The grid score of each area for one piece of `folded` text."""
    # only a prediction is commonly denied ('no predictive model is involved'); 'not submitted' is
    # still about the course's activities
    groups = {g: _tiered(p, folded, negation=g == 4) for g, p in GROUP_CUES.items()}
    # what the insight is for weighs more than when the data happen to be collected ('weekly page
    # views ..., so that they can rethink the course design'): cues in a purpose clause count again
    aims = " ; ".join(folded[a:b] for a, b in purpose_clauses(folded))
    if aims:
        groups = {
            g: v + w.purpose_weight * _tiered(GROUP_CUES[g], aims, negation=g == 4) for g, v in groups.items()
        }
    audience = _audiences(folded)
    words = _policy_words(folded)
    out = {}
    for area_id, (group, column) in GRID.items():
        fit = sum((1.0 if share == "main" else w.partial) * audience[who] for who, share in column.items())
        out[area_id] = groups[group] * (w.base + fit) + w.term_weight * words[area_id]
    return out


# --------------------------------------------------------------------------- embedder fusion

_AREA_VECTORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _area_texts() -> list[str]:
    return [f"{a.label_nl}. {passage_for(a.ref).text} {a.label_en}. {a.summary_en}" for a in AREAS.values()]


def _area_matrix(embedder: Any):
    try:
        return _AREA_VECTORS[embedder]
    except (KeyError, TypeError):
        matrix = embedder.encode_passages(_area_texts())
        try:
            _AREA_VECTORS[embedder] = matrix
        except TypeError:
            pass
        return matrix


def _similarities(texts: list[str], embedder: Any) -> list[dict[str, float]]:
    """Per text, the cosine similarity of its query vector to each area's policy text."""
    return [sims for sims, _ in _similarities_and_vectors(texts, embedder)]


def _similarities_and_vectors(texts: list[str], embedder: Any) -> list[tuple[dict[str, float], Any]]:
    matrix = _area_matrix(embedder)
    return [
        (dict(zip(AREA_IDS, (float(x) for x in matrix @ q), strict=True)), q)
        for q in embedder.encode_queries(texts)
    ]


AREA_EXAMPLES = "area_examples.jsonl"
"""The labelled project descriptions of the area vote, written by `assistant eval calibrate`."""


@cache
def shipped_area_examples() -> ExampleVote:
    """The area vote's examples (`AREA_EXAMPLES`; each 'cites' its labelled areas), vectors in
    `areas-<key>.npy` beside them."""
    return ExampleVote.shipped(name=AREA_EXAMPLES, prefix="areas")


def area_vote(
    query_vec,
    embedder: Any,
    w: DrafterWeights,
    examples: ExampleVote | None = None,
    cache_dir: Path | None = None,
) -> dict[str, float]:
    """Per area, the share of the `w.vote_k` nearest labelled descriptions that carry it (a description
    identical to the text left out), scaled so the best area has 1.0; empty without examples. The
    examples' vectors come from the package (the default model) or `cache_dir` (another model: encoded
    once per home, not once per process)."""
    examples = examples if examples is not None else shipped_area_examples()
    if not examples.questions:
        return {}
    votes = examples.passage_votes(query_vec, examples.vectors(embedder, cache_dir), k=w.vote_k)
    top = max(votes.values(), default=0.0)
    return {a: v / top for a, v in votes.items()} if top > 0 else {}


# --------------------------------------------------------------------------- the mapping


@dataclass
class AreaMapping:
    """Where a description falls in the grid of section 2."""

    ranked: list[tuple[str, float]]
    """All nine areas, best first, with a confidence (the shares sum to 1)."""
    chosen: list[str]
    """The areas the draft gets (at most three), best first."""
    evidence: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Per chosen area, the span (start, end offsets into the text) of the sentence that supports it."""


def map_areas(
    text: str,
    *,
    embedder: Any = None,
    weights: DrafterWeights | None = None,
    evidence: bool = True,
    examples: ExampleVote | None = None,
    cache_dir: Path | None = None,
    model: AreaModel | None = None,
) -> AreaMapping:
    """The areas of `text`, ranked, the chosen set and the evidence of each chosen area.

    Lexical scores (the grid, above) over the whole text are scaled by the best one; with an embedder
    the min-max scaled similarity of the text to each area's policy passage is mixed in (weight
    `embed_weight`; alone when no cue matches). The chosen set holds every area of the best area's
    group scoring at least `same_group` x the best score and of another group at least `cross_group` x
    the best; a text of fewer than `_MIN_WORDS` words chooses none. The evidence of a chosen area is the
    sentence with its highest grid score, or (no cue in
    any sentence) the sentence most similar to the area's passage. With an embedder, each area's score is
    multiplied by (1 + `vote_weight` x its area vote: `area_vote` of the nearest labelled project
    descriptions, `examples`, default the shipped ones): projects described like this one were labelled
    with these areas, which sharpens the evidence the cues and the policy text give for wordings the
    cues do not know, without raising an area nothing in the text supports (issue 16 point 1). Likewise
    (1 + `model_weight` x the area model's probability scaled by the best one: `area_model.AreaModel`,
    `model`, default the shipped one when it was fitted on this embedder's vectors). `weights` default to
    `[drafter]` of `assistant/data/calibration.toml`; `evidence=False` skips the evidence (the
    calibration's search); `cache_dir` keeps the examples' vectors of a non-default model.
    """
    w = weights or load_calibration().drafter
    lexical = _scores(fold(text), w)
    top = max(lexical.values())
    fused = {a: (s / top if top > 0 else 0.0) for a, s in lexical.items()}
    if embedder is not None:
        sims, query_vec = _similarities_and_vectors([text], embedder)[0]
        lo, hi = min(sims.values()), max(sims.values())
        scaled = {a: (s - lo) / (hi - lo) if hi > lo else 0.0 for a, s in sims.items()}
        weight = w.embed_weight if top > 0 else 1.0
        fused = {a: (1 - weight) * fused[a] + weight * scaled[a] for a in AREA_IDS}
        if w.vote_weight:
            vote = area_vote(query_vec, embedder, w, examples, cache_dir)
            fused = {a: fused[a] * (1.0 + w.vote_weight * vote.get(a, 0.0)) for a in AREA_IDS}
        if w.model_weight and model is None:
            model = AreaModel.shipped(embedder)
        if w.model_weight and model is not None:
            p = relative_to_best(model.probabilities(query_vec, text))
            fused = {a: fused[a] * (1.0 + w.model_weight * p[a]) for a in AREA_IDS}
    order = sorted(AREA_IDS, key=lambda a: (-fused[a], AREA_IDS.index(a)))
    total = sum(fused.values())
    ranked = [(a, fused[a] / total if total > 0 else 0.0) for a in order]
    best = fused[order[0]]
    group = GRID[order[0]][0]
    chosen = [
        a
        for a in order
        if best > 0
        and len(_WORD.findall(text)) >= _MIN_WORDS
        and fused[a] >= (w.same_group if GRID[a][0] == group else w.cross_group) * best
    ][:3]
    found = _evidence(text, chosen, w, embedder) if evidence else {}
    return AreaMapping(ranked, chosen, found)


_WORD = re.compile(r"\w+")
# Fewer words than this choose no area (they are ranked all the same): 'dashboard' says nothing of who sees
# what and when, the grid's two axes, and matched area 3a's own words at 0.75 (found by a new user).
_MIN_WORDS = 3


def _evidence(text: str, chosen: list[str], w: DrafterWeights, embedder: Any) -> dict[str, tuple[int, int]]:
    spans = sentence_spans(text)
    if not spans or not chosen:
        return {}
    per_sentence = [_scores(s.folded, w) for s in spans]
    out: dict[str, tuple[int, int]] = {}
    missing = []
    for a in chosen:
        n = max(range(len(spans)), key=lambda i: (per_sentence[i][a], -i))
        if per_sentence[n][a] > 0:
            out[a] = (spans[n].start, spans[n].end)
        else:
            missing.append(a)
    if missing and embedder is not None:
        sims = _similarities([text[s.start : s.end] for s in spans], embedder)
        for a in missing:
            n = max(range(len(spans)), key=lambda i: (sims[i][a], -i))
            out[a] = (spans[n].start, spans[n].end)
    return {a: out[a] for a in chosen if a in out}


def rank_areas(
    text: str,
    *,
    embedder: Any = None,
    weights: DrafterWeights | None = None,
    examples: ExampleVote | None = None,
    model: AreaModel | None = None,
) -> tuple[list[tuple[str, float]], list[str]]:
    """`map_areas` without the evidence: (all areas ranked best first with a confidence, the chosen set)."""
    mapping = map_areas(
        text, embedder=embedder, weights=weights, evidence=False, examples=examples, model=model
    )
    return mapping.ranked, mapping.chosen

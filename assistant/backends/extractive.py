"""The default backend: quotes the sentences of the retrieved passages that best answer the question.

No network, no LLM, deterministic. Sentences are scored with their pre-computed vectors (ingest),
lexical overlap and the sentence vote of the labelled example questions, kept verbatim, ordered by
passage rank and position, and each carries its marker.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from assistant.backends.base import AnswerRequest, Backend, BackendAnswer
from assistant.calibration import QuoteSelection, load_calibration
from assistant.corpus import Passage
from assistant.text import fold, split_sentences
from assistant.translation import translation_for

__all__ = [
    "ExtractiveBackend",
    "FRAMING",
    "ORIGINAL",
    "choose_sentences",
    "overlap_text",
    "sentence_score",
    "stems",
]

FRAMING = {
    "nl": "Dit zegt het learning-analyticsbeleid van de Universiteit Utrecht hierover:",
    "en": "The Utrecht University learning-analytics policy is written in Dutch. Each quote is given in an "
    "unofficial English translation first, with the official Dutch wording beside it:",
}
ORIGINAL = "(official Dutch: "
"""Opens the line under a translated quote that gives the quoted sentence in the policy's own words."""
_SUPPLEMENTARY = {
    "nl": "(aanvullend document {}, niet het beleid) ",
    "en": "(supplementary document {}, not the policy) ",
}
_MAX_SENTENCES = 4  # an answer is a few quoted sentences, not a page: a product decision, not fitted
_FOOTNOTE_REF = re.compile(r"\[\^\w+\]")
_WORD = re.compile(r"\w{3,}")


def stems(text: str) -> set[str]:
    """Six-letter stems of the words of three or more letters (a cheap, language-neutral overlap)."""
    return {w[:6] for w in _WORD.findall(text.lower())}


def overlap_text(passage: Passage, span: tuple[int, int], language: str) -> str:
    """The text a sentence's word overlap with the question is counted on: the sentence, and for a
    question not in Dutch also the sentence of the passage's unofficial English rendering that renders
    it (`assistant.translation`; issue 15 point 4), when the two align."""
    text = passage.text[span[0] : span[1]]
    if language == "nl":
        return text
    rendering = translation_for(passage, "en")
    en = rendering.span_for(span) if rendering is not None else None
    return f"{text} {rendering.sentence(en)}" if en is not None else text


def _rendered(passage: Passage, sentence: str, language: str) -> str | None:
    """The unofficial English rendering of one quoted sentence of an official passage, for a question
    not in Dutch; None when there is none or it does not align sentence by sentence."""
    if language == "nl":
        return None
    rendering = translation_for(passage, "en")
    if rendering is None:
        return None
    start = passage.text.find(sentence)
    en = rendering.span_for((start, start + len(sentence))) if start >= 0 else None
    return rendering.sentence(en).strip() if en is not None else None


def sentence_score(
    similarity: float,
    question_stems: set[str],
    sentence: str,
    overlap_weight: float,
    vote: float = 0.0,
    vote_weight: float = 0.0,
) -> float:
    """A sentence's score: its cosine similarity with the question plus `overlap_weight` times the share
    of the question's stems it contains plus `vote_weight` times its sentence vote (0..1, the share of
    the nearest answered example questions it answered; `ExampleVote.sentence_voter`)."""
    overlap = len(question_stems & stems(sentence)) / max(len(question_stems), 1)
    return similarity + overlap_weight * overlap + vote_weight * vote


_HEADING_NUMBER = re.compile(r"^[\d.]+\s+")
_NAME_NOISE = re.compile(r"[\W_]+")
_MIN_NAMED = 6  # letters: a shorter heading ('4a', 'Gebied') is not a name a question uses for one passage


def named_passages(question: str, sections: Sequence[str]) -> frozenset[int]:
    """Indices of the passages whose own heading (the last part of `sections[i]`, its numbering left out)
    the question names ('Welke privacy-principes gelden ...' names '3.2 Privacy-principes'), compared
    folded with spaces, hyphens and punctuation left out; headings of fewer than 6 letters never count.
    A passage the question names is what it asks about: quoted whatever its relative score."""
    asked = _NAME_NOISE.sub("", fold(question))
    found = set()
    for i, section in enumerate(sections):
        heading = _NAME_NOISE.sub("", fold(_HEADING_NUMBER.sub("", section.rsplit(" > ", 1)[-1])))
        if len(heading) >= _MIN_NAMED and heading in asked:
            found.add(i)
    return frozenset(found)


def choose_sentences(
    scored: list[list[tuple[float, int]]],
    passage_scores: list[float],
    params: QuoteSelection,
    documents: frozenset[int] = frozenset(),
) -> list[tuple[int, int]]:
    """Which sentences to quote: `(passage index, sentence index)` pairs, best passage first.

    `scored[i]` holds `(score, sentence index)` per sentence of passage i (passages in rank order);
    `passage_scores` their fused retrieval scores. A passage after the first is quoted when its fused
    score is at least `min_relative` of the best; from each passage its best sentence, and from the first
    up to `first_passage_sentences` whose score is within `sentence_margin` of its best. A passage of a
    user's document (indices in `documents`) among the first `max_passages` is quoted whatever its
    relative score: the relative cut keeps weakly related policy passages out of an answer, and a document
    the user added and retrieval ranks this high is what they asked to be considered; so is a passage the
    question names by its heading (`named_passages`, passed in `documents` too). So is a passage whose
    best sentence scores at least the first passage's best minus `rescue_margin` (with the sentence vote in
    the score: questions like this one were answered there, though retrieval ranked it low). A sentence is
    quoted only when its score is within `answer_margin` of the best sentence of all the passages
    considered (so a passage's off-point sentence does not pad the answer); at most `_MAX_SENTENCES` in
    all. Pure: the calibration program replays it on the eval sets."""
    top = max(passage_scores[0] if passage_scores else 1.0, 1e-6)
    considered = [s for sentences in scored[: params.max_passages] for s in sentences]
    floor = max((score for score, _ in considered), default=0.0) - params.answer_margin
    first_best = max((score for score, _ in scored[0]), default=math.inf) if scored else math.inf
    chosen: list[tuple[int, int]] = []
    for i, sentences in enumerate(scored[: params.max_passages]):
        if not sentences:
            continue
        best = max(score for score, _ in sentences)
        if (
            i > 0
            and i not in documents
            and passage_scores
            and passage_scores[i] / top < params.min_relative
            and best < first_best - params.rescue_margin
        ):
            continue
        limit = params.first_passage_sentences if i == 0 else 1
        near = sorted(
            (s for s in sentences if s[0] >= max(best - params.sentence_margin, floor)), key=lambda s: -s[0]
        )
        chosen += [(i, n) for _, n in near[:limit]]
    return chosen[:_MAX_SENTENCES]


class ExtractiveBackend(Backend):
    """Select, never write: every sentence of the answer is a verbatim sentence of a cited passage.

    Which sentences: `choose_sentences` with `[extractive]` of `assistant/data/calibration.toml`."""

    name = "extractive"
    verbatim = True

    def __init__(self, params: QuoteSelection | None = None) -> None:
        self.params = params or load_calibration().extractive

    def generate(self, request: AnswerRequest) -> BackendAnswer:
        if not request.passages:
            return BackendAnswer(text="", refused=True)
        q = np.asarray(request.query_vec, np.float32) if request.query_vec is not None else None
        q_stems = stems(request.question)
        voter = request.sentence_vote if self.params.vote_weight else None
        spans_of: list[list[tuple[int, int]]] = []
        scored: list[list[tuple[float, int]]] = []
        for i, passage in enumerate(request.passages):
            infos = request.sentences.get(i) or []
            spans = [(s.start, s.end, s.vector) for s in infos] or [
                (a, b, None) for a, b in split_sentences(passage.text)
            ]
            spans_of.append([(a, b) for a, b, _ in spans])
            if i in request.unquotable:  # a document that addresses the assistant: data, never an answer
                scored.append([])
                continue
            scored.append(
                [
                    (
                        sentence_score(
                            float(np.dot(q, np.asarray(vec, np.float32)))
                            if q is not None and vec is not None
                            else 0.0,
                            q_stems,
                            overlap_text(passage, (a, b), request.language),
                            self.params.overlap_weight,
                            voter(passage.text[a:b]) if voter is not None else 0.0,
                            self.params.vote_weight,
                        ),
                        n,
                    )
                    for n, (a, b, vec) in enumerate(spans)
                ]
            )
        chosen: list[tuple[int, int, str]] = []  # (passage index, start, sentence)
        documents = frozenset(i for i, p in enumerate(request.passages) if p.authority != "official")
        documents |= named_passages(request.question, [p.section for p in request.passages])
        for i, n in choose_sentences(scored, list(request.scores), self.params, documents):
            a, b = spans_of[i][n]
            chosen.append((i, a, request.passages[i].text[a:b]))
        for i in [c[0] for c in chosen]:
            for j in request.children.get(i, []):  # a list intro is quoted with its items' lead sentences
                spans = split_sentences(request.passages[j].text)
                if spans and j not in request.unquotable and not any(c[0] == j for c in chosen):
                    a, b = spans[0]
                    chosen.append((j, a, request.passages[j].text[a:b]))
        order = {i: n for n, i in enumerate(dict.fromkeys([c[0] for c in chosen]))}
        chosen.sort(key=lambda c: (order[c[0]], c[1]))
        lines = [request.lead or FRAMING.get(request.language, FRAMING["en"]), ""]
        quotes: dict[int, list[str]] = {}
        for i, _, sentence in chosen:
            source = request.passages[i]
            label = (
                ""
                if source.authority == "official"
                else _SUPPLEMENTARY[request.language].format(source.source)
            )
            original = _FOOTNOTE_REF.sub("", sentence)
            english = _rendered(source, sentence, request.language) if not label else None
            if english:  # English text first, the Dutch original beside it (issue 15 point 4)
                lines += [f"- {english} [{i + 1}]", f"  {ORIGINAL}“{original.strip()}”)"]
            else:
                lines.append(f"- {label}{original} [{i + 1}]")
            quotes.setdefault(i + 1, []).append(sentence)
        return BackendAnswer(text="\n".join(lines), quotes=quotes)

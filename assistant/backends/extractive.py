"""The default backend: quotes the sentences of the retrieved passages that best answer the question.

No network, no LLM, deterministic. Sentences are scored with their pre-computed vectors (ingest) and
lexical overlap, kept verbatim, ordered by passage rank and position, and each carries its marker.
"""

from __future__ import annotations

import re

import numpy as np

from assistant.backends.base import AnswerRequest, Backend, BackendAnswer
from assistant.text import split_sentences

__all__ = ["ExtractiveBackend", "FRAMING"]

FRAMING = {
    "nl": "Dit zegt het learning-analyticsbeleid van de Universiteit Utrecht hierover:",
    "en": "The Utrecht University learning-analytics policy is written in Dutch; quoted in its own words, "
    "it says:",
}
_SUPPLEMENTARY = {
    "nl": "(aanvullend document {}, niet het beleid) ",
    "en": "(supplementary document {}, not the policy) ",
}
_MAX_SENTENCES = 4
_MAX_PASSAGES = 3
_MIN_RELATIVE = 0.6  # a lower-ranked passage is quoted when its fused score is this close to the best
_FOOTNOTE_REF = re.compile(r"\[\^\w+\]")
_WORD = re.compile(r"\w{3,}")


def _stems(text: str) -> set[str]:
    return {w[:6] for w in _WORD.findall(text.lower())}


class ExtractiveBackend(Backend):
    """Select, never write: every sentence of the answer is a verbatim sentence of a cited passage."""

    name = "extractive"
    verbatim = True

    def generate(self, request: AnswerRequest) -> BackendAnswer:
        if not request.passages:
            return BackendAnswer(text="", refused=True)
        q = np.asarray(request.query_vec, np.float32) if request.query_vec is not None else None
        q_stems = _stems(request.question)
        top_score = max(request.scores[0] if request.scores else 1.0, 1e-6)
        per_passage: list[list[tuple[float, int, int, str]]] = []
        for i, passage in enumerate(request.passages):
            infos = request.sentences.get(i) or []
            spans = [(s.start, s.end, s.vector) for s in infos] or [
                (a, b, None) for a, b in split_sentences(passage.text)
            ]
            scored = []
            for a, b, vec in spans:
                sentence = passage.text[a:b]
                sim = (
                    float(np.dot(q, np.asarray(vec, np.float32)))
                    if q is not None and vec is not None
                    else 0.0
                )
                overlap = len(q_stems & _stems(sentence)) / max(len(q_stems), 1)
                scored.append((sim + 0.15 * overlap, a, b, sentence))
            per_passage.append(scored)

        chosen: list[tuple[int, int, str]] = []  # (passage index, start, sentence)
        for i, scored in enumerate(per_passage[:_MAX_PASSAGES]):
            if not scored:
                continue
            rel = (request.scores[i] / top_score) if request.scores else 1.0
            if i > 0 and rel < _MIN_RELATIVE:
                continue
            best = max(s[0] for s in scored)
            limit = 2 if i == 0 else 1
            picks = sorted((s for s in scored if s[0] >= best - 0.015), key=lambda s: -s[0])[:limit]
            chosen += [(i, a, sentence) for _, a, _, sentence in picks]
        chosen = chosen[:_MAX_SENTENCES]
        for i in [c[0] for c in chosen]:
            for j in request.children.get(i, []):  # a list intro is quoted with its items' lead sentences
                spans = split_sentences(request.passages[j].text)
                if spans and not any(c[0] == j for c in chosen):
                    a, b = spans[0]
                    chosen.append((j, a, request.passages[j].text[a:b]))
        order = {i: n for n, i in enumerate(dict.fromkeys([c[0] for c in chosen]))}
        chosen.sort(key=lambda c: (order[c[0]], c[1]))
        lines = [FRAMING.get(request.language, FRAMING["en"]), ""]
        quotes: dict[int, list[str]] = {}
        for i, _, sentence in chosen:
            source = request.passages[i]
            label = (
                ""
                if source.authority == "official"
                else _SUPPLEMENTARY[request.language].format(source.source)
            )
            lines.append(f"- {label}{_FOOTNOTE_REF.sub('', sentence)} [{i + 1}]")
            quotes.setdefault(i + 1, []).append(sentence)
        return BackendAnswer(text="\n".join(lines), quotes=quotes)

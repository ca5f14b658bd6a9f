"""Grounding of one answer: are its citations valid, and are its sentences supported by what they cite?

Pure functions over the `ask --json` object (DESIGN.md). No LLM judge: every score is a string or token
comparison, so the same answer always gets the same score.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from assistant.backends.extractive import ORIGINAL
from assistant.evals.common import _text_of, fold
from assistant.text import MARKER, split_sentences

__all__ = ["NEAR_VERBATIM", "check_citations", "answer_claims", "citation_support"]

NEAR_VERBATIM = 0.9  # share of a sentence's words found in order in its passage

_LEAD_IN = re.compile(r"^[^“\"„‘:\[]{1,160}:\s*(?=[“\"„‘])")
_BULLET = re.compile(r"^(?:[-*•>]|\d+[.)])\s+")
_WORD = re.compile(r"\w+")
_STOPWORDS = frozenset(
    "de het een en van in op te dat die dit is zijn wordt worden voor met aan als bij door naar om of ook "
    "niet maar dan wat wie wel zal kan mag moet hun haar zich er the a an and of in on to that this is are be "
    "been for with as at by from or also not but then what who which may must can will their its there".split()
)


def check_citations(ask: dict, corpus_texts: Iterable[str]) -> dict:
    """Markers point at listed citations; cited texts occur verbatim in the corpus; quotes in their text."""
    citations = ask.get("citations") or []
    markers = [int(m) for m in MARKER.findall(ask.get("answer") or "")]
    errors = []
    if not ask.get("refused") and not citations:
        errors.append("answer without citations")
    if ask.get("refused") and citations:
        errors.append("refused answer lists citations")
    for n in sorted(set(markers)):
        if not 1 <= n <= len(citations):
            errors.append(f"marker [{n}] has no citation")
    corpus = corpus_texts if isinstance(corpus_texts, set | frozenset) else set(corpus_texts)
    for n, cit in enumerate(citations, 1):
        text = cit.get("text") or ""
        if not text:
            errors.append(f"citation [{n}] has no text")
        elif text not in corpus and not any(text in t for t in corpus):
            errors.append(f"citation [{n}] text is not verbatim in the corpus")
        quote = cit.get("quote") or ""
        # the quote may join non-adjacent sentences (with or without an ellipsis): check each one
        pieces = [q for part in re.split(r"\s*(?:…|\.\.\.)\s*", quote) for q in _sentences(part)]
        if any(fold(q) not in fold(text) for q in pieces):
            errors.append(f"citation [{n}] quote is not in its passage")
    unused = [n for n in range(1, len(citations) + 1) if n not in markers]
    return {"valid": not errors, "errors": errors, "unused": unused}


def _sentences(line: str) -> list[str]:
    """The sentences of one line of an answer or quote, stripped (`assistant.text.split_sentences`)."""
    return [line[a:b].strip() for a, b in split_sentences(line)]


def answer_claims(answer: str) -> list[tuple[str, list[int]]]:
    """The answer's sentences without the framing line and without the lines that give a translated
    quote's official Dutch wording (`extractive.ORIGINAL`): (clean text, marker numbers) each."""
    lines = [
        ln.strip() for ln in (answer or "").splitlines() if ln.strip() and not ln.strip().startswith(ORIGINAL)
    ]
    if len(lines) > 1 and not MARKER.search(lines[0]) and any(MARKER.search(ln) for ln in lines[1:]):
        lines = lines[1:]
    elif lines:  # one line: the framing is a leading unmarked sentence or a "...says: “quote”" lead-in
        lines[0] = _LEAD_IN.sub("", lines[0], count=1)
    sentences = [s for ln in lines for s in _sentences(_BULLET.sub("", ln))]
    if len(lines) == 1 and len(sentences) > 1 and not MARKER.search(sentences[0]):
        if any(MARKER.search(s) for s in sentences[1:]):
            sentences = sentences[1:]
    claims = []
    for s in sentences:
        clean = MARKER.sub("", s)
        clean = re.sub(r"\s+([.,;:!?])", r"\1", clean).strip().strip("\"“”'‘’ ")
        if _WORD.search(clean):
            claims.append((clean, [int(m) for m in MARKER.findall(s)]))
    return claims


def _near_verbatim(sentence: str, passage: str) -> bool:
    words, target = _WORD.findall(fold(sentence)), _WORD.findall(fold(passage))
    if not words:
        return False
    matcher = SequenceMatcher(None, words, target, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()) / len(words) >= NEAR_VERBATIM


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(fold(text)) if len(w) > 2 and w not in _STOPWORDS}


def citation_support(ask: dict) -> dict:
    """Share of claim sentences supported by their cited passages.

    A sentence counts 1 when it is verbatim or near-verbatim in a passage its markers cite. For LLM
    backends (any backend not named `extractive...`) other sentences count their content-word
    coverage (5-letter stems) by the cited passages; for the extractive backend they count 0.
    Sentences without a marker cite nothing and count 0. A partial answer's last line (whom to ask,
    `ask.partial.contact`) is guidance, not a claim about the policy, and is left out.
    """
    if ask.get("refused"):
        return {"score": None, "sentences": 0, "supported": 0, "mode": None}
    lexical = not str(ask.get("backend") or "").startswith("extractive")
    citations = ask.get("citations") or []
    answer = ask.get("answer") or ""
    if ask.get("coverage") == "partial":
        answer = answer.rstrip().rpartition("\n")[0]
    scores, supported = [], 0
    for text, markers in answer_claims(answer):
        # a cited passage's unofficial English rendering counts as its text (a translated quote)
        passages = [
            t
            for n in markers
            if 1 <= n <= len(citations)
            for t in (_text_of(citations[n - 1]), citations[n - 1].get("translation") or "")
            if t
        ]
        if any(fold(text) in fold(p) or _near_verbatim(text, p) for p in passages):
            scores.append(1.0)
            supported += 1
        elif lexical and passages and (stems := _stems(text)):
            covered = set().union(*(_stems(p) for p in passages))
            scores.append(len(stems & covered) / len(stems))
        else:
            scores.append(0.0)
    score = sum(scores) / len(scores) if scores else None
    return {
        "score": score,
        "sentences": len(scores),
        "supported": supported,
        "mode": "lexical" if lexical else "verbatim",
    }

"""Hybrid retrieval: dense (e5) + BM25 (bm25s, Snowball stemming) + policy-concept routing.

Dense similarity alone confuses the policy's many similar passages, and BM25 cannot bridge English
questions over Dutch text. The policy's concepts (`assistant/data/policy.yaml`) carry Dutch and English
terms and the GDPR vocabulary a reader brings, so a question that names "retention" is routed to
"Opslagbeperking". The three signals are fused by weighted, per-query normalised scores (`fuse`; the
weights are fitted by `assistant eval calibrate` and read from `assistant/data/calibration.toml`), with
official passages ranked first on ties.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from assistant import policy
from assistant.calibration import calibrated
from assistant.corpus import Passage
from assistant.text import fold
from assistant.translation import translation_for

__all__ = ["Hit", "Retrieval", "Retriever", "Weights", "absent_phrases", "fuse", "passage_key"]


@dataclass(frozen=True)
class Weights:
    """Fusion weights; defaults from `[fusion]` of `assistant/data/calibration.toml` (fitted by
    `assistant eval calibrate` on the train split of the eval sets)."""

    dense: float = calibrated("fusion", "dense")
    lexical: float = calibrated("fusion", "lexical")
    concept: float = calibrated("fusion", "concept")
    official_bonus: float = calibrated("fusion", "official_bonus")
    vote: float = calibrated("fusion", "vote")


@dataclass
class Hit:
    """One ranked passage with its component scores."""

    passage: Passage
    score: float
    dense: float = 0.0
    lexical: float = 0.0
    concept: float = 0.0


@dataclass
class Retrieval:
    """Ranked hits plus the raw signals the answer step uses to decide whether to refuse."""

    query: str
    hits: list[Hit]
    top_dense: float = 0.0
    dense_margin: float = 0.0
    lexical_top: float = 0.0
    concept_strength: float = 0.0
    concepts: list[str] = field(default_factory=list)
    query_vec: np.ndarray | None = None


_STOP = None


def _stopwords() -> list[str]:
    global _STOP
    if _STOP is None:
        from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

        _STOP = sorted(set(STOPWORDS_DUTCH) | set(STOPWORDS_EN) | {"la", "learning", "analytics", "uu"})
    return _STOP


class _Lexical:
    """BM25 over section path + text with Snowball stems of one language: Dutch over the passages (the
    corpus language), English over the unofficial English renderings (`english_texts`)."""

    def __init__(
        self, passages: list[Passage], texts: list[str] | None = None, language: str = "dutch"
    ) -> None:
        import bm25s
        import Stemmer

        self.stemmer = Stemmer.Stemmer(language)
        texts = texts if texts is not None else [f"{p.section} {p.text}" for p in passages]
        tokenized = bm25s.tokenize(
            texts, stopwords=_stopwords(), stemmer=self.stemmer.stemWords, show_progress=False
        )
        self.model = bm25s.BM25()
        self.model.index(tokenized, show_progress=False)
        self.vocab = set(tokenized.vocab)
        self.prefixes = {t[:5] for t in self.vocab if len(t) >= 5}  # for `uses`, built once per index

    def uses(self, word: str) -> bool:
        """Whether some indexed text holds `word`: its Snowball stem (lower case) is a stem of the index,
        or, for a stem of 5+ letters, some stem of the index starts with its first 5 (inflections the
        stemmer keeps apart: 'bewaren' / 'bewaard'). Lenient on purpose: what it denies is named to the
        user as absent from the policy."""
        stem = self.stemmer.stemWord(word.lower())
        if stem in self.vocab:
            return True
        return len(stem) >= 5 and stem[:5] in self.prefixes

    def scores(self, query: str) -> np.ndarray:
        import bm25s

        toks = bm25s.tokenize(
            [query],
            stopwords=_stopwords(),
            stemmer=self.stemmer.stemWords,
            show_progress=False,
            return_ids=False,
        )[0]
        toks = [t for t in toks if t in self.vocab]
        if not toks:
            return np.zeros(self.model.scores["num_docs"], np.float32)
        return np.asarray(self.model.get_scores(toks), np.float32)


@cache
def _word_lists() -> tuple[frozenset[str], frozenset[str]]:
    """(joiners, framing): stopwords (bm25s, both languages) with the function words of
    `lexicons/general.yaml`, and its question words. Neither is ever named as the point of a question."""
    from assistant.lexicon import load_lexicon

    groups = load_lexicon("general").groups
    joiners = frozenset(_stopwords()) | {fold(t) for t in groups["function words"].terms}
    return joiners, frozenset(fold(t) for t in groups["question words"].terms)


_WORD = re.compile(r"\w+(?:[-']\w+)*")
_HOW = frozenset({"hoe", "how"})


def absent_phrases(
    text: str, used: Callable[[str], bool], joiners: frozenset[str], framing: frozenset[str], limit: int = 3
) -> list[str]:
    """The words of `text` that `used` says no indexed text holds, as phrases in the order of `text`:
    absent words next to each other, or with only `joiners` (stopwords: 'of', 'de') between them, form
    one phrase ('klacht indienen', 'agreement with the vendor'); `joiners`, `framing` words (what frames
    a question: 'mogen', 'how many', and the word after 'hoe' / 'how': 'hoe lang'), numbers, words of
    fewer than 3 characters and all-capital words
    (redaction labels, acronyms the policy may spell otherwise) are never absent themselves, and a
    framing word ends a phrase. Words are lower-cased for the lists. At most `limit` phrases. Pure:
    `Retriever.absent_words` gives it the index's vocabulary."""
    words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]
    # the word after 'hoe' / 'how' frames the question with it ('hoe lang', 'how often', 'hoe snel')
    after_how = [n > 0 and words[n - 1][0].lower() in _HOW for n in range(len(words))]
    framing = framing | {w.lower() for (w, _, _), after in zip(words, after_how, strict=True) if after}
    joins = [w.lower() in joiners and w.lower() not in framing for w, _, _ in words]
    absent = [
        len(w) >= 3
        and not w.isupper()
        and not w.isdigit()
        and w.lower() not in joiners
        and w.lower() not in framing
        and not used(w)
        for w, _, _ in words
    ]
    phrases: list[str] = []
    i = 0
    while i < len(words) and len(phrases) < limit:
        if not absent[i]:
            i += 1
            continue
        end, j = i, i + 1
        while j < len(words) and (absent[j] or joins[j]):
            if absent[j]:
                end = j
            j += 1
        phrases.append(text[words[i][1] : words[end][2]])
        i = end + 1
    return phrases


@cache
def _term_weights() -> tuple[tuple[policy.Concept, dict[str, float]], ...]:
    """Each concept with a specificity weight per term: a term (folded) that n concept targets share
    counts 1/n for each, so words several passages share route less."""
    owners: dict[str, set[str]] = {}
    for c in policy.ALL_CONCEPTS:
        for t in c.all_terms:
            owners.setdefault(fold(t), set()).add(c.ref.section + "|" + c.ref.quote)
    return tuple((c, {t: 1.0 / len(owners[fold(t)]) for t in c.all_terms}) for c in policy.ALL_CONCEPTS)


def concept_scores(query: str) -> tuple[dict[tuple[str, str, str], float], list[str]]:
    """Score per concept target (source, section, quote) from the terms found in the query.

    A term found adds its specificity weight x (1 + 0.5 per extra word): a phrase is stronger
    evidence than a short stem. Each term is tested on its own (`Concept.terms_in`, lexicon syntax on
    `text.fold`ed text), so a phrase and a shorter term inside it both count. Returns the scores and
    the keys of the concepts found, in `policy.ALL_CONCEPTS` order.
    """
    scores: dict[tuple[str, str, str], float] = {}
    names: list[str] = []
    for concept, weights in _term_weights():
        found = concept.terms_in(query)
        if not found:
            continue
        key = (concept.ref.source, concept.ref.section, concept.ref.quote)
        for term in found:
            words = fold(term).strip("*").count(" ")
            scores[key] = scores.get(key, 0.0) + weights[term] * (1.0 + 0.5 * words)
        if concept.key not in names:
            names.append(concept.key)
    return scores, names


def fuse(
    dense: np.ndarray,
    lexical: np.ndarray,
    concept: np.ndarray,
    official: np.ndarray,
    weights: Weights,
    vote: np.ndarray | None = None,
) -> np.ndarray:
    """The fused score of every passage (arrays of one value per passage, same order).

    Each signal is scaled per query first: dense similarity so the 10th best is 0 and the best 1
    (clipped to 0..1), BM25 and concept scores divided by their maximum; `official` is 1.0 for an
    official passage, else 0.0; `vote` (optional, 0..1 already) the passage vote of the nearest labelled
    example questions (`passage_key`, `ExampleVote.passage_votes`). The result is the weighted sum of
    the scaled signals plus the official bonus."""
    d_sorted = np.sort(dense)[::-1]
    tenth = d_sorted[min(len(d_sorted) - 1, 9)]
    d_norm = np.clip((dense - tenth) / max(d_sorted[0] - tenth, 1e-6), 0, 1)
    l_norm = lexical / lexical.max() if lexical.max() > 0 else lexical
    c_norm = concept / concept.max() if concept.max() > 0 else concept
    w = weights
    fused = w.dense * d_norm + w.lexical * l_norm + w.concept * c_norm + w.official_bonus * official
    if vote is not None and w.vote:
        fused = fused + w.vote * vote
    return fused


def passage_key(passage: Passage) -> str:
    """What a labelled example question records as the passage that answered it, and the passage vote
    is counted by: `source::section` (stable when the corpus is split into passages anew)."""
    return f"{passage.source}::{passage.section}"


def english_texts(passages: list[Passage]) -> list[str] | None:
    """Per passage, its unofficial English rendering (section path + text; `assistant.translation`), or
    its own text when it has none (a user's document is searched in its own words); None when no
    passage has a rendering."""
    texts, any_rendering = [], False
    for p in passages:
        r = translation_for(p, "en") if p.authority == "official" else None
        any_rendering |= r is not None
        texts.append(f"{r.section} {r.text}" if r else f"{p.section} {p.text}")
    return texts if any_rendering else None


class Retriever:
    """Search the live index; lexical and concept structures are rebuilt when the index changes."""

    def __init__(
        self,
        index,
        weights: Weights | None = None,
        voter: Callable[[np.ndarray], Mapping[str, float]] | None = None,
    ) -> None:
        """`voter(query_vec)` gives the passage vote per `passage_key` (the Ask pipeline's labelled
        example questions, `ExampleVote.passage_votes`); without it, or with `weights.vote` 0, no vote."""
        self.index = index
        self.weights = weights or Weights()
        self.voter = voter
        self._vote_cache: tuple[list[Passage], list[str]] | None = None
        self._lock = threading.Lock()
        self._built_for: str | None = None
        self._lexical: _Lexical | None = None
        self._lexical_en: _Lexical | None = None
        self._targets: dict[tuple[str, str, str], list[int]] = {}
        self._passages: list[Passage] = []
        # what search() reads, replaced as a whole so a concurrent rebuild never mixes two generations
        self._snapshot: tuple = ([], {}, None, {}, np.zeros(0, np.float32), {})

    def _refresh(self) -> tuple:
        live = self.index.live()
        if self._built_for == live.generation:
            return self._snapshot
        with self._lock:
            if self._built_for == live.generation:
                return self._snapshot
            passages = [p for p in live.passages if p.retrievable]
            self._passages = passages
            self._pos = {f"{p.doc_hash}:{p.id}": i for i, p in enumerate(passages)}
            self._lexical = _Lexical(passages) if passages else None
            english = english_texts(passages)
            self._lexical_en = _Lexical(passages, english, "english") if english else None
            targets: dict[tuple[str, str, str], list[int]] = {}
            for c in policy.ALL_CONCEPTS:
                key = (c.ref.source, c.ref.section, c.ref.quote)
                targets[key] = [
                    i
                    for i, p in enumerate(passages)
                    if p.source == c.ref.source
                    and p.section == c.ref.section
                    and (not c.ref.quote or c.ref.quote in p.text)
                ]
            self._targets = targets
            official = np.array(
                [p.authority == "official" for p in passages], np.float32
            )  # once per generation
            children: dict[
                tuple[str, str], list[Passage]
            ] = {}  # (source, section) -> items directly under it
            for p in passages:
                if " > " in p.section:
                    children.setdefault((p.source, p.section.rsplit(" > ", 1)[0]), []).append(p)
            self._snapshot = (
                passages,
                self._pos,
                (self._lexical, self._lexical_en),
                targets,
                official,
                children,
            )
            self._built_for = live.generation
        return self._snapshot

    @property
    def passages(self) -> list[Passage]:
        self._refresh()
        return self._passages

    def absent_words(self, query: str, limit: int = 3) -> list[str]:
        """Phrases of `query` made of words no indexed passage (nor its English rendering) holds, in
        the order of `query` (`absent_phrases`; stems compared with both languages' Snowball stemmers):
        what a partial answer can name as the point the policy does not speak to. Empty for an empty
        index."""
        _, _, (lex_nl, lex_en), _, _, _ = self._refresh()
        models = [m for m in (lex_nl, lex_en) if m is not None]
        if not models:
            return []

        def used(word: str) -> bool:  # the index splits 'AI-officer' into its parts: so does this
            parts = [p for p in re.split(r"[-']", word) if len(p) >= 3]
            return all(any(m.uses(p) for m in models) for p in parts)

        return absent_phrases(query, used, *_word_lists(), limit)

    def _vote_keys(self, passages: list[Passage]) -> list[str]:
        """Per passage, the key its passage vote is read under: its own (`passage_key`) for an official
        passage (the labelled examples cite only the policy), and for a user's document the key of the
        official passage nearest to it by stored vectors: the vote says "questions like this one were
        answered by passages on this", and a document's passage on the same topic shares it (so an added
        guideline on retention is not pushed below the policy's retention passage by a vote it cannot
        get). Once per index generation (`passages` is its snapshot's list); without stored vectors a
        document's passage gets no vote."""
        with self._lock:
            cached = self._vote_cache
            if cached is not None and cached[0] is passages:
                return cached[1]
        keys = [passage_key(p) for p in passages]
        official = [i for i, p in enumerate(passages) if p.authority == "official"]
        others = [i for i, p in enumerate(passages) if p.authority != "official"]
        read = getattr(self.index, "vectors", None)
        if official and others and read is not None:
            vecs = np.asarray(read(passages), np.float32)
            if vecs.size:
                sims = vecs[others] @ vecs[official].T
                for i, j in zip(others, sims.argmax(axis=1), strict=True):
                    keys[i] = passage_key(passages[official[int(j)]])
        with self._lock:
            self._vote_cache = (passages, keys)
        return keys

    def children(self, passage: Passage) -> list[Passage]:
        """The passages directly under `passage` in its document's section tree (a list intro's items),
        in document order; a map built once per index generation, not a scan per question."""
        return list(self._refresh()[5].get((passage.source, passage.section), []))

    def search(
        self, query: str, k: int = 5, query_vec: np.ndarray | None = None, lang: str | None = None
    ) -> Retrieval:
        """The k best passages for `query`, with the signals used for refusal. For an English question
        (`lang` "en") a passage's BM25 score is the higher of its Dutch text's and its English
        rendering's (issue 15 point 4: English questions share few words with the Dutch text)."""
        passages, pos, (lex_model, lex_en), targets, official, _ = self._refresh()
        n = len(passages)
        if n == 0 or not query.strip():
            return Retrieval(query, [])
        if query_vec is None:
            query_vec = self.index.embedder.encode_queries([query])[0]
        dense = np.full(n, np.nan, np.float32)
        for p, s in self.index.dense(query_vec, k=min(n, max(30, 4 * k))):
            i = pos.get(f"{p.doc_hash}:{p.id}")
            if i is not None:
                dense[i] = s
        floor = np.nanmin(dense) if np.isfinite(dense).any() else 0.0
        dense = np.where(np.isnan(dense), floor - 0.01, dense)
        lexical = lex_model.scores(query) if lex_model else np.zeros(n, np.float32)
        if lang == "en" and lex_en is not None:
            lexical = np.maximum(lexical, lex_en.scores(query))
        concept = np.zeros(n, np.float32)
        cscores, names = concept_scores(query)
        for key, value in cscores.items():
            for i in targets.get(key, []):
                concept[i] = max(concept[i], value)

        vote = None
        if self.voter is not None and self.weights.vote:
            votes = self.voter(np.asarray(query_vec, np.float32))
            vote = np.array([votes.get(key, 0.0) for key in self._vote_keys(passages)], np.float32)
        fused = fuse(dense, lexical, concept, official, self.weights, vote)
        d_sorted = np.sort(dense)[::-1]
        order = np.argsort(-fused, kind="stable")[:k]
        hits = [
            Hit(passages[i], float(fused[i]), float(dense[i]), float(lexical[i]), float(concept[i]))
            for i in order
        ]
        return Retrieval(
            query=query,
            hits=hits,
            top_dense=float(d_sorted[0]),
            dense_margin=float(d_sorted[0] - d_sorted[min(len(d_sorted) - 1, 4)]),
            lexical_top=float(lexical.max()),
            concept_strength=float(concept.max()),
            concepts=names,
            query_vec=query_vec,
        )

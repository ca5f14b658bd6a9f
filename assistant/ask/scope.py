"""Coverage: does the policy answer the question (`direct`), touch its topic but not the point asked
(`partial`), or not speak to it at all (`none`, a refusal)? Issue 15 points 2 and 3.

The decision is a logistic model over three signals the pipeline has anyway, fitted by the calibration
program (`assistant eval calibrate`, `assistant.evals.scope_fit`) on a train split and reported on
held-out questions; its coefficients and the two probability cut-offs are `[scope]` of
`assistant/data/calibration.toml`:

- `sentence`: the best cosine similarity between the question, or one of its parts (`question_parts`:
  its sentences and clauses, for a point asked after a story or a colon), and a stored sentence of the
  passages retrieved (how well the best evidence supports the question; the top passage's similarity
  when the index stores no sentences);
- `concept`: log(1 + the policy-concept routing strength of the question, `retrieve.concept_scores`);
- `vote`: (the highest over the question and each of its asked parts, `asks`) a nearest-neighbour vote
  over labelled example questions (`assistant/data/scope_examples.jsonl`,
  the train split the calibration wrote): the mean similarity of the `vote_k` nearest answerable examples
  minus that of the `vote_k` nearest not-answerable ones, with the e5 query vector retrieval computed.
  An example identical to the question (cosine >= 0.999) is left out: a case never votes for itself, so
  figures on the examples' own questions are leave-one-out figures.

The same examples carry the passages that answered them (`cites`), and their `passage_votes` are a
retrieval signal (`retrieve.fuse`, weight `[fusion] vote`): the share of the nearest answered examples
whose answer a passage held. Measured when it was fitted (2026-11-30, held-out parts of the calibration):
MRR on real-style questions 0.79 -> 0.85, on the spent blind sets 0.88 -> 0.92, 0.82 -> 0.94 and 0.69 ->
0.70, on the holdout set 0.939 -> 0.942; on the held-out part of `questions.jsonl` 0.92 -> 0.90.

p(answerable) from `direct_from` is `direct`; below `none_below` it is `none`, between them `partial`.
A second logistic model over the same signals, with the vote taken between examples the policy touches
(answerable, or labelled `partial`: it touches the topic, not the point) and examples it does not
(labelled `none`), gives p(the policy touches the topic): a question below `none_below` whose
p(touches) reaches `domain_from` gets `partial` (related passages, whom to ask), not a refusal. So both
models must agree before the assistant refuses, and no answerable question is refused that the first
model alone would answer. Apart from
the model, a short generic list (`lexicons/requests.yaml`, whole words of what the user typed this
turn) refuses requests to act on people's data, and keeps a question with instructions aimed at the
assistant to `direct` or `none` (see `ScopePolicy.decide`).

One check on the answer type stands after the model: a question that asks for a figure (a number of
months, an amount of money, a minimum group size; `asks_for_figure`, `lexicons/answer_types.yaml`) is
`partial` at most when none of the best passages states a figure of that kind (`states_figure`): the
policy touches the topic (retention, costs, reporting) but not the point asked. Measured on the dev sets
(2026-11-30): 7 of the not-answerable questions answered as `direct` became `partial`; one answerable
real question ("how many months or years may we keep ...", answered by "zo snel mogelijk") became
`partial` too, still citing the storage-limitation passage.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np

from assistant.calibration import ScopeModel, load_calibration
from assistant.errors import ConfigError
from assistant.lexicon import Match, Matcher, compile_terms, load_lexicon
from assistant.pii import count_placeholders
from assistant.retrieve import Retrieval
from assistant.text import fold, phrase_fold, split_sentences

__all__ = [
    "Coverage",
    "ScopePolicy",
    "ExampleVote",
    "request_cues",
    "asks_for_a_task",
    "asks_for_figure",
    "states_figure",
    "missing_figure",
    "scope_features",
    "question_parts",
    "asks",
    "EXAMPLES_FILE",
    "SELF_MATCH",
]

Coverage = Literal["direct", "partial", "none"]
EXAMPLES_FILE = "scope_examples.jsonl"
SELF_MATCH = 0.999
"""Cosine at or above which an example is the question itself (left out of the vote)."""
FIGURE_EVIDENCE = 3
"""How many of the best passages may state the figure a question asks for: as many as an answer quotes
from (`[extractive] max_passages`)."""


_CUE_GROUPS = ("instructions", "act_on_data")


@cache
def _requests() -> Matcher:
    groups = load_lexicon("requests").groups
    return Matcher({g: groups[g].terms for g in _CUE_GROUPS})


@cache
def _task_words() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    groups = load_lexicon("requests").groups
    return tuple(compile_terms(groups[g].terms) for g in ("polite lead", "task verb", "task object"))


def asks_for_a_task(text: str) -> bool:
    """Whether `text` asks the assistant to produce something other than an answer ('Write me Python
    code for ...', 'Kun je een mail schrijven ...' is not: its verb comes later): after any polite lead
    ('please', 'kun je') its first word is a task verb, and it names a task object (code, a script, an
    e-mail, a text; `lexicons/requests.yaml`). A question about writing ('Do I need to write a privacy
    statement?') is not a task."""
    lead, verb, thing = _task_words()
    folded = fold(text).strip()
    while m := lead.match(folded):
        folded = folded[m.end() :].lstrip(" ,!.")
    return bool(verb.match(folded)) and bool(thing.search(folded))


_WHO = re.compile(r"\b(?:wie|who|whom|which students?|welke student(?:en)?|which of them|welke van)\b")


def hands_over_personal_data(text: str) -> bool:
    """Whether `text` (as redacted by `assistant.pii.redact`) gives the assistant people's data to act on:
    a redacted item with a request addressed to the assistant ('kun jij', 'can you', 'please';
    `requests.yaml` 'polite lead'), or two or more with a question about whom ('2019345 (4,5), 2087712
    (7,0): wie gaat uitvallen?'). Someone who gives their own e-mail and student number and asks about the
    policy is not handing data over."""
    found = count_placeholders(text)
    if not found:
        return False
    lead, _, _ = _task_words()
    folded = fold(text)
    return bool(lead.search(folded)) or (found >= 2 and bool(_WHO.search(folded)))


def request_cues(text: str) -> list[str]:
    """Groups of `lexicons/requests.yaml` found in `text` as whole words: `instructions` (aimed at the
    assistant) and `act_on_data` (a request to act on people's data, also people's data handed over:
    `hands_over_personal_data`), and `task` when it asks for something else than an answer
    (`asks_for_a_task`); empty when none."""
    cues = {m.group for m in _requests().find(text)}
    if hands_over_personal_data(text):
        cues.add("act_on_data")
    return sorted(cues | ({"task"} if asks_for_a_task(text) else set()))


@cache
def _answer_types() -> tuple[Matcher, Matcher]:
    """(quantity / amount / size words of `lexicons/answer_types.yaml`, the units of time of
    `lexicons/facts.yaml`)."""
    units = {n: g.terms for n, g in load_lexicon("facts").groups.items() if n.startswith("unit:")}
    return load_lexicon("answer_types").matcher(), Matcher(units)


@lru_cache(maxsize=512)
def _kinds_in(question: str) -> tuple[str, tuple[Match, ...]]:
    """(the folded question, the `answer_types.yaml` matches in it): one pass for the answer-type tests
    `missing_figure` runs on the same question."""
    folded = fold(question)
    return folded, tuple(_answer_types()[0].finditer(folded))


@lru_cache(maxsize=256)
def _facts(text: str) -> frozenset[str]:
    """`validate.facts_of(text)`, once per text: the evidence passages are the same few policy texts."""
    from assistant.ask.validate import facts_of  # the fact reader LLM answers are checked with

    return frozenset(facts_of(text))


def asks_for_figure(question: str) -> str | None:
    """What kind of figure `question` asks for, given a quantity word ("how many", "hoeveel", "minimale"):
    `"amount"` (of money: "how much does it cost", also "how many euros per year"), else `"period"` (a
    unit of time: "how many months", "maximale bewaartermijn in jaren", also "how many years may we keep
    students' data"), else `"size"` ("minimale groepsgrootte", "vanaf hoeveel studenten"); None when it
    asks for none (`lexicons/answer_types.yaml`)."""
    _, units = _answer_types()
    _, matches = _kinds_in(question)
    found = {m.group for m in matches}
    if "quantity question" not in found:
        return None
    if "amount" in found:  # "how many euros per year": money
        return "amount"
    if units.find(question):  # "how many years may we keep students' data": a period
        return "period"
    counted = any(  # "vanaf hoeveel studenten": people counted right after the quantity word
        a.group == "quantity question" and b.group == "counted people" and b.start - a.end <= 1
        for a, b in zip(matches, matches[1:], strict=False)
    )
    return "size" if "size" in found or counted else None


def states_figure(text: str, kind: str) -> bool:
    """Whether `text` states a figure of `kind` (`asks_for_figure`): a number with a unit of time for a
    period; for an amount or a size, a number within a few words of an amount or size word."""
    if kind == "period":
        return any(" unit:" in f for f in _facts(text))
    kinds, _ = _answer_types()
    folded = fold(text)
    for m in kinds.finditer(folded):
        if m.group == kind:
            window = folded[max(m.start - 25, 0) : m.end + 25]
            if any(f[:1].isdigit() for f in _facts(window)):
                return True
    return False


# a clause's first words: after the question's start or a clause break, an optional conjunction and
# preposition ("..., en bij wie?", "and by whom")
_CLAUSE_LEAD = re.compile(
    r"(?:^|[,;:.!?(])\s*(?:(?:en|and|of|or|maar|but|dus|so)\s+)?"
    r"(?:(?:bij|door|met|aan|naar|voor|tot|to|by|with|from|for)\s+)?$"
)


def asks_for_agent(question: str) -> bool:
    """Whether `question` asks who does something: a word of the `agent question` group
    (`lexicons/answer_types.yaml`: wie, who, welke afdeling, which committee ...) at the start of a clause
    (`_CLAUSE_LEAD`), so "Wie voert de privacyscan uit?" and "..., en door wie?" ask it, and "students who
    are at risk" or "staan door wie de data worden verwerkt" do not."""
    folded, found = _kinds_in(question)
    return any(m.group == "agent question" and _CLAUSE_LEAD.search(folded[: m.start]) for m in found)


def asks_for_date(question: str) -> bool:
    """Whether `question` asks for a date: a word of `date question` at the start of a clause (as
    `asks_for_agent`) and a word of `completion` ("Wanneer is het AI-beleid klaar?", "When will it be
    published?"); "Wanneer is een privacyscan nodig?" asks a condition, not a date."""
    folded, found = _kinds_in(question)
    return any(m.group == "completion" for m in found) and any(
        m.group == "date question" and _CLAUSE_LEAD.search(folded[: m.start]) for m in found
    )


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def states_date(text: str) -> bool:
    """Whether `text` states a date: a month (`validate.facts_of`, "month:...") or a year."""
    return bool(_YEAR.search(text)) or any(f.startswith("month:") for f in _facts(text))


def states_agent(text: str) -> bool:
    """Whether `text` names someone who acts: a named role (`validate.facts_of`, "role:...") or a word of
    the `agent` group (the university, a person, a committee)."""
    if any(f.startswith("role:") for f in _facts(text)):
        return True
    kinds, _ = _answer_types()
    return any(m.group == "agent" for m in kinds.finditer(fold(text)))


def missing_figure(asked: str, passages: list[str]) -> str | None:
    """The kind of figure `asked` asks for (`asks_for_figure`) when none of the first `FIGURE_EVIDENCE`
    of `passages` (texts, best first) states one; else `"agent"` when it asks who does something
    (`asks_for_agent`) and none of them names anyone who acts (`states_agent`: the policy says a privacy
    scan is done, not by whom); else `"date"` when it asks for a date (`asks_for_date`) and none of them
    states one (`states_date`: the policy says AI policy is being written, not when it is done); None
    otherwise. Such a question is `partial` at most: the policy touches the topic, not the point asked."""
    evidence = passages[:FIGURE_EVIDENCE]
    kind = asks_for_figure(asked)
    if kind and not any(states_figure(text, kind) for text in evidence):
        return kind
    if asks_for_agent(asked) and not any(states_agent(text) for text in evidence):
        return "agent"
    if asks_for_date(asked) and not any(states_date(text) for text in evidence):
        return "date"
    return None


def scope_features(best_sentence: float, concept_strength: float, vote: float) -> np.ndarray:
    """The model's input row: (sentence cosine, log1p(concept strength), vote), float64."""
    return np.array([best_sentence, math.log1p(max(concept_strength, 0.0)), vote], np.float64)


_PART_BREAK = re.compile(r"[:;]\s+|\s+[-–—]\s+")
MAX_PARTS = 4
"""At most this many parts of a question are encoded apart (`question_parts`)."""


def question_parts(question: str) -> list[str]:
    """The parts of a question that may each carry its point, besides the whole: its sentences and the
    clauses after a colon, semicolon or dash ("Welke kosten ...: moet er een privacyverklaring komen?"),
    of three words or more, at most `MAX_PARTS`, in order ("Student vraagt: hoe lang bewaren we
    studiedata?" has one: the framing before the colon is too short to be a part). Empty for a question
    that does not split."""
    pieces = [p.strip() for a, b in split_sentences(question) for p in _PART_BREAK.split(question[a:b])]
    parts = list(dict.fromkeys(p for p in pieces if len(p.split()) >= 3))
    return parts[:MAX_PARTS] if len(pieces) > 1 else []


def asks(part: str) -> bool:
    """Whether a part of a question (`question_parts`) asks something: it ends with a question mark."""
    return part.rstrip().endswith("?")


def best_sentence(query_vec, sentence_vectors: list, top_dense: float) -> float:
    """Highest cosine of the (L2-normalised) query vector with any of `sentence_vectors`; `top_dense`
    when there are none."""
    if query_vec is None or not sentence_vectors:
        return float(top_dense)
    m = np.asarray(sentence_vectors, np.float32)
    return float((m @ np.asarray(query_vec, np.float32)).max())


class ExampleVote:
    """The nearest-neighbour vote over labelled example questions (see the module docstring).

    `questions` and `answerable` are parallel lists. Vectors are encoded once per embedder with its
    `encode_queries` and, with `cache_dir`, kept in `cache_dir/scope-<sha256>.npy` keyed by the
    embedder's name and dimension and the examples, so a new process reads them instead of encoding."""

    def __init__(
        self,
        questions: list[str],
        answerable: list[bool],
        k: int = 5,
        coverage: list[str | None] | None = None,
        cites: list[list[str]] | None = None,
        prefix: str = "scope",
        scoped: list[bool] | None = None,
        quotes: list[list[str]] | None = None,
    ) -> None:
        if len(questions) != len(answerable) or any(
            x is not None and len(x) != len(questions) for x in (coverage, cites, scoped, quotes)
        ):
            raise ValueError("questions, answerable, coverage, cites, scoped and quotes differ in length")
        self.questions, self.answerable, self.k = list(questions), np.array(answerable, bool), k
        labels = coverage or [None] * len(self.questions)
        # the domain vote's sides: the policy touches the topic (answerable, or labelled partial) or not
        # (labelled none); a not-answerable example without a coverage label takes no side
        self.touched = self.answerable | np.array([c == "partial" for c in labels], bool)
        self.untouched = ~self.answerable & np.array([c == "none" for c in labels], bool)
        self.coverage = list(labels)
        # per example, the passages (`retrieve.passage_key`) that held its answer: the passage vote
        self.cites = [list(c) for c in cites] if cites is not None else [[] for _ in self.questions]
        self._citing = np.array([bool(c) for c in self.cites], bool)
        # per example, the expected phrases of its answer (the sentence vote: a sentence holding one of them
        # answered it; `sentence_votes`)
        self.quotes = [list(q) for q in quotes] if quotes is not None else [[] for _ in self.questions]
        # per example, whether it takes part in the scope and domain votes (False: the passage vote only;
        # the story sets, see `assistant.evals.calibrate`)
        self.scoped = np.array(scoped if scoped is not None else [True] * len(self.questions), bool)
        self.prefix = prefix  # the vectors' file name: `<prefix>-<key>.npy` (the area examples use "areas")
        self._vectors: tuple[object, np.ndarray] | None = None
        self._lock = threading.Lock()

    @classmethod
    def shipped(cls, k: int = 5, name: str = EXAMPLES_FILE, prefix: str = "scope") -> ExampleVote:
        """The examples the calibration wrote to `assistant/data/<name>` (default the scope examples,
        `scope_examples.jsonl`; the drafter's are `area_examples.jsonl`, prefix "areas"); no examples when
        the file is missing."""
        path = resources.files("assistant") / "data" / name
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        return cls(
            [r["question"] for r in rows],
            [bool(r["answerable"]) for r in rows],
            k,
            [r.get("coverage") for r in rows],
            [r.get("cites", []) for r in rows],
            prefix,
            [bool(r.get("scope", True)) for r in rows],
            [r.get("quotes", []) for r in rows],
        )

    def key(self, embedder) -> str:
        """What the vectors depend on: the embedder's weights (`model_id`, shared by the engines of one
        model, else its name), its dimension and the examples. 16 hex digits."""
        weights = getattr(embedder, "model_id", None) or getattr(embedder, "name", type(embedder).__name__)
        h = hashlib.sha256(f"{weights}\0{getattr(embedder, 'dim', 0)}\0".encode())
        for q, a in zip(self.questions, self.answerable, strict=True):
            h.update(f"{int(a)}{q}\0".encode())
        return h.hexdigest()[:16]

    def vectors(self, embedder, cache_dir: Path | None = None) -> np.ndarray:
        """(n, dim) float32 query vectors of the examples under `embedder`: the package's own file when
        the calibration wrote one for these weights (`data/scope-<key>.npy`), else `cache_dir`'s, else
        encoded now (and written to `cache_dir`)."""
        with self._lock:
            if self._vectors is not None and self._vectors[0] is embedder:
                return self._vectors[1]
            name = f"{self.prefix}-{self.key(embedder)}.npy"
            path = Path(cache_dir) / name if cache_dir else None
            vecs = None
            for candidate in (Path(str(resources.files("assistant") / "data" / name)), path):
                if vecs is None and candidate is not None and candidate.exists():
                    vecs = _load(candidate, (len(self.questions), getattr(embedder, "dim", -1)))
            if vecs is None:
                vecs = np.asarray(embedder.encode_queries(self.questions), np.float32)
                if path is not None:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    tmp = path.with_suffix(f".{threading.get_ident()}.tmp.npy")
                    np.save(tmp, vecs)
                    tmp.replace(path)
            self._vectors = (embedder, vecs)
            return vecs

    def vote(self, query_vec, vectors: np.ndarray, domain: bool = False) -> float:
        """Mean cosine of the k nearest answerable examples minus that of the k nearest not-answerable
        ones (examples with cosine >= SELF_MATCH left out); with `domain`, of the examples the policy
        touches minus those it does not (`touched`, `untouched`); 0.0 when a side has no example."""
        return self._vote(vectors @ np.asarray(query_vec, np.float32), domain)

    def passage_votes(self, query_vec, vectors: np.ndarray, k: int | None = None) -> dict[str, float]:
        """The passage vote: per passage key (`retrieve.passage_key`), the share of the k nearest example
        questions with a known answer (examples with cosine >= SELF_MATCH left out) whose answer that
        passage held; 0..1 each, only keys with a vote. "Questions like this one were answered there":
        it carries the labelled questions' point over to a new wording (the point hidden in a story,
        issue 15), where the question's own words lead to the story's passages. `k` overrides the
        examples' own (the drafter's area vote, whose keys are area ids, has its own)."""
        nearest = self.nearest_answered(query_vec, vectors, k)
        out: dict[str, float] = {}
        for i in nearest:
            for key in set(self.cites[i]):
                out[key] = out.get(key, 0.0) + 1.0 / max(len(nearest), 1)
        return out

    def nearest_answered(self, query_vec, vectors: np.ndarray, k: int | None = None) -> np.ndarray:
        """Indices of the k (default the examples' own) nearest examples with a known answer (a cited
        passage), nearest first; examples with cosine >= SELF_MATCH left out. What the passage and the
        sentence votes count over."""
        sims = vectors @ np.asarray(query_vec, np.float32)
        pool = np.flatnonzero(self._citing & (sims < SELF_MATCH))
        return pool[np.argsort(-sims[pool], kind="stable")[: k or self.k]]

    def sentence_voter(self, query_vec, vectors: np.ndarray) -> Callable[[str], float]:
        """The sentence vote for one question: a function giving, for a sentence's text, the share (0..1)
        of the nearest answered examples (`nearest_answered`) with an expected phrase the sentence holds
        (case and whitespace folded: `text.contains_phrase`, the rule the eval scores a quote by).
        "Questions like this one were answered by this sentence": the passage vote one level down, so
        the sentence that answers the point asked is quoted before the passage's other sentences (issue
        15 point 1). Examples without phrases (shipped before they carried them) vote for no sentence.
        The phrases are folded once here, each sentence once per call."""
        folded = [
            [f for p in self.quotes[i] if (f := phrase_fold(p))]
            for i in self.nearest_answered(query_vec, vectors)
        ]
        share = 1.0 / max(len(folded), 1)

        def vote(sentence: str) -> float:
            text = phrase_fold(sentence)
            return share * sum(1 for phrases in folded if any(f in text for f in phrases))

        return vote

    def best_votes(self, query_vecs, vectors: np.ndarray) -> tuple[float, float]:
        """(`vote`, `vote(domain=True)`), each the highest over `query_vecs` (a question and its asked
        parts: `ScopePolicy.coverage`, replayed by `evals.scope_fit`)."""
        pairs = [self.votes(v, vectors) for v in query_vecs]
        return max(p[0] for p in pairs), max(p[1] for p in pairs)

    def votes(self, query_vec, vectors: np.ndarray) -> tuple[float, float]:
        """(`vote`, `vote(domain=True)`) from one product of the query with the examples."""
        sims = vectors @ np.asarray(query_vec, np.float32)
        return self._vote(sims, False), self._vote(sims, True)

    def _vote(self, sims: np.ndarray, domain: bool) -> float:
        keep = (sims < SELF_MATCH) & self.scoped
        pos, neg = (self.touched, self.untouched) if domain else (self.answerable, ~self.answerable)
        yes, no = np.sort(sims[keep & pos])[::-1], np.sort(sims[keep & neg])[::-1]
        if not len(yes) or not len(no):
            return 0.0
        return float(yes[: self.k].mean() - no[: self.k].mean())


@dataclass(frozen=True)
class ScopePolicy:
    """Coverage from retrieval evidence (module docstring). `model` defaults to `[scope]` of the
    calibration file; `examples` to the shipped example questions."""

    model: ScopeModel | None = None
    examples: ExampleVote | None = None

    def __post_init__(self) -> None:
        if self.model is None:
            model = load_calibration().scope
            if model is None:
                raise ConfigError("calibration.toml has no [scope]: run `assistant eval calibrate`")
            object.__setattr__(self, "model", model)
        if self.examples is None:
            object.__setattr__(self, "examples", _shipped_examples(self.model.vote_k))

    def probability(self, features: np.ndarray) -> float:
        """p(answerable) of one feature row (`scope_features`), 0..1."""
        m = self.model
        return _logistic(m.intercept + float(np.dot([m.sentence, m.concept, m.vote], features)))

    @property
    def has_domain(self) -> bool:
        """Whether the calibration holds the domain model (partial versus none)."""
        return self.model.domain_from is not None and self.model.domain_intercept is not None

    def domain_probability(self, features: np.ndarray) -> float | None:
        """p(the policy touches the topic) of one feature row whose third value is the domain vote;
        None without the domain model."""
        m = self.model
        if not self.has_domain:
            return None
        coef = [m.domain_sentence or 0.0, m.domain_concept or 0.0, m.domain_vote or 0.0]
        return _logistic(m.domain_intercept + float(np.dot(coef, features)))

    def decide(self, p: float, instructions: bool = False, p_domain: float | None = None) -> Coverage:
        """Coverage for p(answerable) `p` and p(the policy touches the topic) `p_domain` (module
        docstring). A question holding instructions aimed at the assistant is answered from the policy
        when the evidence is direct (the instruction is not obeyed: the pipeline quotes verbatim) and
        refused otherwise: no related passages for a bare injection."""
        if p >= self.model.direct_from:
            return "direct"
        if instructions:
            return "none"
        refuse = p < self.model.none_below
        if p_domain is not None and self.has_domain:
            refuse = refuse and p_domain < self.model.domain_from
        return "none" if refuse else "partial"

    def coverage(
        self,
        r: Retrieval,
        asked: str,
        sentence_vectors: list,
        embedder=None,
        cache_dir: Path | None = None,
    ) -> Coverage:
        """The coverage of the retrieval `r` for the question the user typed this turn (`asked`);
        `sentence_vectors` are the stored sentence vectors of `r`'s passages, `embedder` the index's (for
        the examples' vectors; without it, or without a query vector, the vote is 0)."""
        cues = request_cues(asked)
        if not r.hits or "act_on_data" in cues or "task" in cues:
            return "none"
        vote = domain_vote = 0.0
        examples = None
        if embedder is not None and r.query_vec is not None:
            examples = self.examples.vectors(embedder, cache_dir)
            vote, domain_vote = self.examples.votes(r.query_vec, examples)
        best = best_sentence(r.query_vec, sentence_vectors, r.top_dense)

        def decide(best: float, vote: float, domain_vote: float) -> Coverage:
            p_domain = self.domain_probability(scope_features(best, r.concept_strength, domain_vote))
            return self.decide(
                self.probability(scope_features(best, r.concept_strength, vote)),
                "instructions" in cues,
                p_domain,
            )

        decided = decide(best, vote, domain_vote)
        parts = (
            question_parts(r.query)
            if decided != "direct" and examples is not None and sentence_vectors
            else []
        )
        if parts:  # the best-supported part: a story's point is often one clause of it; each asked part
            # (a sentence ending in '?') also votes. A higher value only moves towards direct, so a direct
            # question is not encoded again.
            vectors = np.asarray(embedder.encode_queries(parts), np.float32)
            best = max(best, *(best_sentence(v, sentence_vectors, r.top_dense) for v in vectors))
            asked_parts = [v for part, v in zip(parts, vectors, strict=True) if asks(part)]
            vote, domain_vote = self.examples.best_votes([r.query_vec, *asked_parts], examples)
            decided = decide(best, vote, domain_vote)
        if decided == "direct" and missing_figure(asked, [h.passage.text for h in r.hits]):
            return "partial"  # asks for a figure the nearest passages do not state: the topic, not the point
        return decided


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def _load(path: Path, shape: tuple[int, int]) -> np.ndarray | None:
    """The vectors in `path`, or None when the file is torn, foreign or of another shape."""
    try:
        vecs = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return vecs.astype(np.float32) if vecs.shape == shape else None


@cache
def _shipped_examples(k: int) -> ExampleVote:
    return ExampleVote.shipped(k)

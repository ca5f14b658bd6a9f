"""The learned second reader: a per-principle text model fitted on labelled drafts, for the gaps the term
lists miss because they are worded differently.

The rules read a draft through term lists; on drafts written by people who never saw those lists, most
misses are a gap said in other words ('the zip is protected with the course code as password', 'we will
look at accuracy once the model is in use'). This model reads the same fields as a bag of words: for each
principle, a logistic regression over the TF-IDF vector (word unigrams and bigrams of the folded text,
negation-marked, binary term frequency, l2 norm) of the fields the policy assigns to that principle (`draft_fields` of
`assistant/data/policy.yaml`), for the principles of `MODELLED`. Its weights, vocabulary and the one decision threshold
come from the calibration program (`assistant eval calibrate-checker`, `assistant.evals.checker_fit`):
fitted on the train split of the labelled draft sets, reported on the held-out split; the provenance
(data files, SHA-256, split, held-out figures) sits in the model file,
`assistant/data/checker_model.json`.

Scoring is pure Python (a dictionary lookup per word; no numpy, no scikit-learn), so `check` stays light.
A score above the threshold is a finding of rule `content.reads_like` (`rules_content`), which names the
words that weighed most, so a reviewer can see why.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from assistant.errors import ConfigError
from assistant.lexicon import load_lexicon
from assistant.policy import FIELD_PRINCIPLES
from assistant.proposal import Draft
from assistant.text import fold

__all__ = [
    "MODEL_FILE",
    "MAIN_FIELD",
    "PrincipleModel",
    "LearnedModel",
    "principle_texts",
    "features",
    "load_model",
    "MODELLED",
    "Score",
]

MODEL_FILE = resources.files("assistant") / "data" / "checker_model.json"
"""The fitted model (written by `assistant eval calibrate-checker`)."""

MAIN_FIELD: dict[str, str] = {
    "purpose_limitation": "purposes",
    "transparency": "privacy_statement",
    "data_categories": "data",
    "necessity": "necessity",
    "legal_basis": "legal_basis",
    "informed_consent": "informed_consent",
    "storage_limitation": "retention",
    "security": "security_measures",
    "ai_documentation": "ai",
    "ai_officer": "ai.ai_officer_consulted",
    "prohibited_ai": "ai.prohibited_practices_checked",
    "human_in_the_loop": "human_in_the_loop",
    "privacy_scan": "privacy_scan",
    "fair_balancing": "interests_weighed",
    "reliable_analyses": "analysis_validation",
    "accountability": "responsible",
}
"""The field a finding of the principle points at (a field `draft_fields` assigns to that principle)."""

_TOKEN = re.compile(r"[\w']+")  # a word with its apostrophes ("isn't" is one token, as in `terms`)


def _value_text(field: str, value: Any) -> str:
    """A field's value as text: text as is, lists joined, data items as 'name category source', other
    values (booleans, None, enum values) as one token 'field_value' ('informed_consent_none')."""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return " ; ".join(_value_text(field, v) for v in value)
    if hasattr(value, "name") and hasattr(value, "category"):  # a data item
        return " ".join(str(v) for v in (value.name, value.category, value.source) if v)
    return f"{field.replace('.', '_')}_{value}"


def _fields_of() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for field, principle in FIELD_PRINCIPLES.items():
        out.setdefault(principle, []).append(field)
    return {p: tuple(fs) for p, fs in out.items()}


_FIELDS_OF = _fields_of()


def _get(draft: Draft, field: str) -> Any:
    value: Any = draft
    for part in field.split("."):
        if value is None:
            return None
        value = getattr(value, part, None)
    return value


MODELLED = frozenset(
    {
        "purpose_limitation",
        "necessity",
        "data_categories",
        "security",
        "ai_documentation",
        "human_in_the_loop",
        "fair_balancing",
        "reliable_analyses",
        "accountability",
    }
)
"""The principles the model reads: those whose gap lies in the wording of a free-text answer of their own.
Left to the rules: principles answered by a flag or a choice (legal basis, consent, privacy statement,
privacy scan, AI officer, prohibited practices checked), whose gap a model could only find in the summary,
where the words of a project are shared by its compliant and its defective drafts (measured 2026-12-02: a
summary-reading model flagged compliant drafts of the shipped set on prohibited AI and human in the loop
for the words 'model', 'uitval', 'automatically'); storage limitation, whose answer is an end the rules
parse and hold against a horizon the user sets (`--retention-horizon`), which a model would override;
and the area, which the rules read from the area grid."""


def principle_texts(draft: Draft, principle: str) -> list[str]:
    """The texts the model of `principle` reads: each field `draft_fields` assigns to it (the `ai` block
    without its two flags, which have principles of their own)."""
    texts = []
    for field in _FIELDS_OF.get(principle, ()):
        value = _get(draft, field)
        if field == "ai" and value is not None:
            value = [value.models, value.training_data, value.decision_process]
        texts.append(_value_text(field, value))
    return texts


_CLAUSE_END = re.compile(r"[.!?;:\n]")
_NEGATORS = frozenset(load_lexicon("general").groups["negators"].terms)
_NEGATION_WORDS = 4  # as `terms.is_negated`: a negator reaches the four words after it, in its clause


def _marked_words(folded: str) -> list[str]:
    """The words of a folded text of two or more characters, each of the `_NEGATION_WORDS` words after a
    negator (`general.yaml` 'negators') in the same clause written 'not_<word>' (negation marking, as in
    Pang, Lee & Vaithyanathan 2002): 'no action is taken automatically' gives 'not_automatically', not the
    'automatically' of 'the system enrols students automatically'."""
    out = []
    for clause in _CLAUSE_END.split(folded):
        reach = 0
        for w in _TOKEN.findall(clause):
            if w in _NEGATORS:
                out.append(w)
                reach = _NEGATION_WORDS
                continue
            if len(w) >= 2:
                out.append(f"not_{w}" if reach else w)
            reach = max(0, reach - 1)
    return out


@lru_cache(maxsize=4096)
def _text_terms(text: str) -> frozenset[str]:
    """The folded (negation-marked) word unigrams and bigrams of one text (cached: a text is read for
    each draft once per principle)."""
    words = _marked_words(fold(text))
    return frozenset((*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))))


def features(texts: list[str]) -> frozenset[str]:
    """The terms of `texts`: folded word unigrams and bigrams (a bigram never spans two texts)."""
    return frozenset().union(*map(_text_terms, texts))


@dataclass(frozen=True)
class Score:
    """One principle's score for one draft: the probability (0-1) and the terms that weighed most."""

    principle: str
    probability: float
    terms: tuple[str, ...]


class PrincipleModel:
    """TF-IDF + logistic regression of one principle: `weights` maps a term to (idf, coefficient).

    Term frequency is binary (a term is there or not: the fields are a sentence or a few), so scoring
    sums two precomputed maps (idf squared, idf x coefficient) over the terms present with `map` in C,
    with no Python loop over the terms."""

    def __init__(self, bias: float, weights: dict[str, tuple[float, float]]) -> None:
        self.bias = bias
        self.weights = weights
        self._idf2 = {t: w[0] * w[0] for t, w in weights.items()}
        self._dot = {t: w[0] * w[1] for t, w in weights.items()}

    def logit(self, terms: Collection[str]) -> float:
        """The model's log-odds for the set of terms of a text (binary term frequency)."""
        known = self._idf2.keys() & terms
        if not known:
            return self.bias
        norm2 = sum(map(self._idf2.__getitem__, known))
        return self.bias + sum(map(self._dot.__getitem__, known)) / math.sqrt(norm2)

    def probability(self, terms: Collection[str]) -> float:
        """The model's probability (0-1) for the set of terms of a text."""
        z = self.logit(terms)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def top_terms(self, terms: Collection[str], top: int = 3) -> tuple[str, ...]:
        """The `top` terms with the largest positive contribution to the log-odds."""
        parts = [(self._dot[t], t) for t in self._dot.keys() & terms if self._dot[t] > 0]
        return tuple(t for _, t in sorted(parts, reverse=True)[:top])

    def score(self, terms: Collection[str], top: int = 3) -> tuple[float, tuple[str, ...]]:
        """(probability, the `top` terms with the largest positive contribution) of a set of terms."""
        return self.probability(terms), self.top_terms(terms, top)


@dataclass(frozen=True)
class LearnedModel:
    """The fitted models of every principle, the decision threshold and the provenance of the fit."""

    threshold: float
    principles: dict[str, PrincipleModel]
    provenance: dict

    def scores(self, draft: Draft) -> list[Score]:
        """Every modelled principle's score for `draft`, in the model file's order."""
        out = []
        for principle, model in self.principles.items():
            terms = features(principle_texts(draft, principle))
            out.append(Score(principle, model.probability(terms), model.top_terms(terms)))
        return out

    def flagged(self, draft: Draft, skip: Collection[str] = ()) -> list[Score]:
        """The scores at or above the threshold (the words that weighed most computed for these only);
        principles in `skip` are not scored."""
        out = []
        for principle, model in self.principles.items():
            if principle in skip:
                continue
            terms = features(principle_texts(draft, principle))
            if (p := model.probability(terms)) >= self.threshold:
                out.append(Score(principle, p, model.top_terms(terms)))
        return out

    def to_json(self) -> dict:
        return {
            "provenance": self.provenance,
            "threshold": self.threshold,
            "principles": {
                p: {"bias": m.bias, "weights": {t: list(w) for t, w in m.weights.items()}}
                for p, m in self.principles.items()
            },
        }

    @classmethod
    def from_json(cls, raw: dict) -> LearnedModel:
        return cls(
            threshold=float(raw["threshold"]),
            principles={
                p: PrincipleModel(
                    float(m["bias"]), {t: (float(w[0]), float(w[1])) for t, w in m["weights"].items()}
                )
                for p, m in raw["principles"].items()
            },
            provenance=dict(raw.get("provenance") or {}),
        )


@cache
def load_model() -> LearnedModel | None:
    """The shipped model, or None when the package has none (the rules run alone then).

    Raises `ConfigError` when the file is there but unreadable (a packaging error)."""
    try:
        text = MODEL_FILE.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return LearnedModel.from_json(json.loads(text))
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ConfigError(f"checker model ({MODEL_FILE}) is invalid: {exc}") from exc

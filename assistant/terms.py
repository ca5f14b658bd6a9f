"""What the shared term lists find in a text: special-category and sensitive data, AI, negation, blanks.

The terms are package data, each group with the article or policy passage it rests on:
`assistant/data/lexicons/categories.yaml` (GDPR Art. 9(1)/10, the Dutch DPA), `ai.yaml` (AI Act
Art. 3(1), the policy's area 4) and `general.yaml` (negation words, placeholder answers). All
matching is on `text.fold`ed text with the one matcher of `assistant.lexicon`. Shared by the
checker and the drafter; pure functions (the lexicons are read once, on import).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from assistant.errors import ConfigError
from assistant.lexicon import Matcher, TermGroup, compile_terms, load_lexicon
from assistant.text import fold, mask_abbreviations

__all__ = [
    "ai_techniques",
    "substance_words",
    "Category",
    "TermHit",
    "SPECIAL_TERMS",
    "SENSITIVE_TERMS",
    "NEGATOR",
    "is_negated",
    "find_category_terms",
    "classify_data_name",
    "describes_ai",
    "is_blank",
    "is_deferred",
    "is_thin",
]

Category = Literal["special", "sensitive"]

_GENERAL = load_lexicon("general").groups
_CATEGORIES = load_lexicon("categories").groups
_AI = load_lexicon("ai").groups

# =========================================================================== negation

NEGATOR = compile_terms(_GENERAL["negators"].terms)
"""The negators of `general.yaml` ('niet', 'geen', 'never', "don't" ...), one alternation, on folded text."""
_NEGATOR = NEGATOR
_CLAUSE_END = re.compile(r"[.!?;:\n]")
_TOKEN = re.compile(r"[\w']+")  # a word with its apostrophes: "isn't" is one token
_NEGATION_CHARS = 60  # how far back (in characters) a negator is looked for ...
_NEGATION_WORDS = 4  # ... and among how many words before the term


def is_negated(norm: str, start: int) -> bool:
    """A negator (`general.yaml`) among the 4 words (at most 60 characters) before offset `start` of the
    folded text `norm`, in the same sentence or clause (no `.!?;:` or line break in between)."""
    before = _CLAUSE_END.split(norm[max(0, start - _NEGATION_CHARS) : start])[-1]
    return any(_NEGATOR.fullmatch(w) for w in _TOKEN.findall(before)[-_NEGATION_WORDS:])


# =========================================================================== data categories

_NOT_PERSONAL = "not personal data"  # the group of names that contain a term but are not about a person


def _category(name: str, group: TermGroup) -> Category:
    """special when the group rests on a GDPR article (9(1), 10), sensitive when on the Dutch DPA or the UAVG."""
    if group.source.startswith("GDPR"):
        return "special"
    if group.source.startswith(("Dutch DPA", "UAVG")):
        return "sensitive"
    raise ConfigError(f"lexicon 'categories': group {name!r} has no GDPR, UAVG or Dutch DPA source")


_CATEGORY_OF: dict[str, Category] = {
    name: _category(name, group) for name, group in _CATEGORIES.items() if name != _NOT_PERSONAL
}
SPECIAL_TERMS: Mapping[str, tuple[str, ...]] = {
    name: _CATEGORIES[name].terms for name, cat in _CATEGORY_OF.items() if cat == "special"
}
"""Special-category groups (GDPR Art. 9(1), criminal data Art. 10): group name -> terms, from `categories.yaml`."""
SENSITIVE_TERMS: Mapping[str, tuple[str, ...]] = {
    name: _CATEGORIES[name].terms for name, cat in _CATEGORY_OF.items() if cat == "sensitive"
}
"""Sensitive-data groups (Dutch DPA, UAVG): group name -> terms, from `categories.yaml`."""

# Special groups first: at one position a special term wins over a sensitive one.
_CATEGORY_MATCHER = Matcher({**SPECIAL_TERMS, **SENSITIVE_TERMS})
_NOT_PERSONAL_RE = compile_terms(_CATEGORIES[_NOT_PERSONAL].terms)


@dataclass(frozen=True)
class TermHit:
    """A special- or sensitive-category term found in a text; `start`/`end` index the folded text."""

    category: Category
    group: str
    term: str
    start: int
    end: int


def find_category_terms(text: str, *, negation: bool = True, names: bool = False) -> list[TermHit]:
    """Special (GDPR Art. 9/10) and sensitive terms in `text`, in text order (special first at one
    position); negated mentions are skipped unless `negation` is false. Names such as 'Health
    Sciences' or 'genetic algorithm' (`not personal data`) never count; with `names`, neither does a
    term that is part of a capitalised name in running text (`in_a_name`: a course 'Strafrecht 1',
    'Medische Ethiek en Recht', 'Religion, Health and Healing'), which a data item's own name is not read
    for (its words are often in title case)."""
    folded = fold(text)
    norm = _NOT_PERSONAL_RE.sub(lambda m: " " * len(m.group(0)), folded)
    original = text if names and len(text) == len(folded) else None
    hits = [
        TermHit(_CATEGORY_OF[m.group], m.group, m.text, m.start, m.end)
        for m in _CATEGORY_MATCHER.finditer(norm)
        if not (negation and _excluded(norm, m.start, m.end))
        and not (original and in_a_name(original, m.start, m.end))
        and not _subject_matter(norm, m.start)
    ]
    hits.sort(key=lambda h: (h.start, h.category != "special"))
    return hits


_SUBJECT_MATTER = compile_terms(_GENERAL["subject matter"].terms)
_SUBJECT_REACH = 80  # characters before a term within its clause where a subject-matter word is looked for


def _subject_matter(norm: str, start: int) -> bool:
    """Whether the category term at `start` of folded `norm` names course content: a `subject matter` word
    ('topics', 'leerdoel', 'zelftoetsen over') earlier in its clause, at most 80 characters back."""
    # an abbreviation's dots do not end the clause ('zelftoetsen over ziektebeelden (o.a. depressie)')
    window = mask_abbreviations(norm[max(0, start - _SUBJECT_REACH) : start])
    return bool(_SUBJECT_MATTER.search(_CLAUSE_END.split(window)[-1]))


_WORD_BEFORE = re.compile(r"([^\W\d_][\w'-]*|\d+)[\s,]*$")
_WORD_AFTER = re.compile(r"^[\s,]*(?:(?:and|en|&)\s+)?([^\W\d_][\w'-]*|\d+)")


def in_a_name(text: str, start: int, end: int) -> bool:
    """Whether the word at `start..end` of `text` (original case) is part of a capitalised name: it starts
    with a capital and so does a word beside it in the same sentence (a comma or 'and' between), or a
    number follows it ('Strafrecht 1', 'Oefententamens Strafrecht', 'Medische Ethiek', 'Religion, Health and
    Healing', 'Religious Studies'). A capitalised word on its own ('Muslim students', a sentence's first
    word before a lower-case one) is not a name, nor is one after a capitalised function word ('An LLM').
    """
    if not text[start : start + 1].isupper():
        return False
    after = _WORD_AFTER.match(text[end : end + 40])
    if after and (after.group(1)[0].isupper() or after.group(1).isdigit()):
        return True
    before = _WORD_BEFORE.search(text[max(0, start - 40) : start])
    return (
        bool(before) and before.group(1)[0].isupper() and not _FUNCTION_WORD.fullmatch(fold(before.group(1)))
    )


# a negator that reaches a term through a list ('no health data or other special categories'), with no
# verb between them that would start another statement ('no consent was asked, and health data ...')
_LIST_WORD = re.compile(r"or|of|and|en|nor|noch|other|andere|overige|any|enige|such|zulke|as|als")
_AUXILIARY = re.compile(
    r"is|are|was|were|be|been|being|wordt|worden|werd|werden|zijn|was|waren|is|has|have|had|heeft|hebben|had|hadden"
)
# a word that starts another statement between a negator and a term: the negation does not reach it
_CLAUSE_WORD = re.compile(
    r"so|dus|but|maar|because|omdat|while|terwijl|however|echter|then|daarna|which|who|where|waar"
)
_LIST_REACH = 14  # words before a term within which a negator reaches it through a list


def _excluded(norm: str, start: int, end: int) -> bool:
    """A category term the text says is not used: negated (`is_negated`), negated through a list
    before it ('no health data or other special categories', 'we do not import reasons for absence,
    medical certificates, ...'), or followed in its clause by a 'not
    used' statement ('Gezondheidsgegevens, nationaliteit en andere ... worden niet gebruikt')."""
    if is_negated(norm, start):
        return True
    clause_before = _CLAUSE_END.split(norm[max(0, start - 120) : start])[-1]
    before = list(_TOKEN.finditer(clause_before))[-_LIST_REACH:]
    negators = [i for i, m in enumerate(before) if _NEGATOR.fullmatch(m.group(0))]
    if negators:
        first = before[negators[-1]]
        between = [m.group(0) for m in before[negators[-1] + 1 :]]
        listed = any(_LIST_WORD.fullmatch(w) for w in between) or "," in clause_before[first.end() :]
        if listed and not any(_AUXILIARY.fullmatch(w) or _CLAUSE_WORD.fullmatch(w) for w in between):
            return True
    clause = _CLAUSE_END.split(norm[end : end + 160], maxsplit=1)[0]
    return bool(_NOT_USED_LATER.search(clause))


def classify_data_name(text: str, *, names: bool = False) -> TermHit | None:
    """The strongest category term in a data item's name or source (special before sensitive), or None;
    `names`: see `find_category_terms`."""
    hits = find_category_terms(text, names=names)
    return next((h for h in hits if h.category == "special"), hits[0] if hits else None)


# =========================================================================== AI


def _alternation(group: str) -> str:
    return f"(?:{compile_terms(_AI[group].terms).pattern})"


_AI_TECHNIQUES = compile_terms(_AI["ai techniques"].terms)
# 'AI' on its own, unless a name follows it ('AI officer', 'AI Act', 'AI-beleid').
_AI_WORD = re.compile(_alternation("ai") + r"(?![\s-]*" + _alternation("ai as a name") + ")")
_DISCIPLINE = compile_terms(_AI["ai as a discipline"].terms)
_STUDY_AFTER = re.compile(r"[\s-]+" + _alternation("study word"))
_STUDY_BEFORE = re.compile(_alternation("study word") + r"[\s-]+$")
_PREDICTIVE = compile_terms(_AI["predictive model"].terms)
_PREDICTOR_VARIABLE = compile_terms(_AI["predictor variable"].terms)
_MODEL_WORD = compile_terms(_AI["model word"].terms)
_PREDICTION_WORD = compile_terms(_AI["prediction word"].terms)
# 'AI ... wordt niet gebruikt': within the 3 words after a term a negation, then (one word later at
# most) a 'use' verb.
_NOT_USED_AFTER = re.compile(
    r"^\W*(?:[\w']+\W+){0,3}" + _alternation("use negated") + r"\W+(?:[\w']+\W+)?" + _alternation("use")
)
_NOT_USED_CHARS = 60  # how far after a term the 'not used' clause is looked for
# anywhere later in a term's clause: '... worden niet gebruikt', '... are not collected'
_NOT_USED_LATER = re.compile(
    r"(?<!\w)"
    + _alternation("use negated")
    + r"\W+(?:[\w']+\W+){0,3}"
    + _alternation("use")
    + "|"
    + _alternation("kept out")
)  # up to three words between: 'worden uitdrukkelijk niet in het overzicht opgenomen'; 'horen niet in ...'


def describes_ai(text: str, areas: Iterable[str] = ()) -> list[str]:
    """The AI terms of `text` (`ai.yaml`), as found in the folded text, in list-then-text order:
    techniques, then 'AI' itself, then (only when `areas` holds 4b, identifying students with
    predictive models) predictive-model words such as 'model' or 'voorspel', unless they name a
    predictor variable ('voorspellers'). A model whose output is applied to individual students is an
    AI system in the sense of AI Act Art. 3(1) ('infers ... predictions ... that can influence'); the
    regression of a 4a study of which factors go with drop-out yields findings, not decisions, so
    area 4a alone does not make its statistics AI. With none of these, a sentence in which a model
    predicts or was trained on data counts in any area (`_model_that_predicts`). A negated term, or one followed by 'not used', is
    left out."""
    norm = fold(text)
    original = text if len(text) == len(norm) else None
    patterns = [_AI_TECHNIQUES, _AI_WORD]
    if "4b" in areas:
        patterns.append(_PREDICTIVE)
    found = [
        m.group(0)
        for pattern in patterns
        for m in pattern.finditer(norm)
        if not is_negated(norm, m.start())
        and not _NOT_USED_AFTER.match(norm[m.end() : m.end() + _NOT_USED_CHARS])
        and not (pattern is _PREDICTIVE and _PREDICTOR_VARIABLE.match(norm, m.start()))
        and not (pattern is not _PREDICTIVE and _names_a_study(norm, original, m.start(), m.end()))
    ]
    return found or _model_that_predicts(norm)


def _names_a_study(norm: str, original: str | None, start: int, end: int) -> bool:
    """Whether the AI term at `start..end` of folded `norm` names a field of study, degree or course
    (`ai as a discipline` next to a `study word`: 'AI students', 'Bachelor Artificial Intelligence'; or,
    except 'ai', part of a capitalised name in the `original` text: 'LLM European Law')."""
    if not _DISCIPLINE.fullmatch(norm, start, end):
        return False
    if _STUDY_AFTER.match(norm, end) or _STUDY_BEFORE.search(norm, max(0, start - 20), start):
        return True
    return original is not None and norm[start:end] != "ai" and in_a_name(original, start, end)


def _model_that_predicts(norm: str) -> list[str]:
    """[model word, prediction word] of the first sentence of folded `norm` in which a model predicts or
    was trained on data ('the scores come from a model fitted to graded essays'), in any area: whatever
    the draft calls it, such a model infers outputs for students (AI Act Art. 3(1)); [] when none. A
    sentence about predictor variables ('voorspellers') does not count."""
    for sentence in re.split(r"[.!?\n]", norm):
        model = _MODEL_WORD.search(sentence)
        predicts = _PREDICTION_WORD.search(sentence)
        if (
            model
            and predicts
            and not is_negated(sentence, model.start())
            and not is_negated(sentence, predicts.start())
            and not _PREDICTOR_VARIABLE.search(sentence)
        ):
            return [model.group(0), predicts.group(0)]
    return []


# =========================================================================== blank answers

_PLACEHOLDER = compile_terms(_GENERAL["placeholders"].terms)
_FILLER = re.compile(r"x{3,}")  # 'xxx', 'xxxx', ...: a typed filler, not a word
_PUNCT = re.compile(r"[^\w/ ]+")  # punctuation except '/' (so 'n/a' stays one answer)
_NON_WORD = re.compile(r"\W")


@lru_cache(maxsize=4096)
def is_blank(text: str | None) -> bool:
    """Empty, fewer than 3 letters or digits, or a placeholder (`general.yaml`) such as 'TBD', 'n.v.t.',
    'nog te bepalen' as the whole answer (punctuation ignored)."""
    if not text:
        return True
    core = " ".join(_PUNCT.sub(" ", fold(text)).split())
    return len(_NON_WORD.sub("", core)) < 3 or bool(_PLACEHOLDER.fullmatch(core) or _FILLER.fullmatch(core))


_FUNCTION_WORD = compile_terms(_GENERAL["function words"].terms)
_WORD = re.compile(r"\w+")


_DEFERRAL = compile_terms(_GENERAL["deferral"].terms)
_SUBSTANCE = 3  # words of substance besides the deferral from which an answer says something itself


# 'the usual faculty procedures', 'bestaande facultaire regels': existing norms named, not stated
_USUAL_NORMS = re.compile(
    r"\b(?:usual|standard|normal|regular|existing|current|gebruikelijke?|standaard|normale?|bestaande|huidige|"
    r"geldende)\b(?:\W+\w+){0,2}?\W+(?:procedures?|rules|regels|richtlijnen|guidelines|policies|policy|beleid|"
    r"measures|maatregelen|werkwijzen?|practices?|protocols?|protocollen)\b"
)


# what a reference to norms says they are about ('... for handling student data apply'): no substance
_NORM_GLUE = re.compile(
    r"\b(?:handling|handle|omgang|omgaan|student|students|studenten|studentgegevens|data|gegevens|"
    r"persoonsgegevens|personal|apply|applies|gelden|geldt|follow|followed|volgen|gevolgd|toepassing|"
    r"van toepassing|faculty|facultaire|university|universitaire)\b"
)
_NORM_STEMS = (
    "procedur",
    "rule",
    "regel",
    "richtlijn",
    "guideline",
    "polic",
    "beleid",
    "measure",
    "maatregel",
    "werkwijze",
    "practice",
    "protocol",
)


def is_deferred(text: str, generic: re.Pattern | None = None) -> bool:
    """True when `text` defers or points elsewhere instead of answering: it holds a deferral
    (`general.yaml` 'deferral': 'volgt later', 'as agreed with IT', 'according to standard procedures',
    'zie bijlage'; not negated) and, besides it, fewer than three words that are neither function words
    nor words of `generic` (e.g. the organisations of `checker.yaml` 'thin responsible': 'IT', 'the
    faculty'). 'Pseudonymised according to the UU guideline, access for the three advisers only' says
    enough itself; 'Handled according to standard university procedures.' does not."""
    folded = fold(text)
    hits = [m for m in _DEFERRAL.finditer(folded) if not is_negated(folded, m.start())]
    norms = any(w in folded for w in _NORM_STEMS)  # cheap: most answers name no norm at all
    if norms:
        hits += list(_USUAL_NORMS.finditer(folded))
    if not hits:
        return False
    rest = _DEFERRAL.sub(" ", folded)
    rest = _NORM_GLUE.sub(" ", _USUAL_NORMS.sub(" ", rest)) if norms else rest
    words = [
        w
        for w in _WORD.findall(rest)
        if len(w) >= 3  # 'O&O', 'IT' as letters are no words of substance
        and not _FUNCTION_WORD.fullmatch(w)
        and not (generic is not None and generic.fullmatch(w))
        and not w.isdigit()
    ]
    return len(words) < _SUBSTANCE


def substance_words(text: str) -> list[str]:
    """The words of `text` (folded) of three letters or more that are no function word (`general.yaml`)
    and no number: what an answer says besides its glue."""
    return [
        w
        for w in _WORD.findall(fold(text))
        if len(w) >= 3 and not _FUNCTION_WORD.fullmatch(w) and not w.isdigit()
    ]


def ai_techniques(text: str) -> list[str]:
    """The AI techniques `text` names (`ai.yaml` 'ai techniques': 'logistic regression', 'LLM', 'random
    forest'), folded, in text order."""
    return [m.group(0) for m in _AI_TECHNIQUES.finditer(fold(text))]


def is_thin(text: str, thin: re.Pattern) -> bool:
    """True when every word of `text` is a function word (`general.yaml`) or a word of `thin` (a compiled
    term group such as `checker.yaml`'s 'thin security'): 'password', 'Wordt gecontroleerd.', 'me'; letters
    ('the LA working group') are no words of substance. Blank text is thin too."""
    words = _WORD.findall(fold(text))
    return all(len(w) < 3 or _FUNCTION_WORD.fullmatch(w) or thin.fullmatch(w) for w in words)

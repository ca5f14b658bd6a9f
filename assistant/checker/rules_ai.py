"""Rules on AI in an LA project (3.2 Privacy-principes): models, training data and decision process
documented (Transparantie), the AI officer involved (AI-officer), and no practice the AI Act prohibits
(Doelbinding: 'verboden AI-praktijken', manipulative, misleading or discriminating LA)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.checker.registry import (
    Context,
    Hit,
    Phrase,
    Rule,
    checker_terms,
    first_unnegated,
    hit,
    registrar,
    sentence_at,
)
from assistant.lexicon import Matcher, compile_terms, load_lexicon
from assistant.proposal import Draft
from assistant.terms import ai_techniques, is_blank, substance_words
from assistant.text import fold

__all__ = ["RULES"]

RULES: list[Rule] = []
_rule = registrar(RULES)

# The AI Act's prohibited practices that an LA project could describe (Art. 5(1)(a), (c), (f), (g)).
_PROHIBITED = Matcher(
    {
        g: checker_terms(g)
        for g in (
            "emotion recognition",
            "social scoring",
            "subliminal techniques",
            "biometric categorisation",
        )
    }
)
# A sentence that names the practice as prohibited, excluded or not done does not describe it.
_PROHIBITED_CONTEXT = compile_terms(checker_terms("named as prohibited") + checker_terms("named as not done"))
# A prohibited practice described in other words: two kinds of words in one sentence (`_described`).
_PAIR_GROUPS = (
    ("emotion recognition", "emotion state", "biometric signal"),
    ("biometric categorisation", "protected trait", "biometric signal"),
    ("social scoring", "social behaviour", "ranking use"),
    ("manipulation", "exploited vulnerability", "steering technique"),
    ("deception", "fabricated content", "shown to students"),
    ("deception", "concealment", "ai persona"),  # AI Act Art. 50(1): a bot passed off as a person
)
_PAIRS: tuple[tuple[str, re.Pattern, re.Pattern], ...] = tuple(
    (name, compile_terms(checker_terms(a)), compile_terms(checker_terms(b))) for name, a, b in _PAIR_GROUPS
)
# the first words of every pair in one pass over the narrative: which pairs can occur at all
_PAIR_FIRSTS = Matcher({a: checker_terms(a) for _, a, _ in _PAIR_GROUPS})
_SENTENCE = re.compile(r"[^.!?\n]+")
_NEGATION_INSIDE = compile_terms(load_lexicon("general").groups["negators"].terms)


def _self_negated(pattern: re.Pattern, sentence: str) -> re.Match | None:
    """A match that is itself a negation ('vertellen we niet', 'without telling'): a negator before it
    does not undo it ('om het effect niet te verminderen vertellen we niet dat ...')."""
    return next((m for m in pattern.finditer(sentence) if _NEGATION_INSIDE.search(m.group(0))), None)


# Data items that can make a model discriminate.
_FEATURES = compile_terms(checker_terms("discriminating features"))


@_rule("ai_documentation.missing", "ai_documentation", "major")
def _ai_docs(d: Draft, c: Context) -> Iterator[Hit]:
    if not c.ai_used:
        return
    if d.ai is None:
        yield hit("ai", reason=c.ai_reason)
        return
    for name in ("models", "training_data", "decision_process"):
        if is_blank(getattr(d.ai, name)):
            yield hit(f"ai.{name}", f"message_{name}", f"fix_{name}")


_UNDISCLOSED = compile_terms(checker_terms("undisclosed"))
# words of substance (three letters or more, no function word) below which an AI field says too little
_THIN_AI = {"models": 6, "training_data": 3, "decision_process": 4}


@_rule("ai_documentation.thin", "ai_documentation", "major")
def _ai_thin(d: Draft, c: Context) -> Iterator[Hit]:
    """AI documentation that says almost nothing ('Eigen model.', 'Oude verslagen.', 'Het model geeft een
    inschatting.'): at least two of models, training data and decision process are filled with fewer words
    of substance than `_THIN_AI` asks, and the models field names no technique (`ai.yaml`). The policy
    asks that models, training data and decision processes are documented (3.2 Transparantie)."""
    if not c.ai_used or d.ai is None or ai_techniques(d.ai.models):
        return
    thin = [
        name
        for name, least in _THIN_AI.items()
        if not is_blank(getattr(d.ai, name)) and len(substance_words(getattr(d.ai, name))) < least
    ]
    if len(thin) >= 2:
        yield hit(f"ai.{thin[0]}", fields=", ".join(f"ai.{n}" for n in thin))


@_rule("ai_documentation.undisclosed", "ai_documentation", "major")
def _ai_undisclosed(d: Draft, c: Context) -> Iterator[Hit]:
    """A model or its training data the draft says it does not know ('the vendor does not disclose
    which model is used'): not documented as the policy asks (3.2 Transparantie)."""
    if not c.ai_used or d.ai is None:
        return
    for name in ("models", "training_data"):
        if m := first_unnegated(_UNDISCLOSED, fold(getattr(d.ai, name))):
            yield hit(f"ai.{name}", field=f"ai.{name}", term=m.group(0))
            return


@_rule("ai_documentation.undeclared", "ai_documentation", "minor")
def _ai_undeclared(d: Draft, c: Context) -> Iterator[Hit]:
    if c.ai_used and not d.uses_ai:
        yield hit("uses_ai", reason=c.ai_reason)


@_rule("ai_documentation.area4_without_model", "ai_documentation", "minor")
def _area4_no_model(d: Draft, c: Context) -> Iterator[Hit]:
    if any(a.startswith("4") for a in d.areas) and not c.ai_used:
        yield hit("uses_ai")


@_rule("ai_officer.not_consulted", "ai_officer", "major")
def _ai_officer(d: Draft, c: Context) -> Iterator[Hit]:
    if c.ai_used and (d.ai is None or not d.ai.ai_officer_consulted):
        yield hit("ai.ai_officer_consulted")


@_rule("prohibited_ai.practice", "prohibited_ai", "blocker")
def _prohibited_practice(d: Draft, c: Context) -> Iterator[Hit]:
    for m in _PROHIBITED.finditer(c.narrative):
        if not _PROHIBITED_CONTEXT.search(sentence_at(c.narrative, m.start, m.end)):
            yield hit("summary", term=m.text)
            return


@_rule("prohibited_ai.described", "prohibited_ai", "blocker")
def _prohibited_described(d: Draft, c: Context) -> Iterator[Hit]:
    """A practice the AI Act prohibits, described without its name: in one sentence of the narrative
    (summary, purposes, data, AI block ...) an emotion with a biometric signal ('confusion or boredom
    from the webcam image': Art. 5(1)(f)), a protected trait with a biometric signal ('ethnic
    background from campus-card photos': Art. 5(1)(g)), or conduct outside the study with a ranking
    ('nuisance reports ... students with a low index go to the back of the waiting list': Art. 5(1)(c)),
    a student's fear or weak spot with a technique that steers them ('framing tuned to each student's fear
    of falling behind': Art. 5(1)(a), (b)), or made-up figures shown to students ('peer figures that are
    generated rather than measured'; the policy's 'misleidende LA-systemen', 3.2 Doelbinding).
    A sentence that names it as prohibited or not done does not count."""
    present: set[str] = set()  # cheap pre-check, one pass; a word two groups share counts for both
    for m in _PAIR_FIRSTS.finditer(c.narrative):
        present.update(
            a
            for (_, a, _), (_, first, _) in zip(_PAIR_GROUPS, _PAIRS, strict=True)
            if a == m.group or first.fullmatch(m.text)
        )
    pairs = [
        p
        for (_, a, _), p in zip(_PAIR_GROUPS, _PAIRS, strict=True)
        if a in present and p[2].search(c.narrative)
    ]
    if not pairs:
        return
    for m in _SENTENCE.finditer(c.narrative):
        sentence = m.group(0)
        for name, first, second in pairs:
            a = first_unnegated(first, sentence)
            b = first_unnegated(second, sentence)
            concealed = a is None and (a := _self_negated(first, sentence)) is not None
            if concealed:  # 'we vertellen niet dat Sam een chatbot is': the practice is the negation itself
                b = second.search(sentence)
            if a is None or b is None:
                continue
            # the sentence's own words, the practice's words left out: 'ook als dat niet zo is' describes
            # a deceit, its 'niet' does not say the practice is not done
            rest = first.sub(" ", sentence)
            if concealed or not _PROHIBITED_CONTEXT.search(rest):
                yield hit("summary", practice=Phrase(f"ai_practice.{name}"), term=a.group(0))
                return


@_rule("prohibited_ai.not_checked", "prohibited_ai", "major")
def _prohibited_checked(d: Draft, c: Context) -> Iterator[Hit]:
    if c.ai_used and (d.ai is None or not d.ai.prohibited_practices_checked):
        yield hit("ai.prohibited_practices_checked")


def _feature_item(d: Draft) -> tuple[int, str] | None:
    """(index, name) of the first data item that names a discriminating feature (gender, age, nationality)."""
    for i, item in enumerate(d.data):
        if first_unnegated(_FEATURES, fold(item.name)):
            return i, item.name
    return None


@_rule("prohibited_ai.features", "prohibited_ai", "minor")
def _ai_features(d: Draft, c: Context) -> Iterator[Hit]:
    if c.ai_used and not c.area4b and (found := _feature_item(d)):
        yield hit(f"data.{found[0]}.name", name=found[1])


@_rule("prohibited_ai.discriminating", "prohibited_ai", "major")
def _ai_discriminating(d: Draft, c: Context) -> Iterator[Hit]:
    """A model whose output is applied to individual students (area 4b: 'studenten identificeren ... met
    behulp van voorspellende modellen') with gender, age or nationality among its data: who gets
    attention then depends on a protected trait, a discriminating LA system, which the policy prohibits
    ('Elk AI-algoritme dat leidt tot ... discriminerende LA-systemen is verboden', 3.2 Doelbinding;
    cf. GDPR Art. 22(4), EU Charter Art. 21). The prohibited-practices tick does not lift it."""
    if c.ai_used and c.area4b and (found := _feature_item(d)):
        yield hit(f"data.{found[0]}.name", name=found[1])

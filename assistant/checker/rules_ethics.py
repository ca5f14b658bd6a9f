"""Rules on the ethical values of 3.1: human in the loop, fair balancing of interests, reliable and
valid analyses, and accountability."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.checker.registry import Context, Hit, Rule, checker_terms, first_unnegated, registrar
from assistant.lexicon import compile_terms
from assistant.proposal import Draft
from assistant.terms import is_blank
from assistant.text import fold

__all__ = ["RULES"]

RULES: list[Rule] = []
_rule = registrar(RULES)


def _alternation(group: str) -> str:
    return f"(?:{compile_terms(checker_terms(group)).pattern})"


# A human_in_the_loop answer that is only 'nobody', 'n/a', 'the system' ... (and punctuation).
_NOBODY_ANSWER = re.compile(_alternation("nobody") + r"\W*")
_NOBODY_INVOLVED = compile_terms(checker_terms("nobody involved"))
_AUTOMATED = compile_terms(checker_terms("automated decision"))
# 'automatisch ... e-mail' or 'bericht ... automatisch': an automatic word and a message word at most
# six words apart in one sentence (no . ! ? ; between them): a message sent to students automatically.
_WITHIN_SIX_WORDS = r"(?:[^\w.!?;]+\w+){0,6}?[^\w.!?;]+"
_AUTO_MESSAGE = re.compile(
    _alternation("automatic") + _WITHIN_SIX_WORDS + _alternation("message")
    + "|"
    + _alternation("message") + _WITHIN_SIX_WORDS + _alternation("automatic")
)  # fmt: skip
_MODEL_PERFORMANCE = compile_terms(checker_terms("model performance"))


def _no_human(text: str) -> bool:
    norm = fold(text)
    return (
        is_blank(text)
        or bool(_NOBODY_ANSWER.fullmatch(norm))
        or first_unnegated(_NOBODY_INVOLVED, norm) is not None
    )


# ---------------------------------------------------------------- human in the loop


@_rule(
    "human_in_the_loop.missing",
    "human_in_the_loop",
    "major",
    "Nobody named who interprets the results and takes decisions.",
)
def _human_missing(d: Draft, c: Context) -> Iterator[Hit]:
    if not c.area4b and _no_human(d.human_in_the_loop):
        yield (
            "human_in_the_loop",
            "The draft names nobody who interprets the results and takes decisions.",
            "Name the person or role (e.g. the course teacher) who interprets the results and decides.",
        )


@_rule(
    "human_in_the_loop.area4b",
    "human_in_the_loop",
    "blocker",
    "Area 4b (students identified by a model) without a person who decides.",
)
def _human_4b(d: Draft, c: Context) -> Iterator[Hit]:
    if c.area4b and _no_human(d.human_in_the_loop):
        yield (
            "human_in_the_loop",
            "Students are identified with a predictive model, but nobody is named who "
            "interprets the result and decides what happens.",
            "Name the role (e.g. the study advisor) who reviews each signal and decides whether and how to "
            "approach the student.",
        )


@_rule(
    "human_in_the_loop.automated",
    "human_in_the_loop",
    "blocker",
    "Decisions about students are taken automatically, without a person.",
)
def _automated(d: Draft, c: Context) -> Iterator[Hit]:
    m = first_unnegated(_AUTOMATED, c.narrative)
    if m is None and (c.area4b or c.ai_used):
        m = first_unnegated(_AUTO_MESSAGE, c.narrative)
    if m:
        yield (
            "human_in_the_loop",
            f"The draft describes automatic action on students ('{m.group(0)}').",
            "Let a person interpret each result and take the decision; the system may only advise.",
        )


# ---------------------------------------------------------------- balancing, reliability, accountability


@_rule(
    "fair_balancing.missing",
    "fair_balancing",
    "major",
    "The interests of the people involved are not weighed.",
)
def _balancing(d: Draft, c: Context) -> Iterator[Hit]:
    if is_blank(d.interests_weighed):
        yield (
            "interests_weighed",
            "The draft does not weigh the interests of the students and staff involved.",
            "Describe the interests at stake (e.g. privacy, pressure of being monitored) and why the purpose "
            "outweighs them.",
        )


@_rule("reliable_analyses.missing", "reliable_analyses", "major", "No validation of the analyses.")
def _validation(d: Draft, c: Context) -> Iterator[Hit]:
    if is_blank(d.analysis_validation):
        yield (
            "analysis_validation",
            "The draft does not say how the analyses are checked to be reliable and valid.",
            "Describe how results are validated and who has the expertise to understand and improve them.",
        )


@_rule(
    "reliable_analyses.ai_performance",
    "reliable_analyses",
    "minor",
    "AI used, but the validation says nothing about model performance or bias.",
)
def _validation_ai(d: Draft, c: Context) -> Iterator[Hit]:
    if (
        c.ai_used
        and not is_blank(d.analysis_validation)
        and not _MODEL_PERFORMANCE.search(fold(d.analysis_validation))
    ):
        yield (
            "analysis_validation",
            "The validation does not mention the model's accuracy or bias.",
            "Add how the model's accuracy and bias are measured before and during use.",
        )


@_rule("accountability.missing", "accountability", "major", "No responsible person or role.")
def _responsible(d: Draft, c: Context) -> Iterator[Hit]:
    if is_blank(d.responsible):
        yield (
            "responsible",
            "The draft names nobody responsible for the processing.",
            "Name the responsible role (e.g. programme director, project lead) who is accountable.",
        )

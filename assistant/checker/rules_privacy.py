"""Rules on the other privacy principles of 3.2: storage limitation (Opslagbeperking), transparency
(a privacy statement), security measures and the privacy scan."""

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

_INDEFINITE = compile_terms(checker_terms("indefinite retention"))
_MOMENT_WORD = compile_terms(checker_terms("retention moment"))
_DIGIT = re.compile(r"\d")  # a date or a number of days, months, years: a moment


def _names_moment(norm: str) -> bool:
    return bool(_DIGIT.search(norm) or _MOMENT_WORD.search(norm))


# ---------------------------------------------------------------- storage limitation


@_rule("storage_limitation.missing", "storage_limitation", "major", "No retention period or deletion moment.")
def _retention_missing(d: Draft, c: Context) -> Iterator[Hit]:
    if is_blank(d.retention):
        yield (
            "retention",
            "The draft does not say when the data is deleted or anonymised.",
            "State when the data is deleted or anonymised, e.g. 'deleted at the end of the academic year'.",
        )


@_rule("storage_limitation.indefinite", "storage_limitation", "major", "Data kept indefinitely.")
def _retention_indefinite(d: Draft, c: Context) -> Iterator[Hit]:
    m = None if is_blank(d.retention) else first_unnegated(_INDEFINITE, fold(d.retention))
    if m:
        yield (
            "retention",
            f"The data is kept without end ('{m.group(0)}').",
            "Delete or anonymise the data as soon as the project no longer needs it, at a stated moment.",
        )


@_rule(
    "storage_limitation.no_moment",
    "storage_limitation",
    "major",
    "Retention without a moment or period (e.g. 'as long as needed').",
)
def _retention_moment(d: Draft, c: Context) -> Iterator[Hit]:
    norm = fold(d.retention)
    if not is_blank(d.retention) and not first_unnegated(_INDEFINITE, norm) and not _names_moment(norm):
        yield (
            "retention",
            f"'{d.retention}' names no moment or period of deletion.",
            "Give a concrete moment, e.g. 'six months after the course ends' or 'at graduation'.",
        )


# ---------------------------------------------------------------- transparency, security, privacy scan


@_rule(
    "transparency.privacy_statement", "transparency", "major", "No privacy statement for the people involved."
)
def _privacy_statement(d: Draft, c: Context) -> Iterator[Hit]:
    if d.privacy_statement is not True:
        state = "says there is no" if d.privacy_statement is False else "does not mention a"
        yield (
            "privacy_statement",
            f"The draft {state} privacy statement.",
            "Write a privacy statement telling students which data is collected and used, why and by whom.",
        )


@_rule("transparency.stakeholders", "transparency", "minor", "No stakeholders named.")
def _stakeholders(d: Draft, c: Context) -> Iterator[Hit]:
    if not d.stakeholders:
        yield (
            "stakeholders",
            "The draft names no stakeholders.",
            "List who is involved or affected (students, teachers, study advisors ...) so they can be informed.",
        )


@_rule("security.missing", "security", "major", "No technical or organisational security measures.")
def _security(d: Draft, c: Context) -> Iterator[Hit]:
    if not any(not is_blank(m) for m in d.security_measures):
        yield (
            "security_measures",
            "The draft lists no security measures.",
            "List the measures: who has access (roles), where data is stored, pseudonymisation, encryption.",
        )


@_rule("privacy_scan.missing", "privacy_scan", "major", "No privacy scan done or planned.")
def _privacy_scan(d: Draft, c: Context) -> Iterator[Hit]:
    if d.privacy_scan not in ("done", "planned"):
        state = "is not planned" if d.privacy_scan == "not_planned" else "is not mentioned"
        yield (
            "privacy_scan",
            f"The privacy scan every LA proposal needs {state}.",
            "Plan the privacy scan with the faculty's privacy officer before processing starts.",
        )

"""Rules on purpose limitation and the necessity test (3.2 Privacy-principes > Doelbinding): specific
purposes, defined in advance, and why personal data is needed for them."""

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

_GENERIC = compile_terms(checker_terms("generic purpose words"))
_OPEN_ENDED = compile_terms(checker_terms("open-ended purpose"))
_NECESSITY_WEIGHED = compile_terms(checker_terms("necessity weighed"))
_WORD = re.compile(r"[\w-]+")  # a word with its hyphenated parts ('data-driven' is one word)
_MIN_SPECIFIC_WORDS = 2  # a purpose with fewer non-generic words (of 3+ letters, or numbers) is vague


def _vague(purpose: str) -> bool:
    words = [w for w in _WORD.findall(fold(purpose)) if len(w) > 2 or w.isdigit()]
    return sum(1 for w in words if not _GENERIC.fullmatch(w)) < _MIN_SPECIFIC_WORDS


# ---------------------------------------------------------------- purpose limitation


@_rule("purpose_limitation.missing", "purpose_limitation", "major", "No purpose given.")
def _purpose_missing(d: Draft, c: Context) -> Iterator[Hit]:
    if not any(not is_blank(p) for p in d.purposes):
        yield (
            "purposes",
            "The draft states no purpose.",
            "State the specific purpose(s), defined in advance: what the analysis is for, and for whom.",
        )


@_rule(
    "purpose_limitation.vague",
    "purpose_limitation",
    "major",
    "Only vague purposes such as 'improve education' (not specific, not explicitly described).",
)
def _purpose_vague(d: Draft, c: Context) -> Iterator[Hit]:
    purposes = [p for p in d.purposes if not is_blank(p)]
    if purposes and all(_vague(p) for p in purposes):
        yield (
            "purposes",
            f"The purpose '{purposes[0]}' is too general to limit the processing.",
            "Name the concrete purpose: which insight, for whom, in which course or programme, and what "
            "follows from it.",
        )


@_rule(
    "purpose_limitation.open_ended",
    "purpose_limitation",
    "major",
    "Purposes left open: other, future or still-to-be-determined uses of the data.",
)
def _purpose_open(d: Draft, c: Context) -> Iterator[Hit]:
    for i, purpose in enumerate(d.purposes):
        m = first_unnegated(_OPEN_ENDED, fold(purpose))
        if m:
            yield (
                f"purposes.{i}",
                f"The purpose leaves further use open ('{m.group(0)}').",
                "Remove open-ended uses; a new purpose needs its own proposal.",
            )
            return
    m = first_unnegated(_OPEN_ENDED, fold(d.summary))
    if m:
        yield (
            "summary",
            f"The summary leaves further use open ('{m.group(0)}').",
            "Remove open-ended uses; a new purpose needs its own proposal.",
        )


@_rule(
    "purpose_limitation.some_vague",
    "purpose_limitation",
    "minor",
    "Some purposes are vague next to specific ones.",
)
def _purpose_some_vague(d: Draft, c: Context) -> Iterator[Hit]:
    purposes = [p for p in d.purposes if not is_blank(p)]
    vague = [p for p in purposes if _vague(p)]
    if vague and len(vague) < len(purposes):
        yield ("purposes", f"'{vague[0]}' adds nothing specific.", "Drop it or make it concrete.")


@_rule("purpose_limitation.summary", "purpose_limitation", "minor", "No title or summary.")
def _summary(d: Draft, c: Context) -> Iterator[Hit]:
    if is_blank(d.summary) or is_blank(d.title):
        yield (
            "summary" if is_blank(d.summary) else "title",
            "The draft has no title or summary.",
            "Add a short title and a summary of the idea so reviewers see the context.",
        )


# ---------------------------------------------------------------- necessity


@_rule("necessity.missing", "necessity", "major", "No necessity test: why personal data is needed.")
def _necessity(d: Draft, c: Context) -> Iterator[Hit]:
    if is_blank(d.necessity):
        yield (
            "necessity",
            "The draft does not say why personal data is needed.",
            "Explain why the purpose cannot be reached without personal data, e.g. with anonymous or "
            "aggregated data.",
        )


@_rule(
    "necessity.alternatives",
    "necessity",
    "minor",
    "The necessity test does not say why anonymous or aggregated data will not do.",
)
def _necessity_alternatives(d: Draft, c: Context) -> Iterator[Hit]:
    if not is_blank(d.necessity) and not _NECESSITY_WEIGHED.search(fold(d.necessity)):
        yield (
            "necessity",
            "The necessity test does not weigh anonymous or aggregated data.",
            "Add why anonymous or aggregated data would not serve the purpose.",
        )

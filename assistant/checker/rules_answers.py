"""Rules on how a free-text field is answered: an answer that defers or points elsewhere instead of
answering ('volgt later, na overleg met de opleidingscommissie', 'As agreed with IT.', 'Handled
according to standard university procedures.', 'zie DMP') is no answer a reviewer can judge
(`assistant.terms.is_deferred`). One rule for every free-text field the policy asks about; its
findings take the principle and passage of the field (`BY_FIELD`). A blank field is the blank
rules' concern, not this one's.
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant.checker.registry import BY_FIELD, Context, Hit, Rule, checker_terms, hit, registrar
from assistant.lexicon import compile_terms
from assistant.proposal import Draft
from assistant.terms import is_blank, is_deferred

__all__ = ["RULES", "DEFERRABLE"]

RULES: list[Rule] = []
_rule = registrar(RULES)

DEFERRABLE: tuple[str, ...] = (
    "necessity",
    "human_in_the_loop",
    "interests_weighed",
    "analysis_validation",
    "responsible",
)
"""The free-text fields of the draft format whose answer a policy passage asks for (retention has its
own rules on the end it names: `storage_limitation.no_moment` judges 'conform de gebruikelijke termijn')."""
_AI_FIELDS = ("models", "training_data", "decision_process")
_LISTS = ("purposes", "security_measures")

# organisations and teams ('IT', 'the faculty') say nothing themselves beside a deferral
_GENERIC = compile_terms(checker_terms("thin responsible"))


def _deferred(value: str) -> bool:
    return not is_blank(value) and is_deferred(value, _GENERIC)


@_rule("answers.deferred", BY_FIELD, "major")
def _deferred_answer(d: Draft, c: Context) -> Iterator[Hit]:
    """A field answered by deferring it or pointing elsewhere; a list when every item does so."""
    for field in DEFERRABLE:
        value = getattr(d, field)
        if _deferred(value):
            yield hit(field, field=field, given=value)
    if d.ai is not None:
        for field in _AI_FIELDS:
            value = getattr(d.ai, field)
            if _deferred(value):
                yield hit(f"ai.{field}", field=f"ai.{field}", given=value)
    for field in _LISTS:
        items = [v for v in getattr(d, field) if not is_blank(v)]
        if items and all(_deferred(v) for v in items):
            yield hit(field, field=field, given="; ".join(items))

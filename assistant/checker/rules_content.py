"""The learned second reader as a rule (`assistant.checker.learned`): a principle whose text reads like
the drafts reviewers flagged on it, while no rule flags it, gets one major finding that names the score
and the words that weighed most, and cites the principle's passage. Its findings take the principle of
the field they point at (`learned.MAIN_FIELD`), so the passage is the principle's own.

The engine runs this rule after the others and it skips a principle that another rule already has a
finding on, of any severity (`Context.ruled`, set by `engine.check_draft`): the rule read that very text and judged how grave the gap is ('until the
student graduates' names an event, a minor gap), and a reviewer reads its reason, not a second, vaguer one.
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant.checker.learned import MAIN_FIELD, load_model
from assistant.checker.registry import BY_FIELD, Context, Hit, Rule, hit, registrar
from assistant.policy import PRINCIPLES
from assistant.proposal import Draft

__all__ = ["RULES", "RULE_ID"]

RULES: list[Rule] = []
_rule = registrar(RULES)
RULE_ID = "content.reads_like"


@_rule(RULE_ID, BY_FIELD, "major")
def _reads_like(d: Draft, c: Context) -> Iterator[Hit]:
    """A principle the learned model scores at or above its threshold."""
    model = load_model()
    if model is None:
        return
    for score in model.flagged(d, skip=c.ruled):
        yield hit(
            MAIN_FIELD[score.principle],
            principle=PRINCIPLES[score.principle],
            score=f"{score.probability:.2f}",
            words=", ".join(f"'{t}'" for t in score.terms) or "-",
        )

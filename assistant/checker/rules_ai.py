"""Rules on AI in an LA project (3.2 Privacy-principes): models, training data and decision process
documented (Transparantie), the AI officer involved (AI-officer), and no practice the AI Act prohibits
(Doelbinding: 'verboden AI-praktijken', manipulative, misleading or discriminating LA)."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.checker.registry import Context, Hit, Rule, checker_terms, first_unnegated, registrar
from assistant.lexicon import Matcher, compile_terms
from assistant.proposal import Draft
from assistant.terms import is_blank
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
# Data items that can make a model discriminate.
_FEATURES = compile_terms(checker_terms("discriminating features"))


@_rule(
    "ai_documentation.missing",
    "ai_documentation",
    "major",
    "AI used without documented models, training data and decision process.",
)
def _ai_docs(d: Draft, c: Context) -> Iterator[Hit]:
    if not c.ai_used:
        return
    if d.ai is None:
        yield (
            "ai",
            f"AI is used ({c.ai_reason}) but models, training data and decision process are not documented.",
            "Fill in the ai block: models, training data and decision process.",
        )
        return
    for name, label in (
        ("models", "models"),
        ("training_data", "training data"),
        ("decision_process", "decision process"),
    ):
        if is_blank(getattr(d.ai, name)):
            yield (
                f"ai.{name}",
                f"AI is used but the {label} is not documented.",
                f"Document the {label} of the AI used.",
            )


@_rule(
    "ai_documentation.undeclared",
    "ai_documentation",
    "minor",
    "The text describes AI while uses_ai is false.",
)
def _ai_undeclared(d: Draft, c: Context) -> Iterator[Hit]:
    if c.ai_used and not d.uses_ai:
        yield (
            "uses_ai",
            f"uses_ai is false, but {c.ai_reason}.",
            "Set uses_ai to true (the AI rules apply).",
        )


@_rule(
    "ai_documentation.area4_without_model",
    "ai_documentation",
    "minor",
    "An area-4 project that describes no predictive model.",
)
def _area4_no_model(d: Draft, c: Context) -> Iterator[Hit]:
    if any(a.startswith("4") for a in d.areas) and not c.ai_used:
        yield (
            "uses_ai",
            "Area 4 works with predictive models, but the draft describes none.",
            "Describe the predictive model (and set uses_ai), or check whether area 4 is right.",
        )


@_rule("ai_officer.not_consulted", "ai_officer", "major", "AI used without involving the AI officer.")
def _ai_officer(d: Draft, c: Context) -> Iterator[Hit]:
    if c.ai_used and (d.ai is None or not d.ai.ai_officer_consulted):
        yield (
            "ai.ai_officer_consulted",
            "AI is used but the AI officer has not been involved.",
            "Involve the AI officer to assess the risks of the AI and record it (ai_officer_consulted).",
        )


@_rule(
    "prohibited_ai.practice",
    "prohibited_ai",
    "blocker",
    "The draft describes an AI-Act prohibited practice (emotion recognition, social scoring, subliminal "
    "manipulation).",
)
def _prohibited_practice(d: Draft, c: Context) -> Iterator[Hit]:
    for m in _PROHIBITED.finditer(c.narrative):
        start = max(c.narrative.rfind(".", 0, m.start), c.narrative.rfind("\n", 0, m.start)) + 1
        stop = c.narrative.find(".", m.end)
        sentence = c.narrative[start : stop if stop >= 0 else None]
        if not _PROHIBITED_CONTEXT.search(sentence):
            yield (
                "summary",
                f"The draft describes '{m.text}', a practice the AI Act prohibits in education.",
                "Remove this part of the project; it cannot be approved.",
            )
            return


@_rule(
    "prohibited_ai.not_checked",
    "prohibited_ai",
    "major",
    "AI used without a check against the AI Act's prohibited practices.",
)
def _prohibited_checked(d: Draft, c: Context) -> Iterator[Hit]:
    if c.ai_used and (d.ai is None or not d.ai.prohibited_practices_checked):
        yield (
            "ai.prohibited_practices_checked",
            "AI is used but it has not been checked against the AI Act's prohibited practices.",
            "Check that the AI cannot lead to manipulative, deceptive or discriminating LA and record it.",
        )


@_rule(
    "prohibited_ai.features",
    "prohibited_ai",
    "minor",
    "AI with gender, age or nationality among the data: check for discriminating effects.",
)
def _ai_features(d: Draft, c: Context) -> Iterator[Hit]:
    if c.ai_used:
        for i, item in enumerate(d.data):
            if first_unnegated(_FEATURES, fold(item.name)):
                yield (
                    f"data.{i}.name",
                    f"'{item.name}' in an AI model can discriminate.",
                    "Leave it out of the model or show in the validation that it does not discriminate.",
                )
                return

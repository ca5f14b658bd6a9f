"""Rules on the scope of LA: an application area (policy section 2) and general personal data only
(3.2 Privacy-principes > Categorieën persoonsgegevens)."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.checker.registry import Context, Hit, Rule, checker_terms, first_unnegated, registrar
from assistant.lexicon import compile_terms
from assistant.policy import AREA_IDS
from assistant.proposal import Draft
from assistant.terms import classify_data_name, is_blank
from assistant.text import fold

__all__ = ["RULES"]

RULES: list[Rule] = []
_rule = registrar(RULES)

# ---------------------------------------------------------------- area


@_rule(
    "area.missing", "area", "blocker", "No application area: every proposal must fall in one of areas 1a-4b."
)
def _area_missing(d: Draft, c: Context) -> Iterator[Hit]:
    if not d.areas:
        yield (
            "areas",
            "The draft names no application area.",
            "Add the area(s) of section 2 the project falls in (1a-4b), e.g. '1a' for a student dashboard.",
        )


@_rule("area.unknown", "area", "blocker", "An area id outside 1a-4b.")
def _area_unknown(d: Draft, c: Context) -> Iterator[Hit]:
    for i, area in enumerate(d.areas):
        if area not in AREA_IDS:
            yield (
                f"areas.{i}",
                f"'{area}' is not an application area of the policy.",
                f"Use one of {', '.join(AREA_IDS)}; a project outside these areas is not acceptable LA.",
            )


# ---------------------------------------------------------------- data categories


@_rule(
    "data_categories.special",
    "data_categories",
    "blocker",
    "A data item is declared special-category data (GDPR art. 9/10): out of scope of LA.",
)
def _declared_special(d: Draft, c: Context) -> Iterator[Hit]:
    for i, item in enumerate(d.data):
        if item.category == "special":
            yield (
                f"data.{i}.category",
                f"'{item.name or f'data item {i + 1}'}' is special-category personal "
                "data; processing it is outside the scope of LA.",
                "Remove this data item; LA projects process general personal data only.",
            )


@_rule(
    "data_categories.sensitive",
    "data_categories",
    "blocker",
    "A data item is declared sensitive data (e.g. BSN, financial data): out of scope of LA.",
)
def _declared_sensitive(d: Draft, c: Context) -> Iterator[Hit]:
    for i, item in enumerate(d.data):
        if item.category == "sensitive":
            yield (
                f"data.{i}.category",
                f"'{item.name or f'data item {i + 1}'}' is sensitive personal data; "
                "processing it is outside the scope of LA.",
                "Remove this data item or replace it by general data that serves the purpose.",
            )


@_rule(
    "data_categories.named",
    "data_categories",
    "major",
    "A data item labelled general is named like special or sensitive data (Dutch and English term lists).",
)
def _named_category(d: Draft, c: Context) -> Iterator[Hit]:
    for i, item in enumerate(d.data):
        if item.category != "general":
            continue
        hit = classify_data_name(f"{item.name} ; {item.source}")
        if hit:
            kind = "special-category" if hit.category == "special" else "sensitive"
            yield (
                f"data.{i}.name",
                f"'{item.name}' is labelled general but looks like {kind} data ({hit.group}: '{hit.term}').",
                "Remove the item, or rename it so it is clear it holds general data only; a reviewer "
                "must confirm.",
            )


@_rule(
    "data_categories.no_data",
    "data_categories",
    "major",
    "No data items listed, so the categories of personal data cannot be checked.",
)
def _no_data(d: Draft, c: Context) -> Iterator[Hit]:
    if not any(not is_blank(item.name) for item in d.data):
        yield (
            "data",
            "The draft lists no personal data.",
            "List each kind of personal data (name, category, source), e.g. 'quiz scores, general, Brightspace'.",
        )


@_rule(
    "data_categories.mentioned",
    "data_categories",
    "minor",
    "The text mentions special or sensitive data that is not among the data items.",
)
def _mentioned_category(d: Draft, c: Context) -> Iterator[Hit]:
    text = " .\n".join([d.title, d.summary, *d.purposes, d.necessity])
    hit = classify_data_name(text)
    if hit and not any(classify_data_name(f"{i.name} ; {i.source}") for i in d.data):
        yield (
            "summary",
            f"The text mentions '{hit.term}' ({hit.group}).",
            "Make sure no such data is processed, or say explicitly that it is not.",
        )


# Proxies for a special category (advice only): worth a second look, not out of scope by themselves.
_PROXY = compile_terms(checker_terms("proxy data"))


@_rule(
    "data_categories.proxy",
    "data_categories",
    "minor",
    "A data item (nationality, country of birth, postcode) can stand in for ethnic origin or income.",
)
def _proxy(d: Draft, c: Context) -> Iterator[Hit]:
    for i, item in enumerate(d.data):
        if item.category == "general" and first_unnegated(_PROXY, fold(item.name)):
            yield (
                f"data.{i}.name",
                f"'{item.name}' can reveal ethnic origin or financial situation.",
                "Explain why it is needed, or leave it out.",
            )

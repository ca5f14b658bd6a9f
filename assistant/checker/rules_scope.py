"""Rules on the scope of LA: an application area (policy section 2) and general personal data only
(3.2 Privacy-principes > Categorieën persoonsgegevens: 'De verwerking van bijzondere en gevoelige
persoonsgegevens valt niet binnen de scope van LA')."""

from __future__ import annotations

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
)
from assistant.checker.rules_purpose import all_purposes_outside
from assistant.lexicon import compile_terms
from assistant.policy import AREA_IDS
from assistant.proposal import Draft
from assistant.terms import classify_data_name, is_blank
from assistant.text import fold

__all__ = ["RULES"]


RULES: list[Rule] = []
_rule = registrar(RULES)


def _item_name(name: str, i: int) -> str | Phrase:
    return name or Phrase("data_item", {"n": i + 1})


# ---------------------------------------------------------------- area


@_rule("area.missing", "area", "blocker")
def _area_missing(d: Draft, c: Context) -> Iterator[Hit]:
    if not d.areas:
        yield hit("areas")


@_rule("area.unknown", "area", "blocker")
def _area_unknown(d: Draft, c: Context) -> Iterator[Hit]:
    for i, area in enumerate(d.areas):
        if area not in AREA_IDS:
            yield hit(f"areas.{i}", area=area, areas=", ".join(AREA_IDS))


@_rule("area.outside", "area", "major")
def _area_outside(d: Draft, c: Context) -> Iterator[Hit]:
    """Every listed purpose falls in none of the areas (section 2; the terms of
    `purpose_limitation.outside_areas`: staff appraisal, selling, admission, ...): whatever area the draft
    claims, the project itself is not LA. One outside purpose beside an LA purpose is a purpose
    limitation finding only."""
    if term := all_purposes_outside(d):
        yield hit("purposes", term=term, areas=", ".join(d.areas) or "-")


# ---------------------------------------------------------------- data categories


@_rule("data_categories.special", "data_categories", "blocker")
def _declared_special(d: Draft, c: Context) -> Iterator[Hit]:
    for i, item in enumerate(d.data):
        if item.category == "special":
            yield hit(f"data.{i}.category", name=_item_name(item.name, i))


@_rule("data_categories.sensitive", "data_categories", "blocker")
def _declared_sensitive(d: Draft, c: Context) -> Iterator[Hit]:
    for i, item in enumerate(d.data):
        if item.category == "sensitive":
            yield hit(f"data.{i}.category", name=_item_name(item.name, i))


@_rule("data_categories.named", "data_categories", "blocker")
def _named_category(d: Draft, c: Context) -> Iterator[Hit]:
    """Whatever its label (general, or none at all): 3.2 puts special and sensitive data outside LA."""
    for i, item in enumerate(d.data):
        if item.category != "general":
            continue
        found = classify_data_name(f"{item.name} ; {item.source}")
        if found:
            yield hit(
                f"data.{i}.name",
                f"message_{found.category}",
                name=item.name,
                group=Phrase(f"group.{found.group}"),
                term=found.term,
            )


@_rule("data_categories.no_category", "data_categories", "minor")
def _no_category(d: Draft, c: Context) -> Iterator[Hit]:
    for i, item in enumerate(d.data):
        if "category" in item.defaulted_fields and not is_blank(item.name):
            yield hit(f"data.{i}.category", name=item.name)


@_rule("data_categories.no_data", "data_categories", "major")
def _no_data(d: Draft, c: Context) -> Iterator[Hit]:
    if not any(not is_blank(item.name) for item in d.data):
        yield hit("data")


@_rule("data_categories.mentioned", "data_categories", "major")
def _mentioned_category(d: Draft, c: Context) -> Iterator[Hit]:
    found = classify_data_name(" .\n".join([d.title, d.summary, *d.purposes, d.necessity]), names=True)
    if found and not any(classify_data_name(f"{i.name} ; {i.source}") for i in d.data):
        yield hit("summary", term=found.term, group=Phrase(f"group.{found.group}"))


# Proxies for a special category (advice only): worth a second look, not out of scope by themselves.
_PROXY = compile_terms(checker_terms("proxy data"))


@_rule("data_categories.proxy", "data_categories", "minor")
def _proxy(d: Draft, c: Context) -> Iterator[Hit]:
    for i, item in enumerate(d.data):
        if item.category == "general" and first_unnegated(_PROXY, fold(item.name)):
            yield hit(f"data.{i}.name", name=item.name)

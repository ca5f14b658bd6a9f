"""Rules on the draft's keys: a key spelled like a field in another case was read as that field
(`keys.renamed`), and a key close to a field that was not read is named with a 'did you mean'
(`keys.unknown`). A finding takes the principle and the passage of the field it is about.

Close means: the same letters once case and separators are ignored (`proposal` reads those), a
`difflib` similarity of at least `_CLOSE` between the keys without separators, or a key equal to a
word of one field's name only ('decision' -> 'decision_process'). Keys the drafter and other tools
add (`evidence`, `suggested`, `areas_ranked`, ...) are never flagged.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from functools import cache

from assistant.checker.registry import BY_FIELD, Context, Hit, Rule, hit, registrar
from assistant.proposal import AIInfo, DataItem, Draft

__all__ = ["RULES", "near_field"]

RULES: list[Rule] = []
_rule = registrar(RULES)

_CLOSE = 0.8  # difflib ratio from which a key counts as a misspelling of a field
_MIN_WORD = 4  # a key equal to a word of a field name counts when the word has this many letters
_TOOL_KEYS = frozenset(
    {"evidence", "suggested", "areas_ranked", "citations", "warnings", "format", "version", "language",
     "id", "open", "method", "notes", "note", "comments", "comment"}
)  # fmt: skip


def _canon(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


@cache
def _index(fields: tuple[str, ...]) -> tuple[dict[str, str], dict[str, str]]:
    """(field without separators -> field, word of exactly one field name -> field)."""
    words: dict[str, set[str]] = {}
    for f in fields:
        for word in f.split("_"):
            words.setdefault(word, set()).add(f)
    unique = {w: next(iter(fs)) for w, fs in words.items() if len(fs) == 1 and len(w) >= _MIN_WORD}
    return {_canon(f): f for f in fields}, unique


def near_field(key: str, fields: tuple[str, ...]) -> str | None:
    """The field of `fields` that `key` most likely means, or None (see the module docstring)."""
    canon, words = _index(fields)
    key_canon = _canon(key)
    if key_canon in canon:
        return canon[key_canon]
    close = difflib.get_close_matches(key_canon, list(canon), n=1, cutoff=_CLOSE)
    if close:
        return canon[close[0]]
    return words.get(key.lower().strip())


def _unknown(extra: Mapping[str, object] | None, model, prefix: str, given: set[str]) -> Iterator[Hit]:
    fields = tuple(model.model_fields)
    for key in extra or {}:
        if key in _TOOL_KEYS or not isinstance(key, str):
            continue
        field = near_field(key, fields)
        if field is not None and (field not in given or _canon(key) == _canon(field)):
            yield hit(f"{prefix}{field}", key=f"{prefix}{key}", field=f"{prefix}{field}")


@_rule("keys.renamed", BY_FIELD, "minor")
def _renamed(d: Draft, c: Context) -> Iterator[Hit]:
    parts: list[tuple[str, Draft | AIInfo | DataItem]] = [("", d)]
    parts += [("ai.", d.ai)] if d.ai is not None else []
    parts += [(f"data.{i}.", item) for i, item in enumerate(d.data)]
    for prefix, part in parts:
        for key, field in part.renamed_keys.items():
            yield hit(f"{prefix}{field}", key=f"{prefix}{key}", field=f"{prefix}{field}")


@_rule("keys.unknown", BY_FIELD, "major")
def _did_you_mean(d: Draft, c: Context) -> Iterator[Hit]:
    yield from _unknown(d.model_extra, Draft, "", d.model_fields_set)
    if d.ai is not None:
        yield from _unknown(d.ai.model_extra, AIInfo, "ai.", d.ai.model_fields_set)
    for i, item in enumerate(d.data):
        yield from _unknown(item.model_extra, DataItem, f"data.{i}.", item.model_fields_set)


_RESEARCH_ONLY = ("informed_consent", "ethics_approval")  # 3.2: asked of research projects only


def _free_text_bools(d: Draft, c: Context) -> Iterator[tuple[str, str, bool]]:
    """(field, text given, whether the policy asks for the field here) per true/false field given as free
    text: informed consent and ethics approval are asked of research projects only (3.2 Rechtmatige
    grondslag > LA-onderzoeksprojecten)."""
    for field, given in d.set_aside.items():
        if field.removeprefix("ai.") in (*Draft._BOOLS, *AIInfo._BOOLS):
            yield field, given, c.research or field not in _RESEARCH_ONLY


@_rule("keys.not_yes_no", BY_FIELD, "major")
def _not_yes_no(d: Draft, c: Context) -> Iterator[Hit]:
    """Free text in a true/false field, read as not given (`proposal._lenient`)."""
    for field, given, asked in _free_text_bools(d, c):
        if asked:
            yield hit(field, field=field, given=given)


@_rule("keys.not_yes_no_unasked", BY_FIELD, "minor")
def _not_yes_no_unasked(d: Draft, c: Context) -> Iterator[Hit]:
    """Free text in informed consent or ethics approval of an implementation project: a format slip in a
    field the policy does not ask of it (its lawful basis is public interest), so advice only."""
    for field, given, asked in _free_text_bools(d, c):
        if not asked:
            yield hit(field, field=field, given=given)


@_rule("keys.not_a_choice", BY_FIELD, "major")
def _not_a_choice(d: Draft, c: Context) -> Iterator[Hit]:
    """A text that is none of a choice field's values ('after go-live' for `privacy_scan`), read as not
    given (`proposal._lenient`); the lawful basis has its own rule (`legal_basis.not_in_policy`)."""
    for field in ("privacy_scan", "project_type"):
        if given := d.set_aside.get(field):
            yield hit(field, field=field, given=given)


@_rule("keys.text_as_list", BY_FIELD, "minor")
def _text_as_list(d: Draft, c: Context) -> Iterator[Hit]:
    """A plain text where a list is expected, read as a list of that one text (`proposal._lenient`)."""
    for field, given in d.set_aside.items():
        if field in ("purposes", "stakeholders", "security_measures"):
            yield hit(field, field=field, given=given)

"""Choice and yes/no values read the way people write them (issue 16 point 4): 'ja', 'Yes (consulted on 3
May)', 'Publieke taak (art. 6 lid 1 sub e AVG)', 'completed on 12 March 2026'. The other spellings are the
`yes`, `no`, `yes-no hedge` and `value <enum value>` groups of data/lexicons/general.yaml."""

from __future__ import annotations

import re
from typing import Any

from assistant.lexicon import compile_terms, load_lexicon
from assistant.terms import is_blank
from assistant.text import fold

__all__ = ["ENUM_VALUES", "bool_word", "norm_enum"]

ENUM_VALUES = frozenset(
    ("implementation", "research", "general", "sensitive", "special", "public_interest", "consent")
    + ("done", "planned", "not_planned")
)
"""Every value of the draft format's choice fields (`assistant.proposal`'s Literal types; a test keeps the
two equal)."""

# Other spellings accepted for enum values (after lower-casing and '-'/' ' -> '_'): the `value <enum
# value>` groups of data/lexicons/general.yaml.
_GENERAL = load_lexicon("general").groups
_ALIASES: dict[str, str] = {
    re.sub(r"[\s\-]+", "_", fold(term)): name.removeprefix("value ")
    for name, group in _GENERAL.items()
    if name.startswith("value ")
    for term in group.terms
}


_YES = compile_terms(_GENERAL["yes"].terms)
_NO = compile_terms(_GENERAL["no"].terms)


_HEDGE = compile_terms(_GENERAL["yes-no hedge"].terms)
_LEADING_WORD = re.compile(r"(\w+)\s*[,;:(\u2013\u2014-]\s*\S")


def bool_word(value: str) -> Any:
    """True/False for a yes or no word, also one that leads an explanation with nothing hedging it ('Ja,
    opgenomen in de privacyverklaring', 'No - the model only counts'; not 'ja, maar nog niet
    gepubliceerd'); None for a placeholder ('onbekend', 'n.v.t.'); else `value`."""
    norm = fold(value).strip().rstrip(".!")
    if _YES.fullmatch(norm):
        return True
    if _NO.fullmatch(norm):
        return False
    if (m := _LEADING_WORD.match(norm)) and not _HEDGE.search(norm, m.end(1)):
        if _YES.fullmatch(m.group(1)):
            return True
        if _NO.fullmatch(m.group(1)):
            return False
    return None if is_blank(value) else value


def norm_enum(value: Any) -> Any:
    """A choice field's value: the format's value for an accepted spelling ('implementatie', 'algemeen belang
    (publieke taak)'), None for a placeholder ('onbekend', 'n.v.t.'), else the text lower-cased with '_'
    for spaces (which validation then refuses); a non-text value unchanged."""
    if isinstance(value, str):
        if value in ENUM_VALUES:
            return value
        if bool_word(value) is None:
            return None  # a placeholder ('onbekend', 'n.v.t.'); 'yes'/'no' stay and are refused
        folded = fold(value).strip()
        key = re.sub(r"[\s\-]+", "_", folded)
        if not key:
            return None
        if key in _ALIASES:
            return _ALIASES[key]
        head = re.sub(r"[\s\-]+", "_", _DASH.split(folded, maxsplit=1)[0].strip())  # 'Done - by the DPO'
        if _OTHER_PROJECT.search(folded):
            return key  # 'aangevraagd in 2021 voor het vorige dashboard': not this proposal's
        return _leading_alias(head) or key
    return value


_OTHER_PROJECT = compile_terms(_GENERAL["other project"].terms)
_DASH = re.compile(r"\s[-\u2013\u2014]\s")
_DETAIL = re.compile(r"[(:;,/]|_(?:on|op|in|per|voor|for|sinds|since|at|by|door|om|d\.d\.)_|_\d")


def _leading_alias(key: str) -> str | None:
    """The enum value of a choice given with details after it ('Publieke taak (art. 6 lid 1 sub e AVG)',
    'completed on 12 March 2026', 'onderzoek, promotietraject', 'Done - by the privacy officer'): the
    alias or value before the first dash, bracket, colon, comma or date, when the words before it are one."""
    head = _DETAIL.split(key, maxsplit=1)[0].strip("_. ")
    if head in ENUM_VALUES:
        return head
    return _ALIASES.get(head)

"""The one term matcher, and the term lists it reads from `assistant/data/lexicons/*.yaml`.

Syntax of a term (matched on `text.fold`ed text, so case, accents, ligatures, soft hyphens and
no-break spaces never matter):

- `word`        the whole word: `ras` matches "ras" but not "rasterplot" or "ras-" ... (a word ends
                where a letter or digit is not followed by another one);
- `prefix*`     a word that starts with `prefix`, matched to the end of the word including hyphenated
                parts: `medisch*` matches "medische" and the whole of "medisch-ethisch";
- `*infix*`     `infix` anywhere inside a word (Dutch compounds): `*cijfer*` matches "tentamencijfers";
- `*suffix`     a word that ends with `suffix` (Dutch compounds): `*toets` matches "oefentoets" and
                "toets" but not "toetsing";
- `two words`   a phrase: the words in this order with any whitespace between; the last word may carry
                `*` (`sick leave*`).

A word starts after a character that is not a letter or digit (a hyphen starts a new word, so
`project` matches inside "LA-project"). Each group in a lexicon file names where its terms come
from (`source`): a policy passage (`policy: <section path>`), a GDPR / AVG / UAVG / AI Act article,
or `general vocabulary`. `tests/test_lexicon.py` proves the syntax; `tests/test_policy.py` proves
the policy pointers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, field_validator

from assistant.errors import ConfigError
from assistant.text import fold

__all__ = [
    "TermGroup",
    "LexiconFile",
    "Match",
    "Matcher",
    "term_regex",
    "compile_terms",
    "load_lexicon",
    "load_data_file",
    "YAML_LOADER",
]

_SOURCES = ("policy:", "GDPR", "AVG", "UAVG", "AI Act", "general vocabulary", "Dutch DPA")
_TERM = re.compile(r"^\*?[^*\s](?:[^*]*[^*\s])?\*?$")  # no inner '*', no space next to one


def term_regex(term: str) -> str:
    """The regular expression (no groups) for one term in the lexicon syntax above."""
    t = fold(term)
    if not _TERM.match(t):
        raise ValueError(f"not a lexicon term: {term!r} (word, prefix*, *infix*, *suffix or a phrase)")
    infix, prefix = t.startswith("*"), t.endswith("*")
    body = r"\s+".join(re.escape(w) for w in t.strip("*").split(" "))
    start = r"[\w-]*" if infix else r"(?<!\w)"
    end = r"[\w-]*" if prefix else r"(?!\w)"
    return start + body + end


_WORD_START = r"(?<!\w)"


def _alternatives(terms: Iterable[str]) -> tuple[list[str], list[str]]:
    r"""The regexes of `terms`, longest first, as (word-start terms without their leading `(?<!\w)`,
    grouped by first character (`_by_first_character`), infix terms). One shared `(?<!\w)` keeps the regex
    engine's first-character test, which a lookbehind in front of every alternative defeats (about 30x
    slower on the category lexicon)."""
    regexes = sorted({term_regex(t) for t in terms}, key=len, reverse=True)
    anchored = [r[len(_WORD_START) :] for r in regexes if r.startswith(_WORD_START)]
    return _by_first_character(anchored), [r for r in regexes if not r.startswith(_WORD_START)]


def _by_first_character(alternatives: list[str]) -> list[str]:
    r"""`alternatives` (word-start term regexes, longest first) grouped under their first character:
    'abc|abd|xy' -> 'a(?:bc|bd)|x(?:y)'. Two alternatives with different first characters never match at
    one position, and within a group the order (longest first) is kept, so what matches is unchanged;
    the regex engine tests one character instead of entering every alternative (about 2x faster on the
    category lexicon)."""
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        head = alternative[:2] if alternative.startswith("\\") else alternative[:1]
        groups.setdefault(head, []).append(alternative[len(head) :])
    return [f"{head}(?:{'|'.join(rest)})" for head, rest in groups.items()]


def _join(anchored: list[str], infix: list[str]) -> re.Pattern:
    parts = ([f"{_WORD_START}(?:{'|'.join(anchored)})"] if anchored else []) + infix
    return re.compile("|".join(parts) or r"(?!x)x")  # (?!x)x matches nothing


def compile_terms(terms: Iterable[str]) -> re.Pattern:
    """One compiled alternation of `terms` (longest first, so the longest term wins at a position;
    word-start terms before infix terms)."""
    return _join(*_alternatives(terms))


@dataclass(frozen=True)
class Match:
    """A term found in a folded text: the group it belongs to and its span in the folded text."""

    group: str
    text: str
    start: int
    end: int


class Matcher:
    """Several named term groups compiled into one regular expression: one pass over a text.

    `groups` maps a group name to its terms. Matches never overlap; at one position a word-start term
    wins over an infix term, and among those the longest alternative of the earliest-listed group.
    """

    def __init__(self, groups: Mapping[str, Iterable[str]]) -> None:
        self.names = list(groups)
        anchored, infix = [], []  # named groups g<n> (word-start terms) and i<n> (infix terms) of group n
        for n, name in enumerate(self.names):
            a, i = _alternatives(groups[name])
            if a:
                anchored.append(f"(?P<g{n}>{'|'.join(a)})")
            if i:
                infix.append(f"(?P<i{n}>{'|'.join(i)})")
        self._re = _join(anchored, infix)

    def finditer(self, folded: str) -> Iterable[Match]:
        """Matches in an already folded text, in text order."""
        for m in self._re.finditer(folded):
            yield Match(self.names[int(m.lastgroup[1:])], m.group(0), m.start(), m.end())

    def find(self, text: str) -> list[Match]:
        """Matches in `text` (folded here), in text order."""
        return list(self.finditer(fold(text)))

    def counts(self, text: str) -> dict[str, int]:
        """How often each group occurs in `text`; groups that do not occur are left out."""
        out: dict[str, int] = {}
        for m in self.finditer(fold(text)):
            out[m.group] = out.get(m.group, 0) + 1
        return out


# --------------------------------------------------------------------------- lexicon files


class TermGroup(BaseModel):
    """A named list of terms with the source it was written from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    """`policy: <section path>`, a GDPR / AVG / UAVG / AI Act article, or `general vocabulary`."""
    terms: tuple[str, ...]
    """Terms in the lexicon syntax (see the module docstring)."""
    note: str = ""
    """Why the group exists, when its name does not say it."""

    @field_validator("source")
    @classmethod
    def _known_source(cls, v: str) -> str:
        if not v.startswith(_SOURCES):
            raise ValueError(f"source must start with one of {_SOURCES}, not {v!r}")
        return v

    @field_validator("terms")
    @classmethod
    def _valid_terms(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for t in v:
            term_regex(t)
        if len({fold(t) for t in v}) != len(v):
            raise ValueError("a term is listed twice")
        return v


class LexiconFile(BaseModel):
    """One `assistant/data/lexicons/NAME.yaml`: groups of terms, each with its source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str
    groups: dict[str, TermGroup]

    def matcher(self) -> Matcher:
        """All groups of the file in one `Matcher` (group name -> its terms), in file order."""
        return Matcher({name: g.terms for name, g in self.groups.items()})


YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader: about 10x faster
"""The YAML loader of the package's data files (libyaml's safe loader where it is built)."""

_M = TypeVar("_M", bound=BaseModel)


def load_data_file(path, model: type[_M], what: str) -> _M:
    """The YAML file `path` (a `Path` or package `Traversable`) validated as `model`. Raises
    `ConfigError` naming `what` and the file when it is missing, not YAML or not of the model (a
    packaging error). The loader of every data file: lexicons, policy, drafter items, scan reference."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
        return model.model_validate(raw)
    except FileNotFoundError as exc:
        raise ConfigError(f"{what} is missing: {path}") from exc
    except Exception as exc:  # yaml or validation errors: a broken package file
        raise ConfigError(f"{what} ({path}) is invalid: {exc}") from exc


@cache
def load_lexicon(name: str) -> LexiconFile:
    """The lexicon `assistant/data/lexicons/NAME.yaml`, validated.

    Raises `ConfigError` naming the file when it is missing or invalid (a packaging error).
    """
    path = resources.files("assistant") / "data" / "lexicons" / f"{name}.yaml"
    return load_data_file(path, LexiconFile, f"lexicon {name!r}")

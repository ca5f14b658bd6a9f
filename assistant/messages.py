"""The message catalogues, Dutch and English: the texts shown to users by the UI, the library's
error messages and the Ask pipeline's warnings.

Source: `assistant/data/messages/{nl,en}.toml` (package data). A table name plus a key is the
message key (`[review] save = ...` is `review.save`); the top-level `examples` list holds the
example questions of the Ask page. The files are read once and validated (`Catalogues`): both
languages have the same keys, every text is non-empty, and each key has the same placeholders
(`{name}`, Python `str.format` syntax) in both languages.
"""

from __future__ import annotations

import string
import tomllib
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "LANGS",
    "Lang",
    "DEFAULT_LANG",
    "Catalogue",
    "Catalogues",
    "placeholders",
    "parse_catalogue",
    "catalogues",
    "message",
]

LANGS: tuple[str, ...] = ("nl", "en")
Lang = StrEnum("Lang", {lang: lang for lang in LANGS})
"""`LANGS` as an enum: the choices of a command's `--lang`."""
DEFAULT_LANG = "en"
"""The language of the CLI and of `str(error)`; also the fallback for an unknown language."""


def placeholders(text: str) -> frozenset[str]:
    """The field names of `text`'s `str.format` placeholders (`{n}`, `{conf:.0%}` -> n, conf).
    Raises ValueError for a malformed template (an unmatched brace)."""
    names = set()
    for _literal, name, _spec, _conv in string.Formatter().parse(text):
        if name is not None:
            names.add(name.split(".", 1)[0].split("[", 1)[0])
    return frozenset(names)


class Catalogue(BaseModel):
    """The messages of one language: key -> text, plus the Ask page's example questions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lang: str = Field(description="Language code, one of LANGS.")
    examples: tuple[str, ...] = Field(min_length=1, description="Example questions for the Ask page.")
    messages: dict[str, str] = Field(description="Dotted key (e.g. review.save) -> text.")

    @field_validator("messages")
    @classmethod
    def _texts_are_usable(cls, messages: dict[str, str]) -> dict[str, str]:
        for key, text in messages.items():
            if not text.strip():
                raise ValueError(f"{key}: empty text")
            try:
                placeholders(text)
            except ValueError as exc:
                raise ValueError(f"{key}: {exc}") from None
        return messages


class Catalogues(BaseModel):
    """Every language's catalogue; the languages agree on keys and placeholders."""

    model_config = ConfigDict(frozen=True)

    languages: dict[str, Catalogue]

    @model_validator(mode="after")
    def _languages_agree(self) -> Catalogues:
        if tuple(sorted(self.languages)) != tuple(sorted(LANGS)):
            raise ValueError(f"catalogues for {sorted(self.languages)}; expected {sorted(LANGS)}")
        first, *others = (self.languages[lang] for lang in LANGS)
        for other in others:
            if missing := sorted(set(first.messages) ^ set(other.messages)):
                raise ValueError(f"keys not in both {first.lang} and {other.lang}: {', '.join(missing)}")
            for key, text in first.messages.items():
                a, b = placeholders(text), placeholders(other.messages[key])
                if a != b:
                    raise ValueError(
                        f"{key}: placeholders differ: {first.lang} {sorted(a)}, {other.lang} {sorted(b)}"
                    )
        return self

    def text(self, key: str, lang: str) -> str:
        """The unformatted text of `key` in `lang` (DEFAULT_LANG for an unknown language); KeyError
        for an unknown key."""
        return self.languages.get(lang, self.languages[DEFAULT_LANG]).messages[key]


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out |= _flatten(value, f"{prefix}{key}.")
        else:
            out[f"{prefix}{key}"] = value
    return out


def parse_catalogue(lang: str, text: str) -> Catalogue:
    """One language's catalogue from TOML text. Raises tomllib.TOMLDecodeError or
    pydantic.ValidationError."""
    data = tomllib.loads(text)
    examples = data.pop("examples", ())
    return Catalogue(lang=lang, examples=examples, messages=_flatten(data))


@cache
def catalogues() -> Catalogues:
    """The shipped catalogues, read and validated on first use (then cached for the process)."""
    folder = files("assistant") / "data" / "messages"
    return Catalogues(
        languages={
            lang: parse_catalogue(lang, (folder / f"{lang}.toml").read_text(encoding="utf-8"))
            for lang in LANGS
        }
    )


def message(key: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """The message `key` in `lang`, formatted with `params`. Raises KeyError for an unknown key or a
    placeholder without a value (a bug, caught by the catalogue tests)."""
    return catalogues().text(key, lang).format(**params)

"""Unofficial English renderings of the official Dutch passages, aligned by passage id and sentence.

The renderings live in `assistant/data/translations/<corpus stem>.<lang>.yaml` (the file's header
explains its shape): one entry per passage id, holding the official Dutch passage as the corpus
splits it today (`original`) and its rendering (`rendering`), sentence i for sentence i.
`translation_for(passage)` gives the rendering of a passage, or None when there is none or the
corpus no longer says what the rendering was written from (a rendering is never shown for changed
Dutch). The citation stays the official Dutch passage; a rendering carries its `label`
("unofficial translation") wherever it shows.

`assistant/data/translations/correspondence.yaml` says what must agree between a passage and its
rendering (names of roles, bodies and laws; numbers; article references); `disagreements` compares
any Dutch/English pair with it, and `alignment_problems` compares a translation file with the
corpus. `tests/test_translation.py` runs both on every passage.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from assistant.corpus import Passage
from assistant.errors import ConfigError
from assistant.lexicon import YAML_LOADER, Matcher, TermGroup
from assistant.text import fold, split_sentences

__all__ = [
    "TRANSLATIONS_DIR",
    "Side",
    "Entry",
    "TranslationFile",
    "Correspondence",
    "Rendering",
    "Span",
    "load_translation",
    "translation_files",
    "load_correspondence",
    "translation_for",
    "numbers_in",
    "articles_in",
    "names_in",
    "disagreements",
    "alignment_problems",
]

TRANSLATIONS_DIR: Traversable = resources.files("assistant") / "data" / "translations"
"""Where the shipped translation files and `correspondence.yaml` live."""

Span = tuple[int, int]
"""A sentence span: character offsets `(start, end)`, end exclusive (`assistant.text.split_sentences`)."""


class _UniqueKeys(YAML_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, refusing a key given twice in one mapping (YAML would keep the last silently,
    and a passage rendered twice is one rendering too many)."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# --------------------------------------------------------------------------- file models


class Side(BaseModel):
    """One side of an entry: a section path (headings joined by ` > `) and the passage text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    section: str
    """The section path; in a rendering, the Dutch path's headings rendered one for one."""
    text: str
    """The passage text (the original: verbatim as the corpus splits it)."""

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("the text is empty")
        return v


class Entry(BaseModel):
    """One passage: the official Dutch as rendered, and its rendering."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    original: Side
    """The official passage the rendering was written from (section path and text, verbatim)."""
    rendering: Side
    """The unofficial rendering: section path and text, sentence i rendering sentence i of the original."""
    note: str = ""
    """The translator's decision where the Dutch is ambiguous or irregular."""
    sentences_differ: str = ""
    """Why the rendering has another number of sentences than the original (then no sentence pairs)."""


class TranslationFile(BaseModel):
    """`assistant/data/translations/<stem>.<language>.yaml`: the renderings of one corpus document."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    """The corpus file the passages come from, e.g. `uu-learning-analytics-beleid.md`."""
    source_language: str
    """The language of the official text (`nl`)."""
    language: str
    """The language of the renderings (`en`)."""
    label: str
    """How a rendering is labelled wherever it shows ("unofficial translation")."""
    passages: dict[str, Entry]
    """Entries by passage id (`<stem>:<nnn>`, as `assistant.corpus.split_document` numbers them)."""

    @model_validator(mode="after")
    def _ids_of_the_source(self) -> TranslationFile:
        if not self.label.strip():
            raise ValueError("label is empty: a rendering must say that it is unofficial")
        stem = Path(self.source).stem
        slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:48]  # as corpus._slug
        wrong = [pid for pid in self.passages if not re.fullmatch(rf"{re.escape(slug)}:\d{{3,}}", pid)]
        if wrong:
            raise ValueError(f"passage ids not of {self.source} ({slug}:NNN): {wrong[:5]}")
        return self


class NamePair(BaseModel):
    """A role, body or law: its Dutch and English terms (lexicon syntax) and where they come from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    """`policy: <section path>`, a GDPR / AI Act article, or `general vocabulary` (as lexicon groups)."""
    nl: tuple[str, ...]
    en: tuple[str, ...]
    note: str = ""

    @model_validator(mode="after")
    def _valid_terms(self) -> NamePair:
        for terms in (self.nl, self.en):
            TermGroup(source=self.source, terms=terms)  # raises on a bad source or term
        return self


class NumberWords(BaseModel):
    """The words for one number in each language (whole words, matched with accents kept)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nl: tuple[str, ...]
    en: tuple[str, ...]

    @field_validator("nl", "en")
    @classmethod
    def _words(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [w for w in v if not re.fullmatch(r"\w+", w)]
        if bad:
            raise ValueError(f"number words are single words: {bad}")
        return v


class NumberTable(BaseModel):
    """Number words by value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    note: str = ""
    words: dict[int, NumberWords]


class ArticleWords(BaseModel):
    """The words that introduce an article number ("art. 9", "Article 5")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    nl: tuple[str, ...]
    en: tuple[str, ...]


class Correspondence(BaseModel):
    """`assistant/data/translations/correspondence.yaml`: what must agree between Dutch and English."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    names: dict[str, NamePair]
    numbers: NumberTable
    articles: ArticleWords


# --------------------------------------------------------------------------- loading


def _read(path: Path | Traversable, what: str) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeys)
    except FileNotFoundError as exc:
        raise ConfigError(f"the {what} {path} is missing") from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"the {what} {path} cannot be read: {exc}") from exc


@cache
def load_translation(path: Path | Traversable) -> TranslationFile:
    """The translation file at `path`, validated.

    Raises `ConfigError` naming the file when it is missing, not YAML, or does not match the models.
    """
    raw = _read(path, "translation file")
    try:
        return TranslationFile.model_validate(raw)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise ConfigError(f"the translation file {path} is invalid: {exc}") from exc


@cache
def translation_files(lang: str = "en") -> tuple[TranslationFile, ...]:
    """Every shipped translation file into `lang` (`*.{lang}.yaml`), by file name; ConfigError when one is
    broken or says another language than its name."""
    out = []
    for path in sorted(TRANSLATIONS_DIR.iterdir(), key=lambda p: p.name):
        if path.name.endswith(f".{lang}.yaml"):
            file = load_translation(path)
            if file.language != lang:
                raise ConfigError(
                    f"the translation file {path} says language {file.language!r}, not {lang!r}"
                )
            out.append(file)
    return tuple(out)


@cache
def load_correspondence(
    path: Path | Traversable = TRANSLATIONS_DIR / "correspondence.yaml",
) -> Correspondence:
    """The correspondence table (default: the shipped one), validated; ConfigError naming the file."""
    raw = _read(path, "correspondence table")
    try:
        return Correspondence.model_validate(raw)
    except ValueError as exc:
        raise ConfigError(f"the correspondence table {path} is invalid: {exc}") from exc


# --------------------------------------------------------------------------- renderings


@dataclass(frozen=True)
class Rendering:
    """The unofficial rendering of one passage, with its sentences paired to the passage's sentences."""

    passage_id: str
    text: str
    section: str
    label: str
    """What the rendering is ("unofficial translation"): shown wherever the rendering shows."""
    language: str
    spans: tuple[Span, ...]
    """The rendering's sentence spans in `text`."""
    source_spans: tuple[Span, ...]
    """The official passage's sentence spans in its text (the passage cited)."""
    note: str = ""

    @property
    def aligned(self) -> bool:
        """Whether sentence i of the rendering renders sentence i of the passage (the counts agree)."""
        return len(self.spans) == len(self.source_spans)

    @property
    def pairs(self) -> tuple[tuple[Span, Span], ...]:
        """(passage span, rendering span) per sentence; empty when not `aligned`."""
        return tuple(zip(self.source_spans, self.spans, strict=True)) if self.aligned else ()

    def span_for(self, source_span: Span) -> Span | None:
        """The rendering's sentence for a sentence span of the passage; None when not aligned or unknown."""
        return dict(self.pairs).get(tuple(source_span))

    def source_span_for(self, span: Span) -> Span | None:
        """The passage's sentence for a sentence span of the rendering; None when not aligned or unknown."""
        return {en: nl for nl, en in self.pairs}.get(tuple(span))

    def sentence(self, span: Span) -> str:
        """The text of one of the rendering's sentence spans."""
        return self.text[span[0] : span[1]]


def _same(a: str, b: str) -> bool:
    return a.split() == b.split()


@lru_cache(maxsize=4096)
def _rendering(pid: str, section: str, text: str, lang: str) -> Rendering | None:
    for file in translation_files(lang):
        entry = file.passages.get(pid)
        if entry is None:
            continue
        if not (_same(entry.original.text, text) and entry.original.section == section):
            return None  # the corpus changed since the rendering was written: never show stale text
        return Rendering(
            passage_id=pid,
            text=entry.rendering.text,
            section=entry.rendering.section,
            label=file.label,
            language=file.language,
            spans=tuple(split_sentences(entry.rendering.text)),
            source_spans=tuple(split_sentences(text)),
            note=entry.note,
        )
    return None


def translation_for(passage: Passage, lang: str = "en") -> Rendering | None:
    """The rendering of `passage` into `lang`, or None: no rendering for its id (a user's document), or
    the passage's section or text is no longer what the rendering was written from.

    Cached. Raises `ConfigError` naming the file when a shipped translation file is broken.
    """
    return _rendering(passage.id, passage.section, passage.text, lang)


# --------------------------------------------------------------------------- what must agree

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_SEPARATORS = {"nl": (".", ","), "en": (",", ".")}  # (thousands, decimal)


def _digit_value(token: str, lang: str) -> str:
    thousands, decimal = _SEPARATORS.get(lang, _SEPARATORS["en"])
    if re.fullmatch(rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+", token):
        return token.replace(thousands, "")
    if decimal == "," and re.fullmatch(r"\d+,\d+", token):
        return token.replace(",", ".")
    return token


@cache
def _number_words(lang: str) -> tuple[re.Pattern, dict[str, str]]:
    table = load_correspondence().numbers.words
    value = {
        unicodedata.normalize("NFC", w.lower()): str(n) for n, ws in table.items() for w in getattr(ws, lang)
    }
    words = sorted(value, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)" if words else r"(?!x)x")
    return pattern, value


def numbers_in(text: str, lang: str) -> Counter[str]:
    """The numbers `text` holds, by value: digits (`lang`'s thousands and decimal separators read) and
    the number words of the correspondence table (accents kept: Dutch "één" counts, "een" does not)."""
    found = Counter(_digit_value(t, lang) for t in _DIGITS.findall(text))
    pattern, value = _number_words(lang)
    found.update(value[w] for w in pattern.findall(unicodedata.normalize("NFC", text).lower()))
    return found


@cache
def _article_pattern(lang: str) -> re.Pattern:
    words = sorted((fold(w) for w in getattr(load_correspondence().articles, lang)), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")\.?\s*(\d+)")


def articles_in(text: str, lang: str) -> Counter[str]:
    """The article numbers `text` refers to ("AVG art. 9", "GDPR Art. 9(1)" -> 9)."""
    return Counter(_article_pattern(lang).findall(fold(text)))


@cache
def _name_matcher(lang: str) -> Matcher:
    return Matcher({key: getattr(pair, lang) for key, pair in load_correspondence().names.items()})


def names_in(text: str, lang: str) -> Counter[str]:
    """How often `text` names each role, body or law of the correspondence table (by its key)."""
    return Counter(_name_matcher(lang).counts(text))


def disagreements(nl: str, en: str) -> list[str]:
    """Where a Dutch text and its English rendering disagree on numbers, article numbers or names
    (each a line "what: nl {...} / en {...}"); empty when they agree."""
    out = []
    for what, read in (("numbers", numbers_in), ("articles", articles_in), ("names", names_in)):
        a, b = read(nl, "nl"), read(en, "en")
        if a != b:
            out.append(f"{what}: nl {dict(sorted(a.items()))} / en {dict(sorted(b.items()))}")
    return out


def _norm(text: str) -> str:
    return " ".join(text.split())


def alignment_problems(passages: Iterable[Passage], file: TranslationFile) -> list[str]:
    """What keeps `file` from rendering `passages` (the passages of its source document) one to one, a
    line each: originals that moved to another id (the corpus was re-split), rendered ids the corpus no
    longer has, originals whose text or section changed, citable passages without a rendering, and
    sentence counts that differ without a declared reason."""
    by_id = {p.id: p for p in passages if Path(p.source).name == Path(file.source).name}
    id_of = {_norm(p.text): pid for pid, p in by_id.items()}
    problems, moved_from = [], set()
    for pid, entry in file.passages.items():
        now, p = id_of.get(_norm(entry.original.text)), by_id.get(pid)
        if now and now != pid:
            moved_from.add(pid)
            problems.append(f"moved: {pid} -> {now} (the corpus was re-split; re-key the entry)")
        elif p is None:
            problems.append(f"missing from the corpus: {pid} (was {entry.original.section!r})")
        elif now is None:
            problems.append(f"text changed: {pid} ({p.section}) now starts {p.text[:60]!r}")
        elif entry.original.section != p.section:
            problems.append(f"section changed: {pid} was {entry.original.section!r}, now {p.section!r}")
        else:
            nl, en = len(split_sentences(p.text)), len(split_sentences(entry.rendering.text))
            if nl != en and not entry.sentences_differ:
                problems.append(f"sentence counts differ: {pid} nl {nl} / en {en} (declare sentences_differ)")
            if nl == en and entry.sentences_differ:
                problems.append(f"sentences_differ declared but the counts agree: {pid}")
    rendered = {_norm(e.original.text) for e in file.passages.values()}
    for pid, p in by_id.items():
        if (
            p.retrievable
            and _norm(p.text) not in rendered
            and (pid not in file.passages or pid in moved_from)
        ):
            problems.append(f"no rendering: {pid} ({p.section}) starts {p.text[:60]!r}")
    return problems

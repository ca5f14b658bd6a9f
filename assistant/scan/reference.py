"""The supplementary reference the scan cites for legal criteria: `assistant/data/reference/dpia-criteria.yaml`,
our own summary of GDPR Art. 35(3), the Dutch DPA list, WP248 and the AI Act articles used, each
entry with its source. `reference_citation(key)` gives an entry as a `Citation`, the same type the
checker cites policy passages with."""

from __future__ import annotations

from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from assistant.lexicon import load_data_file
from assistant.policy import Citation

__all__ = ["REFERENCE_SOURCE", "Entry", "Reference", "load_reference", "reference_citation"]

REFERENCE_SOURCE = "dpia-criteria.yaml"
"""The `source` of a citation of the reference."""


class Entry(BaseModel):
    """One criterion or article, summarised."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    criterion: str
    """Its legal name, e.g. 'GDPR Art. 35(3)(a)', 'WP248 criterion 3'; it occurs in `text`."""
    title: str
    text: str
    source: str
    """Where it comes from (legal text and, where used, the secondary source)."""


class Reference(BaseModel):
    """The whole reference file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    authority: str
    version: str
    note: str
    entries: dict[str, Entry]


@cache
def load_reference() -> Reference:
    """The shipped reference, validated; `ConfigError` when it is missing or broken (a packaging error)."""
    path = resources.files("assistant") / "data" / "reference" / REFERENCE_SOURCE
    return load_data_file(path, Reference, "the scan reference")


@cache
def reference_citation(key: str) -> Citation:
    """Entry `key` as a citation: section '<criterion> > <title>', text '<text> Source: <source>'.
    Raises KeyError for an unknown key."""
    entry = load_reference().entries[key]
    return Citation(
        source=REFERENCE_SOURCE,
        section=f"{entry.criterion} > {entry.title}",
        text=f"{entry.text} Source: {entry.source}",
    )

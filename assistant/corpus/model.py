"""The corpus's data: `Passage` (the citation unit), `Block` (one structural piece of a read document),
`Document` (a read file with what was kept and skipped), the content hash, and clean text."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.text import clean_invisible

__all__ = ["Passage", "Block", "Document", "content_hash", "clean", "SPLIT_VERSION"]

# Bump when reading or splitting changes: documents are then re-split and re-embedded on the next ingest.
SPLIT_VERSION = "5"

# Typographic ligatures are presentation forms of two or three letters (Unicode's compatibility
# decomposition): stored as their letters, so a keyword search and a quote see "financiële".
_LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)


def clean(text: str) -> str:
    """Passage text as stored and shown: no soft hyphens, zero-width characters or no-break spaces
    (`text.clean_invisible`), ligatures as letters. Nothing a reader sees changes."""
    return clean_invisible(text).translate(_LIGATURES)


def content_hash(data: bytes) -> str:
    """16 hex digits of SHA-256 over the split version and the file's bytes."""
    return hashlib.sha256(SPLIT_VERSION.encode() + b"\0" + data).hexdigest()[:16]


@dataclass(frozen=True)
class Passage:
    """The citation unit: one paragraph, list item, table row or bounded chunk of a document."""

    id: str
    source: str
    title: str
    section: str
    text: str
    kind: str = "text"  # text | caption | footnote
    authority: str = "official"  # official | supplementary
    start: int = 0
    end: int = 0
    page: int | None = None
    """PDF page (1-based) the passage starts on; None for formats without pages."""
    doc_hash: str = ""
    page_end: int | None = None
    """Last PDF page of a passage that runs over a page break; None when it is `page`."""
    row: int | None = None
    """Table row (1-based, the header row not counted) of a passage made from a table row."""

    @property
    def retrievable(self) -> bool:
        """Captions and footnotes (links) are kept for display but never cited as answers."""
        return self.kind == "text"

    @property
    def embed_text(self) -> str:
        """Contextual header: the section path before the text."""
        return f"{self.section}: {self.text}" if self.section else self.text

    def metadata(self) -> dict:
        """Chroma metadata (no None values: -1 stands for 'none'), without the text."""
        data = asdict(self)
        data.pop("text")
        for key in ("page", "page_end", "row"):
            data[key] = -1 if data[key] is None else data[key]
        return data

    @classmethod
    def from_metadata(cls, text: str, meta: dict) -> Passage:
        fields = {k: meta[k] for k in cls.__dataclass_fields__ if k in meta and k != "text"}
        for key in ("page", "page_end", "row"):
            if fields.get(key) == -1:
                fields[key] = None
        return cls(text=text, **fields)


@dataclass
class Block:
    """One structural piece of a document in reading order."""

    kind: str  # heading | para | item | row | caption | footnote
    text: str
    level: int = 0
    label: str | None = None
    start: int = 0
    end: int = 0
    page: int | None = None
    page_end: int | None = None
    row: int | None = None
    table: str | None = None
    """For a table row: the table's caption (or 'Tabel N'), a level of its section path."""


@dataclass
class Document:
    """A loaded document: its blocks in reading order, front-matter metadata, and what the reader
    kept and skipped (`pages`, `tables`, `skipped`: reason code -> count, see `ingest.skip.*` in the
    message catalogues)."""

    path: Path
    source: str
    title: str
    blocks: list[Block]
    meta: dict = field(default_factory=dict)
    hash: str = ""
    pages: int = 0
    tables: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def authority(self) -> str:
        return str(self.meta.get("authority", "supplementary"))

    @property
    def fingerprint(self) -> str:
        """Hash of the document's text, whatever its file name, front matter or format details:
        two files with the same fingerprint are the same document (duplicates)."""
        from assistant.text import fold

        h = hashlib.sha256()
        for block in self.blocks:
            h.update(fold(block.text).encode() + b"\n")
        return h.hexdigest()[:16]

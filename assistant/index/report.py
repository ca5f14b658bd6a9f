"""What an ingest or a removal did: one `FileReport` per file, summed up in an `IngestReport`."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.messages import message

__all__ = ["FileReport", "IngestReport"]

STATUSES = ("added", "updated", "unchanged", "duplicate", "removed", "failed", "skipped")


@dataclass
class FileReport:
    """One file: `status` (one of STATUSES), what was indexed (passages, table rows among them, tables,
    PDF pages) and what was skipped (`skipped`: reason code -> count, texts in `ingest.skip.*` of the
    message catalogues), `reason` for a failed or skipped file, `duplicate_of` for a duplicate."""

    source: str
    status: str
    passages: int = 0
    rows: int = 0
    tables: int = 0
    pages: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    reason: str = ""
    duplicate_of: str = ""
    doc_id: str = ""

    def notes(self, lang: str = "en") -> list[str]:
        """What was left out and why, one sentence each, in `lang`."""
        out = [message(f"ingest.skip.{code}", lang, n=n) for code, n in sorted(self.skipped.items()) if n]
        if self.duplicate_of:
            out.append(message("ingest.skip.duplicate", lang, of=self.duplicate_of))
        if self.reason:
            out.append(self.reason)
        return out

    def line(self, lang: str = "en") -> str:
        """One line for the terminal: status, file, counts (of an indexed file), notes."""
        counts = message(
            "ingest.counts",
            lang,
            passages=self.passages,
            tables=self.tables,
            rows=self.rows,
            pages=self.pages,
        )
        parts = [counts] if self.status in ("added", "updated", "unchanged") else []
        return f"{self.status:<9} {self.source}: " + "; ".join(parts + self.notes(lang))

    def as_dict(self) -> dict:
        return {
            "file": self.source,
            "status": self.status,
            "id": self.doc_id,
            "passages": self.passages,
            "tables": self.tables,
            "rows": self.rows,
            "pages": self.pages,
            "skipped": dict(self.skipped),
            "reason": self.reason,
            "duplicate_of": self.duplicate_of,
        }


@dataclass
class IngestReport:
    """What one ingest (or removal) run did, per file in `files`."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    """(file, the indexed document it duplicates)."""
    files: list[FileReport] = field(default_factory=list)
    passages: int = 0
    seconds: float = 0.0

    def file(self, report: FileReport) -> None:
        """Record one file's outcome in the lists and in `files`."""
        self.files.append(report)
        target = {"added": self.added, "updated": self.updated, "removed": self.removed}.get(report.status)
        if target is not None:
            target.append(report.source)
        elif report.status in ("unchanged", "skipped"):
            self.skipped.append(report.source)
        elif report.status == "duplicate":
            self.duplicates.append((report.source, report.duplicate_of))
        elif report.status == "failed":
            self.failed.append((report.source, report.reason))

    def summary(self) -> str:
        dup = f", duplicates {len(self.duplicates)}" if self.duplicates else ""
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, removed {len(self.removed)}, "
            f"skipped {len(self.skipped)}, failed {len(self.failed)}{dup}; {self.passages} passages embedded "
            f"in {self.seconds:.1f} s"
        )

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "skipped": self.skipped,
            "failed": [{"file": f, "reason": r} for f, r in self.failed],
            "duplicates": [{"file": f, "of": o} for f, o in self.duplicates],
            "passages": self.passages,
            "seconds": round(self.seconds, 3),
            "files": [f.as_dict() for f in self.files],
        }

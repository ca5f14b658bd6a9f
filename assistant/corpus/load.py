"""Reading files: one reader per format (Markdown, text, PDF, DOCX, HTML), the checks every file gets
(type, size, empty, binary, encoding), and the corpus as passages without an index."""

from __future__ import annotations

from pathlib import Path

from assistant.corpus.markdown import markdown_blocks, parse_front_matter, plain_text_blocks
from assistant.corpus.model import Document, content_hash
from assistant.corpus.split import split_document
from assistant.errors import IngestError

__all__ = ["SUPPORTED_SUFFIXES", "load_document", "iter_documents", "load_passages"]

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".pdf", ".docx", ".html", ".htm")


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise IngestError(f"{name}: looks like a binary file, not text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{name}: not valid UTF-8 text (byte {exc.start}).") from exc


def load_document(path: Path, *, root: Path | None = None, max_bytes: int | None = None) -> Document:
    """Read one file into blocks, with what its reader kept and skipped (`Document.pages`, `.tables`,
    `.skipped`). Raises IngestError with the file name and the reason."""
    path = Path(path)
    source = str(path.relative_to(root)) if root and path.is_relative_to(root) else path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            f"{source}: unsupported file type '{suffix or '(none)'}' "
            f"(supported: {', '.join(SUPPORTED_SUFFIXES)})."
        )
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise IngestError(
                f"{source}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit "
                "(ASSISTANT_MAX_FILE_MB)."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{source}: cannot be read ({exc.strerror or exc}).") from exc
    if not data.strip():
        raise IngestError(f"{source}: the file is empty.")
    meta: dict = {}
    facts: dict = {}
    if suffix == ".pdf":
        from assistant.corpus.pdf import read_pdf

        blocks, facts = read_pdf(path)
    elif suffix == ".docx":
        from assistant.corpus.word import read_docx

        blocks, facts = read_docx(path)
    else:
        text = _decode(data, source)
        if suffix in (".html", ".htm"):
            from assistant.corpus.web import read_html

            blocks, facts = read_html(text)
        elif suffix == ".txt":
            blocks = plain_text_blocks(text)
        else:
            meta, body = parse_front_matter(text)
            blocks = markdown_blocks(text, offset=body)
    if not any(b.kind in ("para", "item", "row") for b in blocks):
        raise IngestError(f"{source}: no text found to index.")
    first_heading = next((b.text for b in blocks if b.kind == "heading"), None)
    title = str(
        meta.get("title") or facts.get("title") or (None if suffix == ".pdf" else first_heading) or path.stem
    )
    skipped = {k: int(facts[k]) for k in ("furniture", "boilerplate", "images") if facts.get(k)}
    return Document(
        path=path,
        source=source,
        title=title,
        blocks=blocks,
        meta=meta,
        hash=content_hash(data),
        pages=int(facts.get("pages", 0)),
        tables=int(facts.get("tables", 0)),
        skipped=skipped,
    )


def iter_documents(paths: list[Path]) -> list[Path]:
    """Expand folders into files (sorted, hidden ones left out); files are kept as given."""
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
        else:
            files.append(p)
    return files


def load_passages(paths: list[Path] | None = None) -> list:
    """All passages of the given documents (default: the shipped corpus), without any index."""
    from assistant.config import DEFAULT_CORPUS

    out = []
    for f in iter_documents(paths or [DEFAULT_CORPUS]):
        if f.suffix.lower() in SUPPORTED_SUFFIXES:
            root = f.parent if not paths else None
            out += split_document(load_document(f, root=root))
    return out

"""Load policy documents and split them into citable passages with their section paths.

Structure first: headings give the section path, every list item and paragraph is its own block,
and `<!-- passage: LABEL -->` comments or a short lead term ("Opslagbeperking: ...") name a block.
Long blocks are then cut to size by LangChain's RecursiveCharacterTextSplitter.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.errors import IngestError

__all__ = [
    "Passage",
    "Document",
    "SUPPORTED_SUFFIXES",
    "load_document",
    "split_document",
    "load_passages",
    "iter_documents",
    "content_hash",
]

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".pdf", ".docx", ".html", ".htm")
MAX_PASSAGE_CHARS = 1200
CHUNK_CHARS = 900


@dataclass(frozen=True)
class Passage:
    """The citation unit: one paragraph, list item or bounded chunk of a document."""

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
    doc_hash: str = ""

    @property
    def retrievable(self) -> bool:
        """Captions and footnotes (links) are kept for display but never cited as answers."""
        return self.kind == "text"

    @property
    def embed_text(self) -> str:
        """Contextual header: the section path before the text."""
        return f"{self.section}: {self.text}" if self.section else self.text

    def metadata(self) -> dict:
        data = asdict(self)
        data.pop("text")
        data["page"] = -1 if self.page is None else self.page
        return data

    @classmethod
    def from_metadata(cls, text: str, meta: dict) -> Passage:
        fields = {k: meta[k] for k in cls.__dataclass_fields__ if k in meta and k != "text"}
        if fields.get("page") == -1:
            fields["page"] = None
        return cls(text=text, **fields)


@dataclass
class Block:
    kind: str  # heading | para | item | caption | footnote
    text: str
    level: int = 0
    label: str | None = None
    start: int = 0
    end: int = 0
    page: int | None = None


@dataclass
class Document:
    """A loaded document: its blocks in reading order plus front-matter metadata."""

    path: Path
    source: str
    title: str
    blocks: list[Block]
    meta: dict = field(default_factory=dict)
    hash: str = ""

    @property
    def authority(self) -> str:
        return str(self.meta.get("authority", "supplementary"))


# Bump when splitting changes: documents are then re-split and re-embedded on the next ingest.
SPLIT_VERSION = "4"


def content_hash(data: bytes) -> str:
    return hashlib.sha256(SPLIT_VERSION.encode() + b"\0" + data).hexdigest()[:16]


# --------------------------------------------------------------------------- loading

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")
_LABEL = re.compile(r"^<!--\s*passage:\s*(.*?)\s*-->\s*$")
_FOOTNOTE = re.compile(r"^\[\^[^\]]+\]:\s*(.*)$")
_CAPTION = re.compile(r"^\*(Fig(?:uur|ure)\b.*)\*$|^((?:Figuur|Figure|Tabel|Table)\s+\d+[.:].*)$")


def _parse_front_matter(text: str) -> tuple[dict, int]:
    if not text.startswith("---\n"):
        return {}, 0
    end = text.find("\n---", 4)
    if end < 0:
        return {}, 0
    import yaml

    try:
        meta = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError:
        meta = {}
    close = text.find("\n", end + 4)
    return (meta if isinstance(meta, dict) else {}), (len(text) if close < 0 else close + 1)


def _markdown_blocks(text: str, offset: int = 0, page: int | None = None) -> list[Block]:
    """Line-based Markdown reader: headings, list items (with depth), paragraphs, captions, footnotes."""
    blocks: list[Block] = []
    pending_label: str | None = None
    para: list[tuple[int, str]] = []
    pos = offset

    def flush() -> None:
        nonlocal para, pending_label
        if not para:
            return
        start = para[0][0]
        joined = " ".join(line.strip() for _, line in para)
        end = para[-1][0] + len(para[-1][1].rstrip())
        kind = "caption" if _CAPTION.match(joined) else "para"
        if kind == "caption" and joined.startswith("*") and joined.endswith("*"):
            joined, start, end = joined[1:-1], start + 1, end - 1
        blocks.append(Block(kind, joined, label=pending_label, start=start, end=end, page=page))
        para, pending_label = [], None

    for raw in text[offset:].splitlines(keepends=True):
        line = raw.rstrip("\n")
        stripped = line.strip()
        line_start = pos
        pos += len(raw)
        if not stripped:
            flush()
            continue
        if m := _LABEL.match(stripped):
            flush()
            pending_label = m.group(1)
            continue
        if stripped.startswith("<!--"):
            continue
        if m := _HEADING.match(line):
            flush()
            blocks.append(Block("heading", m.group(2), level=len(m.group(1)), start=line_start, page=page))
            continue
        if m := _FOOTNOTE.match(stripped):
            flush()
            blocks.append(
                Block("footnote", stripped, start=line_start, end=line_start + len(line), page=page)
            )
            continue
        if m := _ITEM.match(line):
            flush()
            depth = len(m.group(1).expandtabs(4)) // 2
            item_start = line_start + line.index(m.group(2))
            blocks.append(
                Block(
                    "item",
                    m.group(2).rstrip(),
                    level=depth,
                    label=pending_label,
                    start=item_start,
                    end=item_start + len(m.group(2).rstrip()),
                    page=page,
                )
            )
            pending_label = None
            continue
        if blocks and blocks[-1].kind == "item" and not para and line.startswith((" ", "\t")):
            # continuation line of a list item
            blocks[-1].text += " " + stripped
            blocks[-1].end = line_start + len(line)
            continue
        para.append((line_start + (len(line) - len(line.lstrip())), line))
    flush()
    return blocks


_NUMBERED_HEADING = re.compile(
    r"^(\d+(?:\.\d+)*\.?|Gebied \d+|Hoofdstuk \d+|Chapter \d+|Section \d+)\s*\S.{0,80}$"
)


def _plain_text_blocks(text: str, page: int | None = None) -> list[Block]:
    """Plain text (txt, pdf pages): blank-line paragraphs; short numbered lines become headings."""
    blocks: list[Block] = []
    for m in re.finditer(r"(?:[^\n]+\n?)+", text):
        chunk = m.group(0)
        lines = [ln.strip() for ln in chunk.splitlines() if ln.strip()]
        if not lines:
            continue
        first = lines[0]
        if len(lines) == 1 and len(first) < 90 and _NUMBERED_HEADING.match(first) and not first.endswith("."):
            level = 2 + first.split(" ")[0].count(".") if first[0].isdigit() else 3
            blocks.append(Block("heading", first, level=min(level, 6), start=m.start(), page=page))
            continue
        items = [ln for ln in lines if re.match(r"^([•\-*o]|[a-z][.)])\s+", ln)]
        if items and len(items) == len(lines):
            for ln in lines:
                blocks.append(Block("item", re.sub(r"^[•\-*o]\s+", "", ln), start=m.start(), page=page))
            continue
        joined = " ".join(lines)
        kind = "caption" if _CAPTION.match(joined) else "para"
        blocks.append(Block(kind, joined, start=m.start(), end=m.end(), page=page))
    return blocks


def _read_pdf(path: Path) -> list[Block]:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are reported once, as IngestError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise IngestError(f"{path.name}: the PDF is encrypted; save an unprotected copy and ingest that.")
        blocks: list[Block] = []
        for number, page in enumerate(reader.pages, start=1):
            blocks += _plain_text_blocks(page.extract_text() or "", page=number)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError) as exc:
        raise IngestError(f"{path.name}: not a readable PDF ({type(exc).__name__}: {exc}).") from exc
    except Exception as exc:  # pypdf raises many internal types on damaged files
        raise IngestError(f"{path.name}: not a readable PDF ({type(exc).__name__}).") from exc
    if not any(b.kind != "heading" for b in blocks):
        raise IngestError(f"{path.name}: the PDF has no extractable text (scanned image?).")
    return blocks


def _read_docx(path: Path) -> list[Block]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise IngestError(f"{path.name}: not a readable DOCX file ({type(exc).__name__}).") from exc
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise IngestError(f"{path.name}: not a readable DOCX file ({type(exc).__name__}).") from exc
    blocks: list[Block] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name or "").lower() if para.style is not None else ""
        if style.startswith("heading") or style == "title":
            digits = re.findall(r"\d+", style)
            blocks.append(Block("heading", text, level=int(digits[0]) + 1 if digits else 1))
        elif "list" in style:
            blocks.append(Block("item", text))
        else:
            blocks.append(Block("caption" if _CAPTION.match(text) else "para", text))
    return blocks


def _read_html(text: str) -> list[Block]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "nav", "footer"]):
        tag.decompose()
    blocks: list[Block] = []
    for el in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "figcaption"]):
        content = " ".join(el.get_text(" ", strip=True).split())
        if not content:
            continue
        if el.name.startswith("h"):
            blocks.append(Block("heading", content, level=int(el.name[1])))
        elif el.name == "li":
            blocks.append(Block("item", content, level=len(el.find_parents(["ul", "ol"])) - 1))
        elif el.name == "figcaption":
            blocks.append(Block("caption", content))
        elif not el.find_parent("li"):
            blocks.append(Block("para", content))
    return blocks


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise IngestError(f"{name}: looks like a binary file, not text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{name}: not valid UTF-8 text (byte {exc.start}).") from exc


def load_document(path: Path, *, root: Path | None = None, max_bytes: int | None = None) -> Document:
    """Read one file into blocks. Raises IngestError with the file name and the reason."""
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
    if suffix == ".pdf":
        blocks = _read_pdf(path)
    elif suffix == ".docx":
        blocks = _read_docx(path)
    else:
        text = _decode(data, source)
        if suffix in (".html", ".htm"):
            blocks = _read_html(text)
        elif suffix == ".txt":
            blocks = _plain_text_blocks(text)
        else:
            meta, body = _parse_front_matter(text)
            blocks = _markdown_blocks(text, offset=body)
    if not any(b.kind in ("para", "item") for b in blocks):
        raise IngestError(f"{source}: no text found to index.")
    title = str(meta.get("title") or next((b.text for b in blocks if b.kind == "heading"), path.stem))
    return Document(path=path, source=source, title=title, blocks=blocks, meta=meta, hash=content_hash(data))


# --------------------------------------------------------------------------- splitting

_LEAD = re.compile(r"^([^:.;]{2,60}?):\s+\S")
_LETTER = re.compile(r"^([a-z])[.)]\s+")


def _number(heading: str) -> str | None:
    m = re.match(r"^(\d+(?:\.\d+)*)\.?\s", heading)
    return m.group(1) if m else None


def _section_path(stack: list[str]) -> list[str]:
    """Drop a parent heading when its child is numbered under it (3. > 3.2 reads as 3.2)."""
    path: list[str] = []
    for heading in stack:
        num = _number(heading)
        if path and num and "." in num and _number(path[-1]) == num.rsplit(".", 1)[0]:
            path[-1] = heading
        else:
            path.append(heading)
    return path


def _item_label(block: Block, stack: list[str]) -> str | None:
    if block.label:
        return block.label
    if m := _LETTER.match(block.text):
        area = re.search(r"(\d+)\s*$", stack[-1]) if stack else None
        return f"{area.group(1)}{m.group(1)}" if area else m.group(1)
    if m := _LEAD.match(block.text):
        return m.group(1).strip()
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "p"


def split_document(doc: Document, authority: str | None = None) -> list[Passage]:
    """Turn a document's blocks into passages with section paths; long blocks are cut to size."""
    splitter = None
    level_of = authority or doc.authority
    stack: list[tuple[int, str]] = []  # (level, heading); the document title (level 1) is not in paths
    item_labels: dict[int, str] = {}  # depth -> label of the open list item
    passages: list[Passage] = []
    stem = _slug(Path(doc.source).stem)

    def add(section: str, text: str, kind: str, block: Block) -> None:
        nonlocal splitter
        if len(text) > MAX_PASSAGE_CHARS and splitter is None:
            from langchain_text_splitters import RecursiveCharacterTextSplitter  # only for long blocks

            splitter = RecursiveCharacterTextSplitter(
                chunk_size=CHUNK_CHARS, chunk_overlap=120, separators=["\n\n", "\n", ". ", "; ", ", ", " "]
            )
        pieces = [text] if len(text) <= MAX_PASSAGE_CHARS else splitter.split_text(text)
        for k, piece in enumerate(pieces, start=1):
            sec = section if len(pieces) == 1 else f"{section} (deel {k})"
            start = block.start + max(text.find(piece), 0) if block.end else block.start
            passages.append(
                Passage(
                    id=f"{stem}:{len(passages) + 1:03d}",
                    source=doc.source,
                    title=doc.title,
                    section=sec,
                    text=piece,
                    kind=kind,
                    authority=level_of,
                    start=start,
                    end=start + len(piece),
                    page=block.page,
                    doc_hash=doc.hash,
                )
            )

    for block in doc.blocks:
        if block.kind == "heading":
            if block.level == 1 and not stack:
                continue
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            stack.append((block.level, block.text))
            item_labels.clear()
            continue
        headings = _section_path([h for _, h in stack])
        if block.kind == "item":
            for depth in [d for d in item_labels if d >= block.level]:
                del item_labels[depth]
            label = _item_label(block, [h for _, h in stack])
            parents = [item_labels[d] for d in sorted(item_labels) if d < block.level]
            path = headings + parents + ([label] if label else [])
            if label:
                item_labels[block.level] = label
            add(" > ".join(path), block.text, "text", block)
        else:
            item_labels.clear()
            path = headings + ([block.label] if block.label else [])
            kind = {"caption": "caption", "footnote": "footnote"}.get(block.kind, "text")
            add(" > ".join(path), block.text, kind, block)
    return passages


def iter_documents(paths: list[Path]) -> list[Path]:
    """Expand folders into supported files (sorted); files are kept as given."""
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
        else:
            files.append(p)
    return files


def load_passages(paths: list[Path] | None = None) -> list[Passage]:
    """All passages of the given documents (default: the shipped corpus), without any index."""
    from assistant.config import DEFAULT_CORPUS

    out: list[Passage] = []
    for f in iter_documents(paths or [DEFAULT_CORPUS]):
        if f.suffix.lower() in SUPPORTED_SUFFIXES:
            root = f.parent if not paths else None
            out += split_document(load_document(f, root=root))
    return out

"""PDF into blocks with pypdf: lines with their position and font, page furniture dropped, paragraphs
rebuilt across line and page breaks, headings where the PDF marks them.

pypdf was measured against pdfplumber and pdfminer.six (both MIT; PyMuPDF is AGPL and not used) on the
handed PDFs and a generated 60-page one: all three read the same lines, positions and fonts of the
handed files; pypdf (with a text visitor for positions and fonts) took 1.5 s for the 60 pages,
pdfminer.six 12 s and pdfplumber 20 s, so pypdf keeps ingest near the model's own speed.

- Page furniture: a line in the top or bottom margin (12% of the page height) whose text, digits
  masked, recurs in the margin of two or more pages (and of 40% of the pages when there are fewer
  than three) is a running header or footer; a margin line of only digits and punctuation is a page
  number. Both are dropped and counted (`skipped["furniture"]`).
- Headings: a short line in a larger or bold font than the body text, or a short numbered line
  without a final full stop ('2. Toegang'). The largest heading size, when it occurs once, is the
  document's title.
- Joins: a line ending in a hyphen after a lower-case letter continues without the hyphen unless the
  document writes that word (or a longer word starting with it) with a hyphen elsewhere ('alter-' +
  'natief' joins; 'e-' + 'mail' stays 'e-mail' beside 'e-mailadres'; 'LA-' + 'team' keeps it);
  a paragraph whose last line has no closing punctuation continues on the next page when that page
  starts in lower case.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from assistant.corpus.markdown import NUMBERED_HEADING
from assistant.corpus.model import Block
from assistant.errors import IngestError

__all__ = ["read_pdf"]

_MARGIN = 0.12
_BULLET = re.compile(r"^(?:[•◦▪‣●○■–*-]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_TERMINAL = tuple(".!?:;")


@dataclass
class _Line:
    page: int
    x: float
    y: float
    size: float
    bold: bool
    text: str
    end_x: float = 0.0


def _bold(font: dict | None) -> bool:
    if not font:
        return False
    try:
        weight = float((font.get("/FontDescriptor") or {}).get("/FontWeight", 0) or 0)
    except (TypeError, ValueError, AttributeError):
        weight = 0
    return weight >= 600 or bool(_BOLD.search(str(font.get("/BaseFont", ""))))


def _page_lines(page, number: int) -> list[_Line]:
    """The page's text lines in content order, fragments on one baseline joined."""
    lines: list[_Line] = []

    def visit(text, cm, tm, font, size):
        if not text or not text.strip():
            return
        a, b, c, d, e, f = (float(v) for v in tm)
        ca, cb, cc, cd, ce, cf = (float(v) for v in cm)
        x, y = e * ca + f * cc + ce, e * cb + f * cd + cf
        scale = math.hypot(c * ca + d * cc, c * cb + d * cd) or 1.0
        size = float(size or 0) * scale or 10.0
        for k, part in enumerate(p for p in text.split("\n") if p.strip()):
            py = y - k * size * 1.2
            last = lines[-1] if lines else None
            if last and last.page == number and abs(py - last.y) <= 0.35 * max(size, last.size):
                gap = (
                    x - last.end_x > 0.25 * size and not last.text.endswith(" ") and not part.startswith(" ")
                )
                last.text += (" " if gap else "") + part
                last.end_x = x + 0.5 * size * len(part)
                last.bold = last.bold and _bold(font)
            else:
                lines.append(_Line(number, x, py, size, _bold(font), part, x + 0.5 * size * len(part)))

    page.extract_text(visitor_text=visit)
    for line in lines:
        line.text = " ".join(line.text.split())
    return [ln for ln in lines if ln.text]


def _furniture(pages: list[list[_Line]], heights: list[float]) -> set[int]:
    """ids of margin lines that are running headers, footers or page numbers."""

    def in_margin(ln: _Line, h: float) -> bool:
        return ln.y > h * (1 - _MARGIN) or ln.y < h * _MARGIN

    def key(text: str) -> str:
        return re.sub(r"\d+", "#", " ".join(text.lower().split()))

    counts = Counter(
        key(ln.text)
        for lines, h in zip(pages, heights, strict=True)
        for ln in {key(x.text): x for x in lines if in_margin(x, h)}.values()
    )
    need = 2 if len(pages) <= 2 else max(2, min(3, math.ceil(0.4 * len(pages))))
    drop = set()
    for lines, h in zip(pages, heights, strict=True):
        for ln in lines:
            if not in_margin(ln, h):
                continue
            if counts[key(ln.text)] >= need or re.fullmatch(r"[\W\d_]*\d[\W\d_]*", ln.text):
                drop.add(id(ln))
    return drop


def _join(text: str, nxt: str, hyphenated: set[str]) -> str:
    """`text` continued by the next line `nxt`, repairing a hyphenation at the line end."""
    if text.endswith("\u00ad"):
        return text[:-1] + nxt
    m = re.search(r"(\w+)-$", text)
    if m and nxt[:1].islower():
        word = m.group(1)
        following = re.match(r"\w+", nxt)
        whole = f"{word}-{following.group(0)}".lower() if following else ""
        if not word[-1].islower() or any(w.startswith(whole) for w in hyphenated):
            return text + nxt  # a real hyphen: 'LA-team', 'e-mail' as the document writes it elsewhere
        return text[:-1] + nxt
    return f"{text} {nxt}"


def _heading_levels(lines: list[_Line], body: float, body_bold: bool) -> dict[int, int]:
    """id(line) -> heading level for the lines the PDF marks as headings."""
    marked = [
        ln
        for ln in lines
        if len(ln.text) <= 150
        and re.search(r"[^\W\d_]", ln.text)
        and not ln.text.endswith((".", ",", ";"))
        and (ln.size >= body * 1.15 or (ln.bold and not body_bold))
        and not _BULLET.match(ln.text)
    ]
    sizes = sorted({round(ln.size, 1) for ln in marked}, reverse=True)
    title_size = sizes[0] if sizes and sum(round(ln.size, 1) == sizes[0] for ln in marked) == 1 else None
    ranks = [s for s in sizes if s != title_size]
    levels = {
        id(ln): 1 if round(ln.size, 1) == title_size else 2 + ranks.index(round(ln.size, 1)) for ln in marked
    }
    for ln in lines:
        if (
            id(ln) not in levels
            and len(ln.text) < 90
            and not ln.text.endswith(".")
            and NUMBERED_HEADING.match(ln.text)
            and ln.text[0].isdigit()
        ):
            levels[id(ln)] = min(6, 1 + ln.text.split(" ")[0].rstrip(".").count(".") + 1)
    return levels


def _blocks(lines: list[_Line]) -> tuple[list[Block], str | None]:
    """Paragraphs, items and headings from the body lines (furniture already removed)."""
    sized = Counter()
    for ln in lines:
        sized[(round(ln.size, 1), ln.bold)] += len(ln.text)
    (body, body_bold), _ = sized.most_common(1)[0]
    levels = _heading_levels(lines, body, body_bold)
    gaps = [
        a.y - b.y
        for a, b in zip(lines, lines[1:], strict=False)
        if a.page == b.page and 0 < a.y - b.y < 4 * body and id(a) not in levels and id(b) not in levels
    ]
    pitch = median(gaps) if gaps else body * 1.3
    hyphenated = {w.lower() for ln in lines for w in re.findall(r"\w+-\w+", ln.text)}
    blocks: list[Block] = []
    title = None
    prev: _Line | None = None
    for ln in lines:
        level = levels.get(id(ln))
        if level is not None:
            last = blocks[-1] if blocks else None
            if (
                last
                and last.kind == "heading"
                and last.level == level
                and prev
                and prev.page == ln.page
                and id(prev) in levels
                and prev.y - ln.y < 2 * ln.size
            ):
                last.text += " " + ln.text  # a heading wrapped over two lines
            else:
                blocks.append(Block("heading", ln.text, level=level, page=ln.page))
                if level == 1 and title is None:
                    title = ln.text
            prev = ln
            continue
        last = blocks[-1] if blocks else None
        open_block = (
            last is not None and last.kind in ("para", "item") and prev is not None and id(prev) not in levels
        )
        if open_block and prev.page != ln.page:
            continues = not last.text.endswith(_TERMINAL) and ln.text[:1].islower()
        elif open_block:
            continues = prev.y - ln.y <= 1.45 * pitch and not _BULLET.match(ln.text)
        else:
            continues = False
        if continues:
            last.text = _join(last.text, ln.text, hyphenated)
            if ln.page != last.page:
                last.page_end = ln.page
        elif _BULLET.match(ln.text):
            blocks.append(
                Block(
                    "item", _BULLET.sub("", ln.text) if ln.text[0] in "•◦▪‣●○■–*-" else ln.text, page=ln.page
                )
            )
        else:
            blocks.append(Block("para", ln.text, page=ln.page))
        prev = ln
    return blocks, title


def read_pdf(path: Path) -> tuple[list[Block], dict]:
    """Blocks of a PDF and facts about it: `{"pages", "title", "furniture"}`. Raises IngestError for an
    unreadable, encrypted or text-less PDF."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are reported once, as IngestError
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - pypdf raises several types for unsupported encryption
                opened = 0
            if not opened:
                raise IngestError(
                    f"{path.name}: the PDF is encrypted; save an unprotected copy and ingest that."
                )
        pages, heights = [], []
        for number, page in enumerate(reader.pages, start=1):
            pages.append(_page_lines(page, number))
            heights.append(float(page.mediabox.height))
        info = reader.metadata
        meta_title = str(info.title).strip() if info is not None and info.title else None
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError) as exc:
        raise IngestError(f"{path.name}: not a readable PDF ({type(exc).__name__}: {exc}).") from exc
    except Exception as exc:  # pypdf raises many internal types on damaged files
        raise IngestError(f"{path.name}: not a readable PDF ({type(exc).__name__}).") from exc
    drop = _furniture(pages, heights)
    lines = [ln for page in pages for ln in page if id(ln) not in drop]
    if not lines:
        raise IngestError(f"{path.name}: the PDF has no extractable text (scanned image?).")
    blocks, title = _blocks(lines)
    if not any(b.kind != "heading" for b in blocks):
        raise IngestError(f"{path.name}: the PDF has no extractable text (scanned image?).")
    return blocks, {"pages": len(pages), "title": title or meta_title, "furniture": len(drop)}

"""DOCX into blocks with python-docx, in body order: headings (the section path), numbered and bulleted
lists with the numbers Word shows, tables (each data row a block with its header row and caption),
captions and paragraphs. Page headers and footers, images and text boxes are not read (counted)."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.corpus.markdown import CAPTION
from assistant.corpus.model import Block
from assistant.errors import IngestError

__all__ = ["read_docx", "row_text"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def row_text(header: list[str], cells: list[str]) -> str:
    """A table row as one passage text: 'Header: value; Header: value' (a value that ends a sentence
    is followed by a space only); cells without a header are given as they are."""
    parts = [
        f"{h}: {v}" if h and h != v else v
        for h, v in zip(header + [""] * len(cells), cells, strict=False)
        if v
    ]
    out = ""
    for part in parts:
        out += ("" if not out else " " if out.endswith((".", "!", "?")) else "; ") + part
    return out


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _format(fmt: str, n: int) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        s = chr(ord("a") + (n - 1) % 26)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    return str(n)


class _Numbering:
    """The numbers Word shows before list paragraphs (numbering part: num -> abstractNum -> lvl)."""

    def __init__(self, document) -> None:
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract = {a.get(f"{_W}abstractNumId"): a for a in root.iter(f"{_W}abstractNum")}
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            a = abstract.get(ref.get(f"{_W}val")) if ref is not None else None
            for lvl in a.iter(f"{_W}lvl") if a is not None else ():
                val = {
                    t: (e.get(f"{_W}val") if (e := lvl.find(f"{_W}{t}")) is not None else None)
                    for t in ("numFmt", "lvlText", "start")
                }
                self.levels[(num.get(f"{_W}numId"), int(lvl.get(f"{_W}ilvl", "0")))] = (
                    val["numFmt"] or "decimal",
                    val["lvlText"] or "",
                    int(val["start"] or 1),
                )

    @staticmethod
    def _num_pr(paragraph, style):
        for owner in (paragraph._p, getattr(style, "element", None)):
            ppr = owner.find(f"{_W}pPr") if owner is not None else None
            num = ppr.find(f"{_W}numPr") if ppr is not None else None
            if num is not None:
                num_id = num.find(f"{_W}numId")
                ilvl = num.find(f"{_W}ilvl")
                return (
                    num_id.get(f"{_W}val") if num_id is not None else None,
                    int(ilvl.get(f"{_W}val")) if ilvl is not None else 0,
                )
        return None

    def label(self, paragraph, style) -> tuple[bool, str, int]:
        """(is a list paragraph, its shown number or '' for a bullet, its level)."""
        found = self._num_pr(paragraph, style)
        if not found or found[0] in (None, "0"):
            return False, "", 0
        num_id, ilvl = found
        fmt, text, start = self.levels.get((num_id, ilvl), ("bullet", "", 1))
        counters = self.counters.setdefault(num_id, [])
        while len(counters) <= ilvl:
            counters.append(self.levels.get((num_id, len(counters)), ("", "", 1))[2] - 1)
        counters[ilvl] += 1
        del counters[ilvl + 1 :]
        if fmt in ("bullet", "none") or not text:
            return True, "", ilvl

        def fill(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            level_fmt = self.levels.get((num_id, k), (fmt, "", 1))[0]
            return _format(level_fmt, counters[k]) if k < len(counters) else ""

        return True, re.sub(r"%(\d)", fill, text), ilvl


def _heading_level(paragraph, style_name: str) -> int | None:
    style = style_name
    if style == "title":
        return 1
    if style.startswith("heading"):
        digits = re.findall(r"\d+", style)
        return int(digits[0]) + 1 if digits else 2
    ppr = paragraph._p.find(f"{_W}pPr")
    outline = ppr.find(f"{_W}outlineLvl") if ppr is not None else None
    if outline is not None and outline.get(f"{_W}val", "9").isdigit() and int(outline.get(f"{_W}val")) < 9:
        return int(outline.get(f"{_W}val")) + 2
    return None


def _is_caption(style_name: str, text: str) -> bool:
    return style_name == "caption" or bool(CAPTION.match(text))


def _cells(row) -> list[str]:
    out, seen = [], set()
    for cell in row.cells:  # a merged cell is listed once per grid column it spans
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        out.append(" ".join(cell.text.split()))
    return out


def read_docx(path: Path) -> tuple[list[Block], dict]:
    """Blocks of a DOCX file and facts about it: `{"title", "tables", "images", "furniture"}`.
    Raises IngestError for a file python-docx cannot open."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise IngestError(f"{path.name}: not a readable DOCX file ({type(exc).__name__}).") from exc
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise IngestError(f"{path.name}: not a readable DOCX file ({type(exc).__name__}).") from exc
    numbering = _Numbering(document)
    styles: dict = {}

    def style_of(paragraph):
        """(style, lower-case style name); python-docx resolves a style in time linear in the styles."""
        ppr = paragraph._p.pPr
        sid = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
        if sid not in styles:
            style = paragraph.style
            styles[sid] = (style, (style.name or "").lower() if style is not None else "")
        return styles[sid]

    blocks: list[Block] = []
    facts = {"title": (document.core_properties.title or "").strip() or None, "tables": 0, "images": 0}
    body = document.element.body
    elements = [el for el in body.iterchildren() if el.tag in (f"{_W}p", f"{_W}tbl", f"{_W}sdt")]
    order: list = []
    for el in elements:  # content controls hold paragraphs and tables of their own
        inner = el.find(f"{_W}sdtContent") if el.tag == f"{_W}sdt" else None
        order += [el] if el.tag != f"{_W}sdt" else [] if inner is None else list(inner)
    for n, el in enumerate(order):
        if el.tag == f"{_W}p":
            para = Paragraph(el, document)
            facts["images"] += len(el.findall(f".//{_W}drawing")) + len(el.findall(f".//{_W}pict"))
            text = " ".join(para.text.split())
            if not text:
                continue
            style, style_name = style_of(para)
            level = _heading_level(para, style_name)
            if level is not None:
                blocks.append(Block("heading", text, level=level))
                continue
            if _is_caption(style_name, text):
                neighbours = order[n - 1 : n] + order[n + 1 : n + 2]
                if any(x.tag == f"{_W}tbl" for x in neighbours):
                    continue  # read with its table
                blocks.append(Block("caption", text))
                continue
            listed, number, depth = numbering.label(para, style)
            if listed:
                blocks.append(Block("item", f"{number} {text}" if number else text, level=depth))
            else:
                blocks.append(Block("para", text))
        elif el.tag == f"{_W}tbl":
            table = Table(el, document)
            rows = [cells for cells in map(_cells, table.rows) if any(cells)]
            caption = None
            for x in order[n - 1 : n] + order[n + 1 : n + 2]:
                if x.tag == f"{_W}p" and _is_caption(
                    style_of(p := Paragraph(x, document))[1], " ".join(p.text.split())
                ):
                    caption = " ".join(p.text.split())
                    break
            if len(rows) < 2 or max(map(len, rows)) < 2:  # a layout table: its text as paragraphs
                blocks += [Block("para", c) for cells in rows for c in cells if c]
                continue
            facts["tables"] += 1
            header = rows[0]
            for k, cells in enumerate(rows[1:], start=1):
                label = cells[0] if cells[0] and len(cells[0]) <= 80 else None
                blocks.append(Block("row", row_text(header, cells), label=label, row=k, table=caption))
    furniture = 0
    for section in document.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                furniture += sum(1 for p in part.paragraphs if p.text.strip())
    facts["furniture"] = furniture
    return blocks, facts

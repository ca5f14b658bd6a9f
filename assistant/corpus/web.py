"""HTML into blocks: the page's main content only, found by trafilatura (Apache-2.0; navigation, headers,
footers, cookie banners, search boxes and sidebars are left out), then read for structure: headings,
paragraphs (also text in `<div>` and `<td>`), lists, definition lists (term: description) and tables
(each data row a block with its header row and caption).

trafilatura and readability-lxml (Apache-2.0) were both tried on the held-out pages (tests/docgen.py and
variants): both keep the main content of a page with semantic markup; on a page laid out with a table
readability kept the menu and the cookie banner, trafilatura left them out; trafilatura's XML keeps
headings, lists, definition lists and table header cells. trafilatura drops a short rule written in a
bare `<div>` (readability turns such divs into paragraphs), so they are made paragraphs first (`_parse`).
"""

from __future__ import annotations

import re
from functools import cache
from html import unescape

from assistant.corpus.model import Block
from assistant.corpus.word import row_text

__all__ = ["read_html"]

_FLOW = {"head", "p", "list", "table", "quote", "code", "div", "main"}


@cache
def _config():
    from trafilatura.settings import use_config

    config = use_config()
    # a policy page may be short: keep what the extractor finds, however little (defaults: 250 chars)
    for key in ("MIN_EXTRACTED_SIZE", "MIN_OUTPUT_SIZE", "MIN_EXTRACTED_COMM_SIZE", "MIN_OUTPUT_COMM_SIZE"):
        config.set("DEFAULT", key, "1")
    return config


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


_BLOCK = frozenset(
    "address article aside blockquote details dialog dd div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section table ul".split()
)


def _parse(html: str):
    """The page as an lxml tree with every `<div>` that holds a sentence (four words or more) but no block
    element renamed `<p>` (a rule written in a bare div is a paragraph; the extractor drops short bare
    divs; a one- or two-word div is a label or a menu item), and the number
    of visible words (scripts, styles and the head left out)."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None, 0
    for div in root.iter("div"):  # a sentence, not a label: four words or more
        if len(div.text_content().split()) >= 4 and not any(
            isinstance(c.tag, str) and c.tag in _BLOCK for c in div
        ):
            div.tag = "p"
    words = 0
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in ("script", "style", "noscript", "template", "head", "title"):
            continue
        parent_skips = any(
            isinstance(a.tag, str) and a.tag in ("script", "style", "noscript", "template", "head")
            for a in el.iterancestors()
        )
        if not parent_skips:
            words += len((el.text or "").split()) + len((el.tail or "").split())
    return root, words


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.tables = 0

    def flow(self, el, depth: int = 0) -> None:
        for child in el:
            tag = child.tag
            if tag == "head":
                rend = child.get("rend", "h2")
                level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
                if text := _text(child):
                    self.blocks.append(Block("heading", text, level=level))
            elif tag == "list":
                self.items(child, depth)
            elif tag == "table":
                self.table(child)
            elif tag in ("div", "main") or (tag == "cell" and len(child)):
                self.flow(child, depth)
            elif text := _text(child):
                self.blocks.append(Block("para", text))

    def items(self, el, depth: int) -> None:
        term = None
        for item in el.iter("item"):
            if item.getparent() is not el:
                continue
            rend = item.get("rend", "")
            parts = [item.text or ""]
            for c in item:  # the item's own text; a nested list is read as items of its own
                parts += ["" if c.tag == "list" else "".join(c.itertext()), c.tail or ""]
            own = " ".join(" ".join(parts).split())
            if rend.startswith("dt"):
                term = own
                continue
            text = f"{term}: {own}" if term and rend.startswith("dd") else own
            term = None
            if text:
                self.blocks.append(Block("item", text, level=depth))
            for nested in item.findall("list"):
                self.items(nested, depth + 1)
        if term:
            self.blocks.append(Block("item", term, level=depth))

    def table(self, el) -> None:
        rows = [row for row in el.iter("row") if row.getparent() is el]
        if any(len(cell) and any(c.tag in _FLOW for c in cell) for row in rows for cell in row):
            first = len(self.blocks)
            for row in rows:  # a layout table: its cells hold ordinary content
                for cell in row:
                    self.flow(cell) if len(cell) else self.blocks.append(Block("para", _text(cell)))
            # a cell of one or two words beside the content is a label or a menu item, not text
            kept = [b for b in self.blocks[first:] if b.kind != "para" or len(b.text.split()) > 2]
            self.blocks[first:] = kept
            return
        grid = [([_text(c) for c in row], [c.get("role") == "head" for c in row]) for row in rows]
        grid = [(cells, heads) for cells, heads in grid if any(cells)]
        caption = None
        if grid and len(grid[0][0]) > 1 and sum(map(bool, grid[0][0])) == 1 and all(grid[0][1][:1]):
            caption = next(c for c in grid[0][0] if c)  # trafilatura gives <caption> as a first head row
            grid = grid[1:]
        if len(grid) < 2 or max(len(cells) for cells, _ in grid) < 2:
            self.blocks += [Block("para", c) for cells, _ in grid for c in cells if c]
            return
        self.tables += 1
        header = grid[0][0]
        for k, (cells, _) in enumerate(grid[1:], start=1):
            label = cells[0] if cells[0] and len(cells[0]) <= 80 else None
            self.blocks.append(Block("row", row_text(header, cells), label=label, row=k, table=caption))


def read_html(html: str) -> tuple[list[Block], dict]:
    """Blocks of an HTML page's main content and facts: `{"title", "tables", "boilerplate"}` (words of
    the page left out as navigation, banners, forms or footers)."""
    import trafilatura

    tree, visible = _parse(html)
    doc = (
        None
        if tree is None
        else trafilatura.bare_extraction(
            tree,
            include_tables=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            config=_config(),
        )
    )
    reader = _Reader()
    if doc is not None and doc.body is not None:
        reader.flow(doc.body)
    kept = sum(len(b.text.split()) for b in reader.blocks)
    title = next((b.text for b in reader.blocks if b.kind == "heading" and b.level == 1), None)
    if title is None and (m := re.search(r"<title[^>]*>(.*?)</title>", html, re.I | re.S)):
        title = " ".join(unescape(m.group(1)).split()) or None
    return reader.blocks, {
        "title": title,
        "tables": reader.tables,
        "boilerplate": max(0, visible - kept),
    }

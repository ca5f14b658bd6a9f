"""Markdown and plain text into blocks: headings, list items with depth, paragraphs, captions, footnotes."""

from __future__ import annotations

import re

from assistant.corpus.model import Block

__all__ = ["parse_front_matter", "markdown_blocks", "plain_text_blocks", "CAPTION", "NUMBERED_HEADING"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$")
_LABEL = re.compile(r"^<!--\s*passage:\s*(.*?)\s*-->\s*$")
_FOOTNOTE = re.compile(r"^\[\^[^\]]+\]:\s*(.*)$")
CAPTION = re.compile(r"^\*(Fig(?:uur|ure)\b.*)\*$|^((?:Figuur|Figure|Tabel|Table)\s+\d+[.:].*)$")
"""A figure or table caption ('Figuur 2: ...', 'Tabel 1. ...')."""
NUMBERED_HEADING = re.compile(
    r"^(\d+(?:\.\d+)*\.?|Gebied \d+|Hoofdstuk \d+|Chapter \d+|Section \d+)\s*\S.{0,80}$"
)
"""A short numbered line that reads as a heading ('2.1 Toegang', 'Hoofdstuk 3 ...')."""


def parse_front_matter(text: str) -> tuple[dict, int]:
    """YAML front matter (`---` ... `---`) as a dict, and the offset where the body starts."""
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


def markdown_blocks(text: str, offset: int = 0) -> list[Block]:
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
        kind = "caption" if CAPTION.match(joined) else "para"
        if kind == "caption" and joined.startswith("*") and joined.endswith("*"):
            joined, start, end = joined[1:-1], start + 1, end - 1
        blocks.append(Block(kind, joined, label=pending_label, start=start, end=end))
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
            blocks.append(Block("heading", m.group(2), level=len(m.group(1)), start=line_start))
            continue
        if m := _FOOTNOTE.match(stripped):
            flush()
            blocks.append(Block("footnote", stripped, start=line_start, end=line_start + len(line)))
            continue
        if m := _ITEM.match(line):
            flush()
            depth = len(m.group(1).expandtabs(4)) // 2
            item_start = line_start + line.index(m.group(2))
            body = m.group(2).rstrip()
            blocks.append(
                Block(
                    "item",
                    body,
                    level=depth,
                    label=pending_label,
                    start=item_start,
                    end=item_start + len(body),
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


def plain_text_blocks(text: str) -> list[Block]:
    """Plain text: blank-line paragraphs; short numbered lines become headings, bullet lines items."""
    blocks: list[Block] = []
    for m in re.finditer(r"(?:[^\n]+\n?)+", text):
        chunk = m.group(0)
        lines = [ln.strip() for ln in chunk.splitlines() if ln.strip()]
        if not lines:
            continue
        first = lines[0]
        if len(lines) == 1 and len(first) < 90 and NUMBERED_HEADING.match(first) and not first.endswith("."):
            level = 2 + first.split(" ")[0].count(".") if first[0].isdigit() else 3
            blocks.append(Block("heading", first, level=min(level, 6), start=m.start()))
            continue
        items = [ln for ln in lines if re.match(r"^([•\-*o]|[a-z][.)])\s+", ln)]
        if items and len(items) == len(lines):
            for ln in lines:
                blocks.append(Block("item", re.sub(r"^[•\-*o]\s+", "", ln), start=m.start()))
            continue
        joined = " ".join(lines)
        kind = "caption" if CAPTION.match(joined) else "para"
        blocks.append(Block(kind, joined, start=m.start(), end=m.end()))
    return blocks

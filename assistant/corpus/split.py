"""Blocks into passages: headings give the section path, every list item, paragraph and table row is
its own passage, `<!-- passage: LABEL -->` comments or a short lead term ("Opslagbeperking: ...") name
a block, a table row is named by its caption and first cell. Long blocks are then cut to size by
LangChain's RecursiveCharacterTextSplitter. Stored text is `clean`: no invisible characters."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.corpus.model import Block, Document, Passage, clean

__all__ = ["split_document", "MAX_PASSAGE_CHARS", "CHUNK_CHARS"]

MAX_PASSAGE_CHARS = 1200
CHUNK_CHARS = 900

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
    """Turn a document's blocks into passages with section paths; long blocks are cut to size. A passage
    under no heading gets the document's title as its section. A passage whose text the document
    already holds in an earlier passage is left out and counted (`doc.skipped["repeated"]`): the same
    sentence is never cited twice, and a near-empty vector index of copies is never built."""
    splitter = None
    level_of = authority or doc.authority
    stack: list[tuple[int, str]] = []  # (level, heading); the document title (level 1) is not in paths
    item_labels: dict[int, str] = {}  # depth -> label of the open list item
    passages: list[Passage] = []
    stem = _slug(Path(doc.source).stem)
    title = clean(doc.title)
    seen: set[tuple[str, str]] = set()
    doc.skipped.pop("repeated", None)

    def add(path: list[str], text: str, kind: str, block: Block) -> None:
        nonlocal splitter
        section = " > ".join(clean(p) for p in path) or title
        text = clean(text)
        if len(text) > MAX_PASSAGE_CHARS and splitter is None:
            from langchain_text_splitters import RecursiveCharacterTextSplitter  # only for long blocks

            splitter = RecursiveCharacterTextSplitter(
                chunk_size=CHUNK_CHARS,
                chunk_overlap=120,
                separators=["\n\n", "\n", ". ", "; ", ", ", " "],
                keep_separator="end",
            )
        pieces = [text] if len(text) <= MAX_PASSAGE_CHARS else splitter.split_text(text)
        at = 0
        for k, piece in enumerate(pieces, start=1):
            sec = section if len(pieces) == 1 else f"{section} (deel {k})"
            found = text.find(piece, at)
            at = max(found, 0)
            if (kind, piece) in seen:
                doc.skipped["repeated"] = doc.skipped.get("repeated", 0) + 1
                continue
            seen.add((kind, piece))
            start = block.start + at if block.end else block.start
            passages.append(
                Passage(
                    id=f"{stem}:{len(passages) + 1:03d}",
                    source=doc.source,
                    title=title,
                    section=sec,
                    text=piece,
                    kind=kind,
                    authority=level_of,
                    start=start,
                    end=start + len(piece),
                    page=block.page,
                    doc_hash=doc.hash,
                    page_end=block.page_end if block.page_end != block.page else None,
                    row=block.row,
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
            if label:
                item_labels[block.level] = label
            add(headings + parents + ([label] if label else []), block.text, "text", block)
        elif block.kind == "row":
            item_labels.clear()
            add(headings + [x for x in (block.table, block.label) if x], block.text, "text", block)
        else:
            item_labels.clear()
            kind = {"caption": "caption", "footnote": "footnote"}.get(block.kind, "text")
            add(headings + ([block.label] if block.label else []), block.text, kind, block)
    return passages

"""Safe rendering of passage, answer and user text as Streamlit Markdown (never `unsafe_allow_html`).

Text that comes from documents, users or a language model is escaped before it reaches
`st.markdown`, so it cannot inject links, images, HTML or formatting; only the structure this module
adds (bold markers, highlights, line breaks, list bullets) is Markdown.
"""

from __future__ import annotations

import re

__all__ = [
    "escape_md",
    "answer_markdown",
    "quote_spans",
    "highlight_passage",
    "slug",
]

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=^])")
_LIST_ITEM = re.compile(r"^(\s*)([-*•]|\d{1,3}[.)])\s+")
_MARKER = re.compile(r"\\\[(\d{1,3})\\\]")
HIGHLIGHT = "orange-background"


def escape_md(text: object) -> str:
    """Escape every Markdown-significant character; newlines become hard line breaks."""
    lines = str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "  \n".join(_SPECIAL.sub(r"\\\1", line) for line in lines)


def answer_markdown(text: str) -> str:
    """An answer as safe Markdown: content escaped, list bullets kept, `[n]` markers in bold."""
    out = []
    for line in str(text or "").replace("\r\n", "\n").split("\n"):
        m = _LIST_ITEM.match(line)
        prefix, rest = "", line
        if m:
            bullet = m.group(2)
            prefix = m.group(1) + ("- " if bullet in "-*•" else bullet.rstrip(".)") + ". ")
            rest = line[m.end() :]
        body = _MARKER.sub(r"**\\[\1\\]**", _SPECIAL.sub(r"\\\1", rest))
        out.append(prefix + body)
    return "\n".join(out)


def quote_spans(passage: str, quote: str) -> tuple[list[tuple[int, int]], list[str]]:
    """Character spans of the quoted sentence(s) in `passage` (whitespace and case folded) and the
    quotes that could not be found verbatim. Quotes are joined with ' … ' in a Citation."""
    spans: list[tuple[int, int]] = []
    missing: list[str] = []
    for q in re.split(r"\s+…\s+", quote or ""):
        words = q.split()
        if not words:
            continue
        m = re.search(r"\s+".join(re.escape(w) for w in words), passage, re.I)
        if m:
            spans.append((m.start(), m.end()))
        else:
            missing.append(q.strip())
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged, missing


def _mark(text: str) -> str:
    """Highlight an escaped stretch of text, one directive per line (a directive cannot span lines)."""
    parts = []
    for line in text.split("\n"):
        esc = _SPECIAL.sub(r"\\\1", line)
        parts.append(f":{HIGHLIGHT}[{esc}]" if line.strip() else esc)
    return "  \n".join(parts)


def highlight_passage(passage: str, quote: str) -> tuple[str, list[str]]:
    """The passage as safe Markdown with the quoted sentences highlighted; plus quotes not found."""
    spans, missing = quote_spans(passage, quote)
    pieces, pos = [], 0
    for a, b in spans:
        pieces.append(escape_md(passage[pos:a]))
        pieces.append(_mark(passage[a:b]))
        pos = b
    pieces.append(escape_md(passage[pos:]))
    return "".join(pieces), missing


def slug(text: str, fallback: str = "draft") -> str:
    """A safe file-name stem from a title."""
    stem = re.sub(r"[^\w\-]+", "-", (text or "").strip().lower(), flags=re.UNICODE).strip("-")[:60]
    return stem or fallback

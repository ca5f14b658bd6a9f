"""Lines of code of a Python file: blank lines, comments and docstrings not counted."""

from __future__ import annotations

import ast
from pathlib import Path


def lines_of_code(path: Path) -> int:
    src = Path(path).read_text(encoding="utf-8")
    doc_lines: set[int] = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                if isinstance(first.value.value, str):
                    doc_lines.update(range(first.lineno, first.end_lineno + 1))
    return sum(
        1
        for i, line in enumerate(src.splitlines(), 1)
        if line.strip() and not line.strip().startswith("#") and i not in doc_lines
    )

"""The package layout: imports point one way, from the edges down to text and data helpers.

Layers (a unit may import units of its own layer or lower, never higher, and the units form no
cycle):

    5  cli, ui                                   the edges
    4  services                                  builds an assistant, first start, the drafter
    3  ask, drafting, checker, scan, review, exports, evals
    2  retrieve, index, embeddings, backends
    1  policy, lexicon, corpus, proposal, field_errors, written_values, extras, terms, pii, language, prompts, calibration
    0  text, config, errors, messages (errors render their text from the catalogues)

A unit is a top-level module or subpackage of `assistant`. Function-level imports count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "assistant"

LAYERS: dict[str, int] = {
    **dict.fromkeys(["text", "config", "errors", "messages"], 0),
    **dict.fromkeys(
        [
            "policy",
            "lexicon",
            "corpus",
            "proposal",
            "field_errors",
            "written_values",
            "terms",
            "categories",
            "pii",
            "language",
            "prompts",
            "calibration",
            "translation",
            "extras",
        ],
        1,
    ),
    **dict.fromkeys(["retrieve", "index", "embeddings", "backends"], 2),
    **dict.fromkeys(["ask", "drafting", "checker", "scan", "review", "exports", "evals"], 3),
    "services": 4,
    **dict.fromkeys(["cli", "ui"], 5),
}
MAX_LOC = 420  # "no module over ~400 lines of code" (issue 14); docstrings, comments, blanks not counted


def _unit(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """Units of `assistant` that a file imports (absolute and relative, at any depth)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = list(path.relative_to(PKG.parent).with_suffix("").parts)
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            names = [mod] if node.module or node.level == 0 else [f"{mod}.{a.name}" for a in node.names]
            if mod == "assistant":
                names = [f"assistant.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "assistant" and len(parts) > 1:
                out.add(parts[1])
    return out


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PKG.rglob("*.py"):
        if path.name == "__init__.py" and path.parent == PKG:
            continue
        unit = _unit(path)
        graph.setdefault(unit, set()).update(_imports(path) - {unit})
    return graph


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Imports that point up a layer, units missing from LAYERS, and cycles between units."""
    problems = [f"{u} is in no layer (add it to LAYERS)" for u in graph if u not in LAYERS]
    for unit, deps in graph.items():
        for dep in deps:
            if dep in LAYERS and unit in LAYERS and LAYERS[dep] > LAYERS[unit]:
                problems.append(f"{unit} (layer {LAYERS[unit]}) imports {dep} (layer {LAYERS[dep]})")
    state: dict[str, int] = {}

    def visit(u: str, stack: list[str]) -> None:
        state[u] = 1
        for v in sorted(graph.get(u, ())):
            if state.get(v) == 1:
                problems.append("cycle: " + " -> ".join(stack[stack.index(v) :] + [v]))
            elif v not in state:
                visit(v, stack + [v])
        state[u] = 2

    for u in sorted(graph):
        if u not in state:
            visit(u, [u])
    return problems


def test_imports_point_one_way():
    assert violations(_graph()) == []


@pytest.mark.parametrize(
    "graph, expected",
    [
        ({"text": set(), "policy": {"text"}}, []),
        ({"text": {"policy"}, "policy": set()}, ["text (layer 0) imports policy (layer 1)"]),
        ({"ask": {"drafting"}, "drafting": {"ask"}}, ["cycle: ask -> drafting -> ask"]),
        ({"newthing": set()}, ["newthing is in no layer (add it to LAYERS)"]),
    ],
)
def test_the_layer_check_catches_violations(graph, expected):
    assert violations(graph) == expected


def test_no_module_is_too_long():
    from tests.loc import lines_of_code

    long = {str(p.relative_to(PKG)): n for p in PKG.rglob("*.py") if (n := lines_of_code(p)) > MAX_LOC}
    assert long == {}

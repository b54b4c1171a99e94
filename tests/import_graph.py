"""The package's import graph, read from its source with ``ast`` (nothing is imported).

Every ``import`` and ``from ... import`` counts, at module level or inside a
function: a circle hidden behind a function-level import is still a circle
between rooms. ``from package import name`` points at ``package.name`` when
that is a module, else at ``package``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx


def module_files(package_dir: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file below ``package_dir``."""
    root = package_dir.parent
    modules = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def import_graph(package_dir: Path) -> nx.DiGraph:
    """Modules as vertices; an edge ``a -> b`` (attribute ``line``) where ``a`` imports ``b``."""
    modules = module_files(package_dir)
    top = package_dir.name
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)

    def nearest_module(name: str) -> str:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name

    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        package = module if is_package else module.rpartition(".")[0]
        for statement in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(statement, ast.Import):
                targets = [alias.name for alias in statement.names]
            elif isinstance(statement, ast.ImportFrom):
                base = statement.module or ""
                if statement.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - statement.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in statement.names
                ]
            for target in targets:
                if target.split(".")[0] != top:
                    continue
                resolved = nearest_module(target)
                if resolved and resolved != module:
                    graph.add_edge(module, resolved, line=statement.lineno)
    return graph


def room_of(module: str) -> str:
    """A module's room: its top-level subpackage or module (``<root>``: the package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "<root>"


def import_circles(graph: nx.DiGraph, limit: int = 5) -> list[list[str]]:
    """Up to ``limit`` import circles, each as ``a -> b -> ... -> a`` with line numbers."""
    circles = []
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        cycle = nx.find_cycle(graph.subgraph(component))
        circles.append([f"{a} (line {graph.edges[a, b]['line']}) -> {b}" for a, b in cycle])
        if len(circles) >= limit:
            break
    return circles


def room_imports(graph: nx.DiGraph) -> dict[tuple[str, str], list[str]]:
    """``(room, other room) -> ["module:line -> module", ...]`` for every import across rooms."""
    found: dict[tuple[str, str], list[str]] = {}
    for a, b, line in graph.edges(data="line"):
        pair = (room_of(a), room_of(b))
        if pair[0] != pair[1]:
            found.setdefault(pair, []).append(f"{a}:{line} -> {b}")
    return found

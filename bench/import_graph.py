"""Package-level import graph of `scheduler` (a measurement, not a test).

Every `import`/`from … import` in scheduler/**.py (also inside functions and TYPE_CHECKING blocks) is mapped to
the feature package it names (`scheduler.meetings.models` -> `meetings`; top-level modules count as themselves).
Prints the edges, the pairs of packages that import each other and the strongly connected groups (cycles).

    .venv/bin/python bench/import_graph.py [--edges]
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "scheduler"


def package_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "scheduler" or len(parts) < 2:
        return None
    return parts[1]


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT.parent).with_suffix("")
        source = package_of(".".join(relative.parts))
        if source is None or source == "__init__":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                target = package_of(name)
                if (
                    target
                    and target != source
                    and target != "__init__"
                    and (ROOT / target).exists() | (ROOT / f"{target}.py").exists()
                ):
                    edges[source].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(set(edges) | {t for ts in edges.values() for t in ts}):
        if node not in index:
            visit(node)
    return found


def feature_packages() -> list[str]:
    """The folders of `scheduler` that hold Python code (top-level modules are not feature packages)."""
    return sorted(p.name for p in ROOT.iterdir() if p.is_dir() and any(p.glob("*.py")) and p.name != "__pycache__")


def mutual_pairs(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted({tuple(sorted((a, b))) for a, bs in edges.items() for b in bs if a in edges.get(b, set())})  # type: ignore[misc]


def mutual_feature_pairs(edges: dict[str, set[str]] | None = None) -> list[tuple[str, str]]:
    """The pairs of feature packages that import each other (the rule: none)."""
    features = feature_packages()
    return [(a, b) for a, b in mutual_pairs(graph() if edges is None else edges) if a in features and b in features]


def feature_cycles(edges: dict[str, set[str]] | None = None) -> list[list[str]]:
    """The groups of feature packages that reach each other through imports (the layers: none)."""
    features = set(feature_packages())
    edges = graph() if edges is None else edges
    return cycles({a: {b for b in bs if b in features} for a, bs in edges.items() if a in features})


def main() -> None:
    edges = graph()
    features = feature_packages()
    mutual = mutual_pairs(edges)
    if "--edges" in sys.argv:
        for source in sorted(edges):
            print(f"{source} -> {', '.join(sorted(edges[source]))}")
    print(f"packages: {len(features)}; edges between modules/packages: {sum(len(v) for v in edges.values())}")
    print(f"mutual imports between packages ({len(mutual)}): " + ", ".join(f"{a}<->{b}" for a, b in mutual))
    groups = cycles(edges)
    print(f"cycles (strongly connected groups, {len(groups)}): " + "; ".join(" ".join(g) for g in groups))
    feature_pairs = mutual_feature_pairs(edges)
    print(
        f"mutual imports between feature packages ({len(feature_pairs)}): "
        + ", ".join(f"{a}<->{b}" for a, b in feature_pairs)
    )
    layered = feature_cycles(edges)
    print(f"cycles between feature packages ({len(layered)}): " + "; ".join(" ".join(g) for g in layered))


if __name__ == "__main__":
    main()

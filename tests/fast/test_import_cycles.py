"""No import cycles in the host, imports inside functions included.

A deferred import that exists only to break a cycle is still a cycle: the two
files cannot be understood, or moved, one without the other. Lazy imports kept for
boot speed are fine, as long as nothing imports back.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("openimis_host", "plugins_spec")


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every Python file of the host's packages."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The host's modules that ``name`` imports anywhere in its file."""
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            # ``from pkg import sub`` imports the submodule; ``from pkg import name``, the package.
            candidates = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in known else prefix
                          for a in node.names]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in known:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                targets.add(candidate)
    return targets


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_host_has_no_import_cycle_even_through_imports_inside_functions():
    known = modules()
    edges = {name: imported(name, path, known) for name, path in known.items()}
    assert cycles(edges) == []


def test_the_cycle_check_sees_an_import_inside_a_function(tmp_path):
    # The check must be able to fail: two modules that import each other, one lazily.
    known = {"pkg.a": tmp_path / "a.py", "pkg.b": tmp_path / "b.py"}
    known["pkg.a"].write_text("from . import b\n")
    known["pkg.b"].write_text("def f():\n    from .a import thing\n")
    edges = {name: imported(name, path, known) for name, path in known.items()}
    assert cycles(edges) == [["pkg.a", "pkg.b"]]

"""A test that runs on the current stack only stays clear of what differs between stacks.

``on_current_stack_only`` (tests/conftest.py) skips a file or a test function on the
legacy stack because it would run the same code twice. That judgment holds while it
touches nothing that differs between .venv-test and .venv-test-legacy: GraphQL (graphene 3
or 2), the login (axes 8 or 6, JWT), openIMIS's modules (tests/stack_parts.py). A test
that starts to use one of them must run on both stacks again; this test says so.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("stack_parts", TESTS / "stack_parts.py")
stack_parts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stack_parts)

def one_stack_files() -> list[Path]:
    """The test files marked ``pytestmark = on_current_stack_only(...)``."""
    return [p for p in sorted(TESTS.glob("test_*.py"))
            if re.search(r"^pytestmark = on_current_stack_only\(", p.read_text(), re.M)]


def test_some_files_run_on_one_stack():
    assert len(one_stack_files()) >= 5


def test_a_file_on_one_stack_touches_nothing_that_differs_between_the_stacks():
    found = []
    for path in one_stack_files():
        text = path.read_text()
        for offset, why in stack_parts.stack_parts(text):
            line = text.count("\n", 0, offset) + 1
            found.append(f"tests/{path.name}:{line} {why}: remove its "
                         "on_current_stack_only mark, so that it runs on both stacks")
    assert not found, "\n".join(found)


def one_stack_functions() -> list[tuple[Path, ast.FunctionDef, ast.Module, str]]:
    """The test functions decorated ``@on_current_stack_only(...)``, with their file's tree."""
    found = []
    for path in sorted(TESTS.glob("test_*.py")):
        text = path.read_text()
        tree = ast.parse(text)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and getattr(d.func, "id", "") == "on_current_stack_only"
                    for d in node.decorator_list):
                found.append((path, node, tree, text))
    return found


def functions_of(tree: ast.Module, text: str) -> dict[str, tuple[ast.FunctionDef, str]]:
    """name -> (function, its file's text): the file's own functions, and those it imports
    from the helper modules beside it (not conftest.py: its fixtures serve every test)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module != "conftest" \
                and (TESTS / f"{node.module}.py").is_file():
            helper_text = (TESTS / f"{node.module}.py").read_text()
            helpers = {n.name: (n, helper_text) for n in ast.parse(helper_text).body
                       if isinstance(n, ast.FunctionDef)}
            found |= {a.name: helpers[a.name] for a in node.names if a.name in helpers}
    found |= {n.name: (n, text) for n in tree.body if isinstance(n, ast.FunctionDef)}
    return found


def runs(function: ast.FunctionDef, tree: ast.Module, text: str) -> list[tuple[ast.FunctionDef, str]]:
    """``function`` and every function it calls or takes as a fixture, transitively, among
    :func:`functions_of` its file; each with the text of the file it is in."""
    defined = functions_of(tree, text)
    seen, todo = {}, [(function, text)]
    while todo:
        node, source = todo.pop()
        if node.name in seen:
            continue
        seen[node.name] = (node, source)
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        names |= {a.arg for a in node.args.args}  # fixtures defined in the file
        todo += [defined[name] for name in names if name in defined]
    return list(seen.values())


def test_some_functions_run_on_one_stack():
    assert len(one_stack_functions()) >= 5


def test_a_function_on_one_stack_touches_nothing_that_differs_between_the_stacks():
    found = []
    for path, function, tree, text in one_stack_functions():
        for node, file_text in runs(function, tree, text):
            source = ast.get_source_segment(file_text, node)
            for offset, why in stack_parts.stack_parts(source):
                line = node.lineno + source.count("\n", 0, offset)
                found.append(f"line {line} ({function.name} runs {node.name}) {why}: remove "
                             f"the on_current_stack_only mark of tests/{path.name}::"
                             f"{function.name}, so that it runs on both stacks")
    assert not found, "\n".join(found)

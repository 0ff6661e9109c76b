"""A test file that runs on the current stack only stays clear of what differs between stacks.

``on_current_stack_only`` (tests/conftest.py) skips a file on the legacy stack because it
would run the same code twice. That judgment holds while the file touches nothing that
differs between .venv-test and .venv-test-legacy: GraphQL (graphene 3 or 2), the login
(axes 8 or 6, JWT), openIMIS's modules. A file that starts to use one of them must run on
both stacks again; this test says so.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent

#: What a file on one stack must not do, and why it would need both.
STACK_PARTS = {
    r"(?i)graphql\(|[\"']/graphql": "calls the GraphQL endpoint (graphene 3 or 2)",
    r"openimis_graphql_|\bgraphene\b": "builds a GraphQL schema (graphene 3 or 2)",
    r"\bLEGACY\b": "branches on the stack",
    r"(?i)\baxes\b|AXES_": "uses the login lock-out (axes 8 or 6)",
    r"(?i)\bjwt\b|tokenAuth|\blogin\(|bearer\(|/login": "logs in (JWT, axes)",
    r"OPENIMIS_LEGACY_MODULES|openimis_host\.legacy|legacy-requirements":
        "uses openIMIS's modules",
}


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
        for pattern, why in STACK_PARTS.items():
            for match in re.finditer(pattern, text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"tests/{path.name}:{line} {why}: remove its "
                             "on_current_stack_only mark, so that it runs on both stacks")
    assert not found, "\n".join(found)

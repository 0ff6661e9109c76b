"""What differs between the two GraphQL stacks, as text a test's source would show.

A test that shows none of it runs the very same code on both stacks, so scripts/test runs
it on the current stack only (``on_current_stack_only`` in conftest.py). The guard is
tests/fast/test_one_stack.py; test_bad_modules.py marks its cases with it.
"""

from __future__ import annotations

import re

#: pattern -> why a test that matches needs both stacks.
STACK_PARTS = {
    r"(?i)graphql\(|[\"']/graphql": "calls the GraphQL endpoint (graphene 3 or 2)",
    r"openimis_graphql_|\bgraphene\b": "builds a GraphQL schema (graphene 3 or 2)",
    r"\bLEGACY\b": "branches on the stack",
    r"(?i)\baxes\b|AXES_": "uses the login lock-out (axes 8 or 6)",
    r"(?i)\bjwt\b|tokenAuth|\blogin\(|bearer\(|/login": "logs in (JWT, axes)",
    r"OPENIMIS_LEGACY_MODULES|openimis_host\.legacy|legacy-requirements":
        "uses openIMIS's modules",
}


def stack_parts(text: str) -> list[tuple[int, str]]:
    """(offset, why) of each place in ``text`` that touches a part of the stack."""
    return sorted((match.start(), why) for pattern, why in STACK_PARTS.items()
                  for match in re.finditer(pattern, text))

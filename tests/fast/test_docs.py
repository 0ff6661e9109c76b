"""The docs keep up with the code: every hook and every environment variable is documented.

As datasette's test_docs.py does: adding a hook or a variable without a line of
documentation fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from openimis_host.host import HOOK_NAMES

ROOT = Path(__file__).parents[2]
DOCS = "\n".join(p.read_text() for p in sorted((ROOT / "docs").glob("*.md")))
OPERATORS = (ROOT / "docs" / "operators.md").read_text()
#: env.<kind>("NAME", ...), _env.<kind>("NAME", ...), os.environ.get("NAME") in the host's code.
READ = re.compile(r"""(?:\benv|_env)\.\w+\(\s*["']([A-Z][A-Z0-9_]+)["']"""
                  r"""|os\.environ\.get\(\s*["']([A-Z][A-Z0-9_]+)["']""")
INTERNAL = {"DJANGO_SETTINGS_MODULE"}


def variables_read() -> list[str]:
    found = set()
    for path in (ROOT / "openimis_host").rglob("*.py"):
        for match in READ.finditer(path.read_text()):
            found.add(match.group(1) or match.group(2))
    return sorted(found - INTERNAL)


def test_the_code_reads_variables_at_all():
    assert {"MODE", "DB_NAME", "SITE_ROOT", "OPENIMIS_MODULE_ERRORS"} <= set(variables_read())


@pytest.mark.parametrize("name", variables_read())
def test_every_environment_variable_is_in_the_operators_table(name):
    assert re.search(rf"^\|.*`{name}`", OPERATORS, re.M), f"{name} is read but not in docs/operators.md"


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_every_hook_is_documented(hook):
    assert f"`{hook}(" in DOCS or f"`{hook}`" in DOCS


def test_the_readme_is_a_map():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 200

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


# --- links and repeated paragraphs ---------------------------------------------------------

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: [text](target) and ![alt](target); the target up to the first space or ")".
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)[^)]*\)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def slug(heading: str) -> str:
    """The anchor GitHub makes of a heading: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text())
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*$", text, re.M)}


def relative_links(page: Path) -> list[str]:
    text = FENCE.sub("", page.read_text())
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves_to_a_file_and_its_heading(page):
    broken = []
    for target in relative_links(page):
        path, _, fragment = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            broken.append(f"{target}: no file {resolved}")
        elif fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
            broken.append(f"{target}: no heading #{fragment} in {resolved.name}")
    assert broken == [], f"{page.name}: broken links: {broken}"


def paragraphs(page: Path) -> list[str]:
    """The prose paragraphs of a page (no code blocks, tables or headings), whitespace folded."""
    text = FENCE.sub("", page.read_text())
    found = []
    for block in re.split(r"\n\s*\n", text):
        block = " ".join(block.split())
        if len(block) >= 40 and not block.startswith(("#", "|", "<")):
            found.append(block)
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_paragraph_appears_twice_on_a_page(page):
    seen, twice = set(), []
    for paragraph in paragraphs(page):
        if paragraph in seen:
            twice.append(paragraph[:80])
        seen.add(paragraph)
    assert twice == [], f"{page.name} repeats: {twice}"


def test_the_link_check_sees_a_broken_link_and_a_missing_heading(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# A page\n\n[ok](#a-page) [gone](nowhere.md) [no heading](page.md#nope)\n"
                    "```\n[in code](ignored.md)\n```\n")
    assert relative_links(page) == ["#a-page", "nowhere.md", "page.md#nope"]
    assert "a-page" in anchors(page) and "nope" not in anchors(page)

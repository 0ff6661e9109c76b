"""The layout shows the parts: a package per part, few files at the top, all on the design page.

docs/design.md ("Where things are") is where a newcomer looks for where a change belongs,
so every package and every top-level file of ``openimis_host/`` must be named there, and a
new file at the top must be plainly host-wide or go into the package of its part.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parents[2]
DESIGN = (ROOT / "docs" / "design.md").read_text()

#: The host-wide files; anything else belongs to a part (a package).
HOST_WIDE = {"__init__.py", "__main__.py", "apps.py", "checks.py", "cli.py", "env.py", "errors.py",
             "host.py", "models.py", "querylog.py", "testing.py", "urls.py"}


def top_level_files(package: Path) -> set[str]:
    """The Python files directly in ``package``."""
    return {p.name for p in package.glob("*.py")}


def unmapped(package: Path, design: str) -> list[str]:
    """The packages and top-level files of ``package`` that the design page does not name."""
    names = [f"{p.name}/" for p in sorted(package.iterdir()) if (p / "__init__.py").exists()]
    names += sorted(top_level_files(package) - {"__init__.py"})
    return [n for n in names
            if f"`openimis_host/{n}`" not in design and f"`{n}`" not in design]


def test_only_host_wide_files_are_at_the_top_of_the_host():
    stray = sorted(top_level_files(ROOT / "openimis_host") - HOST_WIDE)
    assert stray == [], (f"{stray} at the top of openimis_host/: move each into the package of its "
                         "part (docs/design.md: Where things are), or add it to HOST_WIDE if it is host-wide")


def test_the_design_page_names_every_package_and_top_level_file():
    assert unmapped(ROOT / "openimis_host", DESIGN) == [], \
        "add a row (or a name in a row) to docs/design.md's table under 'Where things are'"


def test_the_layout_checks_see_a_stray_file_and_an_unmapped_package(tmp_path):
    # The checks must be able to fail.
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "__init__.py").write_text("")
    (tmp_path / "loose.py").write_text("")
    assert top_level_files(tmp_path) - HOST_WIDE == {"loose.py"}
    assert unmapped(tmp_path, "| `openimis_host/other/` | ... |") == ["parts/", "loose.py"]
    assert unmapped(tmp_path, "| `openimis_host/parts/`, `loose.py` | ... |") == []

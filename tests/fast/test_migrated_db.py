"""tests/migrated_db.py: a migrated database is made once per environment and copied to fresh
databases only (SQLite here; the fast tier has no server)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))  # tests/, where the helper lives

import migrated_db  # noqa: E402


def maker(made: list):
    def make(env: dict) -> None:
        made.append(env)
        Path(env["SQLITE_PATH"]).write_text(f"made {len(made)}")
    return make


def test_a_fresh_database_with_the_same_environment_is_a_copy_of_the_first(tmp_path):
    made = []
    for name in ("a", "b"):
        env = {"SQLITE_PATH": str(tmp_path / f"{name}.sqlite3"), "CASE": tmp_path.name,
               "PYTEST_CURRENT_TEST": name}
        migrated_db.made_once(env, tmp_path, "args", maker(made))
    assert len(made) == 1 and made[0]["SQLITE_PATH"] != str(tmp_path / "a.sqlite3")  # a template
    assert (tmp_path / "a.sqlite3").read_text() == (tmp_path / "b.sqlite3").read_text() == "made 1"


def test_another_environment_other_arguments_or_a_used_database_are_made_by_the_process(tmp_path):
    made = []
    # CASE: templates live as long as the process; this test's are its own.
    base = {"SQLITE_PATH": str(tmp_path / "a.sqlite3"), "MODE": "PROD", "CASE": tmp_path.name}
    migrated_db.made_once(base, tmp_path, "args", maker(made))
    migrated_db.made_once({**base, "SQLITE_PATH": str(tmp_path / "b.sqlite3"), "MODE": "DEV"},
                          tmp_path, "args", maker(made))
    migrated_db.made_once({**base, "SQLITE_PATH": str(tmp_path / "c.sqlite3")}, tmp_path,
                          "other args", maker(made))
    migrated_db.made_once(base, tmp_path, "args", maker(made))  # a.sqlite3 exists: not fresh
    assert len(made) == 4 and made[-1]["SQLITE_PATH"] == str(tmp_path / "a.sqlite3")
    (tmp_path / ".env").write_text("MODE=DEV\n")  # what the command would read too
    migrated_db.made_once({**base, "SQLITE_PATH": str(tmp_path / "d.sqlite3")}, tmp_path, "args",
                          maker(made))
    assert len(made) == 5

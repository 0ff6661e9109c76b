"""A configured backend whose library is not installed is named at boot, with the extra to install.

"Not installed" is played by putting, ahead of site-packages on PYTHONPATH, a
package of the same name whose import fails the way a missing one does.
"""

from __future__ import annotations

import pytest
from conftest import on_current_stack_only, with_dists

pytestmark = on_current_stack_only(
    "a configured backend's missing library, named at boot")

CASES = {
    "postgres": ({"DB_NAME": "openimis", "DB_HOST": "127.0.0.1"}, ("psycopg", "psycopg2"),
                 "DB_NAME is set (PostgreSQL) but no PostgreSQL driver is installed: "
                 "pip install 'openimis-host[postgres]'"),
    "redis": ({"CACHE_BACKEND": "redis", "CACHE_URL": "redis://127.0.0.1:6379/0"}, ("redis",),
              "CACHE_BACKEND=redis needs the redis package, which is not installed: "
              "pip install 'openimis-host[redis]'"),
}


def without(tmp_path, *packages: str):
    """A directory that makes ``packages`` fail to import as if they were not installed."""
    root = tmp_path / "not-installed"
    for name in packages:
        (root / name).mkdir(parents=True)
        (root / name / "__init__.py").write_text(
            f"raise ModuleNotFoundError(\"No module named '{name}'\", name={name!r})\n")
    return root


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_names_the_missing_library_and_its_extra(case, host_env, cli, tmp_path):
    variables, packages, message = CASES[case]
    env = with_dists({**host_env, **variables}, without(tmp_path, *packages))
    result = cli("check", "--deploy", env=env)
    assert result.returncode == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.strip().splitlines() == [f"openimis-host: {message} "
                                                  "(or unset DB_NAME for SQLite)"
                                                  if case == "postgres" else
                                                  f"openimis-host: {message}"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_gunicorn_stops_at_boot_naming_the_extra(case, host_env, gunicorn, tmp_path):
    variables, packages, message = CASES[case]
    env = with_dists({**host_env, **variables}, without(tmp_path, *packages))
    server = gunicorn(env, workers=1, wait=False)
    assert server.exit_code() != 0, server.output
    assert "Traceback" not in server.output
    assert message in server.output

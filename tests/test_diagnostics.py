"""Slow module imports and leaked database connections get a name."""

from __future__ import annotations

import re

import pytest
from conftest import on_current_stack_only, pg_available, with_dists
from fault_support import faultprobe_dist
from production_support import call

pytestmark = on_current_stack_only(
    "slow imports and leaked database connections at boot")


def test_a_slow_module_import_is_logged_naming_the_module(host_env, cli):
    env = with_dists(host_env, faultprobe_dist())
    slow = cli("check", env={**env, "FAULTPROBE_IMPORT_SECONDS": "1.5",
                             "OPENIMIS_SLOW_MODULE_SECONDS": "0.5"})
    assert slow.returncode == 0, slow.output
    # The time shown is measured (1.5 s or more on a busy machine).
    assert re.search(r"module 'faultprobe': importing 'openimis_faultprobe.plugin' took \d+\.\d s "
                     r"\(over OPENIMIS_SLOW_MODULE_SECONDS=0.5\)", slow.stderr), slow.stderr
    fast = cli("check", env={**env, "FAULTPROBE_IMPORT_SECONDS": "0.3"})  # default threshold: 5 s
    assert fast.returncode == 0 and "took" not in fast.stderr, fast.output


def test_a_slow_hook_is_logged_naming_the_module_and_the_hook(host_env, cli):
    env = {**with_dists(host_env, faultprobe_dist()), "FAULTPROBE_HOOK_SECONDS": "1.5",
           "OPENIMIS_SLOW_MODULE_SECONDS": "0.5"}
    result = cli("check", env=env)
    assert result.returncode == 0, result.output
    assert re.search(r"module 'faultprobe': hook openimis_urlpatterns\(\) took \d+\.\d s "
                     r"\(over OPENIMIS_SLOW_MODULE_SECONDS=0.5\)", result.stderr), result.stderr


@pytest.mark.skipif(not pg_available(), reason="PostgreSQL is not reachable")
def test_in_dev_a_leaked_database_connection_is_reported_naming_the_module(
        host_env, pg_name, gunicorn, cli):
    env = {**with_dists(host_env, faultprobe_dist()), "MODE": "DEV", "DB_NAME": pg_name,
           "DB_HOST": "127.0.0.1", "DB_PORT": "5432", "DB_USER": "postgres"}
    assert cli("migrate", env=env).returncode == 0
    server = gunicorn(env, workers=1)
    for _ in range(3):
        assert call("GET", server.url + "/faultprobe/tidy").status == 200  # Django's own: no leak
    assert "database connection" not in server.output
    for n in range(1, 4):
        assert call("GET", server.url + "/faultprobe/leak").json() == {"leaked": n}
    lines = [line for line in server.output.splitlines() if "database connection(s) open" in line]
    assert len(lines) == 3, server.output
    assert "module 'faultprobe' left 1 database connection(s) open after GET /faultprobe/leak " \
           "(3 so far)" in lines[-1]

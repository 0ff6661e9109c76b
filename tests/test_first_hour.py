"""Small things a newcomer hit in the first hour, each through the surface they met it on."""

from conftest import build_dist, with_dists
from production_support import graphql, prod

BROKEN = {"openimis_broken/__init__.py": "",
          "openimis_broken/plugin.py": """
              from plugins_spec import hookimpl

              @hookimpl
              def openimis_settings():
                  raise RuntimeError("broken on purpose")
              """}


def test_gunicorn_names_itself_once_when_a_module_stops_the_boot(host_env, gunicorn):
    site = build_dist("openimis-broken", "1.0.0", BROKEN, module="broken",
                      entry_point="openimis_broken.plugin")
    server = gunicorn(with_dists(host_env, site), workers=1, wait=False)
    assert server.exit_code() == 2
    assert "openimis-host: cannot start: 1 module problem(s)" in server.output
    assert "openimis-host: openimis-host" not in server.output


def test_a_bad_db_port_shows_a_port_as_the_example(host_env, cli):
    env = {**host_env, "DB_NAME": "imis", "DB_PORT": "five"}
    result = cli("check", env=env)
    assert result.returncode == 2
    assert result.stderr == ("openimis-host: DB_PORT='five' is not valid: expected a whole number, "
                             "e.g. DB_PORT=5432\n")
    for mssql in ({"DB_DEFAULT": "mssql"}, {"DB_ENGINE": "mssql"}):
        result = cli("check", env={**env, **mssql})
        assert result.stderr.endswith("e.g. DB_PORT=1433\n"), result.stderr


def test_the_prod_introspection_refusal_carries_a_code(host_env, gunicorn):
    server = gunicorn(prod(host_env), workers=1)
    refused = graphql(server, "{ __schema { queryType { name } } }")
    assert refused.status == 400
    errors = refused.json()["errors"]  # one per introspection field: __schema, queryType
    assert [e["extensions"] for e in errors] == [{"code": "introspection_disabled"}] * 2
    assert all("introspection" in e["message"].lower() for e in errors)

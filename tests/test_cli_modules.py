"""What ``openimis-host modules`` says: each problem once, contributions only of loaded modules,
the "left out" log line only under skip, and each module's summary and home page."""

from __future__ import annotations

from conftest import build_dist, with_dists

HALF_BROKEN = build_dist("openimis-halfbroken", "1.2.0", {
    "openimis_halfbroken/__init__.py": "",
    "openimis_halfbroken/plugin.py": """\
        import graphene
        from plugins_spec import hookimpl


        class Query(graphene.ObjectType):
            half_field = graphene.String()


        @hookimpl
        def openimis_graphql_query():
            return Query


        @hookimpl
        def openimis_scheduled_tasks():
            raise RuntimeError("tasks are broken")
        """,
}, module="halfbroken", entry_point="openimis_halfbroken.plugin")


def test_each_problem_is_printed_once_with_its_id(host_env, cli):
    result = cli("modules", env=with_dists(host_env, HALF_BROKEN))
    assert result.returncode == 1
    assert result.output.count("tasks are broken") == 1, result.output
    assert "[openimis.E009]" in result.output
    assert "left out" not in result.output  # the policy is fail: nothing was left out


def test_under_skip_the_problem_is_printed_once_and_said_to_be_left_out(host_env, cli):
    env = {**with_dists(host_env, HALF_BROKEN), "OPENIMIS_MODULE_ERRORS": "skip"}
    result = cli("modules", env=env)
    assert result.returncode == 0
    assert result.output.count("tasks are broken") == 1, result.output
    assert "1 module(s) failed and are left out (OPENIMIS_MODULE_ERRORS=skip)" in result.stderr


def test_a_failed_module_lists_no_contributions(host_env, cli):
    result = cli("modules", "--json", env=with_dists(host_env, HALF_BROKEN))
    row = next(m for m in result.json()["modules"] if m["name"] == "halfbroken")
    assert row["status"] == "failed" and row["contributions"] == {}
    table = cli("modules", env=with_dists(host_env, HALF_BROKEN)).stdout
    assert "halfField" not in table


def test_modules_show_summary_and_home_page_from_metadata(host_env, cli):
    rows = {m["name"]: m for m in cli("modules", "--json", env=host_env).json()["modules"]}
    assert rows["insuree"]["summary"].startswith("Example openIMIS module: insurees")
    assert rows["insuree"]["home_page"].endswith("example_plugins/openimis-example-insuree")
    table = cli("modules", env=host_env).stdout
    assert "insuree: Example openIMIS module: insurees" in table
    assert rows["host"]["builtin"] is True and "host (built-in)" in table

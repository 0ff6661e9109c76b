"""A real pip-installed module provider that supplies two modules, served by gunicorn."""

from __future__ import annotations

from conftest import build_dist, on_current_stack_only, with_dists

pytestmark = on_current_stack_only(
    "a module provider's entry points, discovery and plain views")

BRIDGE = build_dist("openimis-bridge", "2.5.0", {
    "openimis_bridge/__init__.py": "",
    "openimis_bridge/provider.py": """\
        from plugins_spec import ProvidedModule

        from . import plugins


        def provide():
            # Listed in the wrong order on purpose: 'after' decides.
            return [ProvidedModule("wards", plugins.Wards, "openimis-be-wards", "1.11.0",
                                   after=("beds",)),
                    ProvidedModule("beds", plugins.Beds, "openimis-be-beds", "1.10.2")]
        """,
    "openimis_bridge/plugins.py": """\
        from django.http import JsonResponse
        from plugins_spec import hookimpl


        def _mount(name):
            from django.urls import path
            return [path("hello", lambda request: JsonResponse({"module": name}))]


        class Beds:
            @hookimpl
            def openimis_urlpatterns():
                return _mount("beds")


        class Wards:
            @hookimpl
            def openimis_urlpatterns():
                return _mount("wards")
        """,
}, providers={"bridge": "openimis_bridge.provider:provide"})

BROKEN = build_dist("openimis-broken-bridge", "0.3.0", {
    "openimis_broken_bridge/__init__.py": "",
    "openimis_broken_bridge/provider.py": """\
        def provide():
            return "not a list"
        """,
}, providers={"shaky": "openimis_broken_bridge.provider:provide"})


def test_a_provider_supplies_two_modules_listed_with_their_real_distributions(host_env, cli):
    result = cli("modules", "--json", env=with_dists(host_env, BRIDGE))
    assert result.returncode == 0, result.output
    rows = [(m["name"], m["distribution"], m["version"], m["source"])
            for m in result.json()["modules"] if m["source"].startswith("provider")]
    assert rows == [("beds", "openimis-be-beds", "1.10.2", "provider bridge"),
                    ("wards", "openimis-be-wards", "1.11.0", "provider bridge")]


def test_provided_modules_are_served_and_in_health(host_env, gunicorn):
    server = gunicorn(with_dists(host_env, BRIDGE), workers=1)
    assert server.get("/beds/hello").json() == {"module": "beds"}
    assert server.get("/wards/hello").json() == {"module": "wards"}
    names = [m["name"] for m in server.get("/health").json()["modules"]]
    assert names.index("beds") < names.index("wards")


def test_provided_modules_obey_openimis_disabled_modules(host_env, cli):
    env = {**with_dists(host_env, BRIDGE), "OPENIMIS_DISABLED_MODULES": "beds"}
    result = cli("modules", "--json", env=env)
    statuses = {m["name"]: m["status"] for m in result.json()["modules"]}
    assert statuses["beds"] == "disabled" and statuses["wards"] == "failed"
    assert result.returncode == 1  # wards needs beds, and the policy is fail


def test_a_provider_returning_garbage_is_one_problem_named_after_its_distribution(host_env, cli):
    result = cli("check", env=with_dists(host_env, BROKEN))
    assert result.returncode == 2
    assert ("module 'shaky' (openimis-broken-bridge 0.3.0): the module provider "
            "'openimis_broken_bridge.provider:provide' returned a str, not a list [openimis.E021]"
            ) in result.stderr
    assert result.stderr.count("openimis.E021") == 1

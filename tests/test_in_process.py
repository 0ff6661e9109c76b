"""Module authors can boot a host in-process with exactly the plugins they want."""

import subprocess
import sys
import textwrap


def run_script(source: str, env: dict, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(source)], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_a_plugin_object_registered_in_process_is_served_without_installing(host_env, tmp_path):
    script = """
        from django.http import JsonResponse
        from django.urls import path
        import graphene
        from plugins_spec import hookimpl
        from openimis_host.testing import setup_host

        class Plugin:
            @hookimpl
            def openimis_settings():
                return {"DEMO_WORD": "hi"}

            @hookimpl
            def openimis_urlpatterns():
                from django.conf import settings
                return [path("word", lambda r: JsonResponse({"word": settings.DEMO_WORD}))]

            @hookimpl
            def openimis_graphql_query():
                class Query(graphene.ObjectType):
                    demo = graphene.String()
                    def resolve_demo(root, info):
                        return "ok"
                return Query

        host = setup_host({"demo": Plugin})
        print([m.name for m in host.loaded])

        from django.test import Client
        client = Client()
        print(client.get("/demo/word").json())
        print(client.post("/graphql", {"query": "{ demo }"},
                          content_type="application/json").json())
    """
    result = run_script(script, host_env, tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # Only the registered module (and the host's built-in one): the pip-installed
    # examples are left out by default.
    assert lines[0] == "['host', 'demo']"
    assert lines[1] == "{'word': 'hi'}"
    assert lines[2] == "{'data': {'demo': 'ok'}}"


def test_in_process_plugins_can_sit_beside_the_installed_modules(host_env, tmp_path):
    script = """
        from plugins_spec import hookimpl
        from openimis_host.testing import setup_host

        class Plugin:
            @hookimpl
            def openimis_settings():
                return {"DEMO_WORD": "hi"}

        host = setup_host({"demo": Plugin}, installed=True, requires={"demo": ["openimis-example-claim"]})
        print(",".join(m.name for m in host.loaded))
    """
    result = run_script(script, host_env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["host,insuree,claim,demo"]


def test_a_broken_in_process_plugin_raises_a_boot_error_naming_it(host_env, tmp_path):
    script = """
        from plugins_spec import hookimpl
        from openimis_host.errors import BootError
        from openimis_host.testing import setup_host

        class Plugin:
            @hookimpl
            def openimis_django_apps():
                return "not-a-list"

        try:
            setup_host({"demo": Plugin})
        except BootError as exc:
            print(exc)
    """
    result = run_script(script, host_env, tmp_path)
    assert "module 'demo'" in result.stdout
    assert "openimis_django_apps() returned str 'not-a-list'" in result.stdout
    assert "expected a list of dotted-path strings" in result.stdout

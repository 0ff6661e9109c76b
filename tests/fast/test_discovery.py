"""Discovery and the before/after-setup checks, over fake installed distributions.

Each broken module is one case, run under both policies: under ``fail`` the boot
error names the module, its distribution, the problem id and the fix; under
``skip`` the broken module is left out with that id and the good one is loaded.
"""

from __future__ import annotations

import pytest

from openimis_host import assembly
from openimis_host.env import Environment
from openimis_host.errors import DEPLOYMENT_IDS, PROBLEM_IDS, WARNING_IDS, BootError
from openimis_host.host import FAILED, LOADED

GOOD = """
    from plugins_spec import hookimpl

    @hookimpl
    def openimis_settings():
        return {"GOOD_WORD": "hello"}
"""


def plugin(body: str) -> str:
    return "from plugins_spec import hookimpl\nimport graphene\n" + body


# name -> (plugin source or None for special layouts, expected id, text in the message)
CASES = {
    "import_error": ("import not_a_package_anywhere\n", "openimis.E004", "No module named"),
    "sys_exit": ("import sys\nsys.exit(3)\n", "openimis.E004", "sys.exit(3)"),
    "unknown_hook": ("@hookimpl\ndef openimis_settingz():\n    return {}\n", "openimis.E006",
                     "openimis_settingz"),
    "wrong_signature": ("@hookimpl\ndef openimis_settings(request):\n    return {}\n", "openimis.E006",
                        "request"),
    "not_marked": ("def openimis_settings():\n    return {'X_Y': 1}\n", "openimis.E007",
                   "without @hookimpl"),
    "tryfirst": ("@hookimpl(tryfirst=True)\ndef openimis_settings():\n    return {}\n", "openimis.E008",
                 "tryfirst"),
    "trylast": ("@hookimpl(trylast=True)\ndef openimis_settings():\n    return {}\n", "openimis.E008",
                "trylast"),
    "hookwrapper": ("@hookimpl(hookwrapper=True)\ndef openimis_settings():\n    yield\n", "openimis.E008",
                    "hookwrapper"),
    "wrapper": ("@hookimpl(wrapper=True)\ndef openimis_settings():\n    return (yield)\n", "openimis.E008",
                "wrapper"),
    "hook_raises": ("@hookimpl\ndef openimis_settings():\n    raise KeyError('boom')\n", "openimis.E009",
                    "KeyError"),
    "settings_not_dict": ("@hookimpl\ndef openimis_settings():\n    return ['A']\n", "openimis.E010",
                          "UPPER_CASE"),
    "apps_not_list": ("@hookimpl\ndef openimis_django_apps():\n    return 'app'\n", "openimis.E010",
                      "list of dotted-path"),
    "app_missing": ("@hookimpl\ndef openimis_django_apps():\n    return ['no_such_app_pkg']\n",
                    "openimis.E010", "no_such_app_pkg"),
    "middleware_missing": ("@hookimpl\ndef openimis_middleware():\n    return ['no_such_mw.M']\n",
                           "openimis.E010", "no_such_mw"),
    "password_hashers": ("@hookimpl\ndef openimis_settings():\n"
                         "    return {'PASSWORD_HASHERS':"
                         " ['django.contrib.auth.hashers.MD5PasswordHasher']}\n",
                         "openimis.E019", "PASSWORD_HASHERS"),
    "session_cookie": ("@hookimpl\ndef openimis_settings():\n    return {'SESSION_COOKIE_HTTPONLY': False}\n",
                       "openimis.E019", "SESSION_COOKIE_HTTPONLY"),
    "data_upload": ("@hookimpl\ndef openimis_settings():\n"
                    "    return {'DATA_UPLOAD_MAX_NUMBER_FIELDS': None}\n", "openimis.E019",
                    "DATA_UPLOAD_MAX_NUMBER_FIELDS"),
    "secret_key": ("@hookimpl\ndef openimis_settings():\n    return {'SECRET_KEY': 'x'}\n",
                   "openimis.E019", "SECRET_KEY"),
    "reserved_mount": (None, "openimis.E013", "already served by the host"),
    "graphql_not_type": ("@hookimpl\ndef openimis_graphql_query():\n    return 3\n", "openimis.E010",
                         "graphene.ObjectType"),
    "login_by_graphql_name": (
        "@hookimpl\ndef openimis_graphql_mutation():\n"
        "    class M(graphene.ObjectType):\n"
        "        login = graphene.String(name='tokenAuth')\n"
        "    return M\n", "openimis.E014", "the host (built-in module 'host')"),
    "version_field_camel": (
        "@hookimpl\ndef openimis_graphql_query():\n"
        "    class Q(graphene.ObjectType):\n"
        "        openimis_host_version = graphene.String()\n"
        "    return Q\n", "openimis.E014", "openimisHostVersion"),
    "root_type_name": (
        "@hookimpl\ndef openimis_graphql_types():\n"
        "    class Q(graphene.ObjectType):\n"
        "        a = graphene.String()\n"
        "        class Meta:\n"
        "            name = 'Query'\n"
        "    return [Q]\n", "openimis.E015", "root type"),
    "host_type_name": (
        "@hookimpl\ndef openimis_graphql_types():\n"
        "    class T(graphene.ObjectType):\n"
        "        a = graphene.String()\n"
        "        class Meta:\n"
        "            name = 'TokenAuth'\n"
        "    return [T]\n", "openimis.E015", "TokenAuth"),
    "task_bad_func": ("from plugins_spec import ScheduledTask\n"
                      "@hookimpl\ndef openimis_scheduled_tasks():\n"
                      "    return [ScheduledTask(name='t', func='nowhere.at_all',"
                      " every=__import__('datetime').timedelta(seconds=5))]\n",
                      "openimis.E017", "cannot be imported"),
    "task_bad_cron": ("from plugins_spec import ScheduledTask\n"
                      "@hookimpl\ndef openimis_scheduled_tasks():\n"
                      "    return [ScheduledTask(name='t', func=print, cron='99 * * * *')]\n",
                      "openimis.E017", "not valid"),
    "middleware_typo": (None, "openimis.E020", "cannot be imported"),
    "ready_raises": ("@hookimpl\ndef openimis_ready():\n    raise RuntimeError('no')\n", "openimis.E009",
                     "openimis_ready"),
}


def _write_case(fake_dists, case: str) -> None:
    pkg = fake_dists.pkg(case)
    source, _, _ = CASES[case]
    if case == "reserved_mount":
        fake_dists.add("broken-dist", modules={"admin": f"{pkg}.plugin"},
                       code={f"{pkg}/plugin.py": plugin(
                           "@hookimpl\ndef openimis_urlpatterns():\n    return []\n")})
        return
    if case == "middleware_typo":
        source = (f"@hookimpl\ndef openimis_middleware():\n    return ['{pkg}.mw.Nope']\n")
        fake_dists.add("broken-dist", modules={"broken": f"{pkg}.plugin"},
                       code={f"{pkg}/plugin.py": plugin(source), f"{pkg}/mw.py": "X = 1\n"})
        return
    fake_dists.add("broken-dist", modules={"broken": f"{pkg}.plugin"},
                   code={f"{pkg}/plugin.py": plugin(source)})


def boot(fake_dists, policy):
    """Discovery, the before-setup fold into a settings dict, and the after-setup phase."""
    host = fake_dists.discover(policy=policy)
    namespace = {"INSTALLED_APPS": ["django.contrib.auth", "openimis_host"], "MIDDLEWARE": [],
                 "SECRET_KEY": "k"}
    assembly.fold_settings(host, namespace, Environment())
    assembly.assemble(host)
    return host, namespace


@pytest.mark.parametrize("case", sorted(CASES))
def test_under_fail_the_boot_error_names_the_module_the_problem_id_and_a_fix(fake_dists, case):
    _write_case(fake_dists, case)
    good = fake_dists.pkg("good")
    fake_dists.add("good-dist", modules={"good": f"{good}.plugin"}, code={f"{good}/plugin.py": GOOD})
    _, expected_id, text = CASES[case]
    with pytest.raises(BootError) as raised:
        boot(fake_dists, "fail")
    message = str(raised.value)
    assert "broken-dist 1.0" in message
    assert f"[{expected_id}]" in message
    assert text in message
    assert "fix:" in message
    assert [p.id for p in raised.value.problems] == [expected_id]


@pytest.mark.parametrize("case", sorted(CASES))
def test_under_skip_the_broken_module_is_left_out_and_the_good_one_is_loaded(fake_dists, case):
    _write_case(fake_dists, case)
    good = fake_dists.pkg("good")
    fake_dists.add("good-dist", modules={"good": f"{good}.plugin"}, code={f"{good}/plugin.py": GOOD})
    host, namespace = boot(fake_dists, "skip")
    broken = next(m for m in host.modules if m.distribution == "broken-dist")
    assert broken.status == FAILED
    assert [p.id for p in host.problems] == [CASES[case][1]]
    assert host.get("good").status == LOADED
    assert namespace["GOOD_WORD"] == "hello"
    assert not any(k in namespace for k in ("PASSWORD_HASHERS", "SESSION_COOKIE_HTTPONLY"))


def test_every_problem_id_is_described():
    assert all(PROBLEM_IDS.values())
    errors = sorted(PROBLEM_IDS) + sorted(i for i in DEPLOYMENT_IDS if ".E" in i)
    assert errors == [f"openimis.E{i:03d}" for i in range(1, len(errors) + 1)]


def test_every_id_the_host_uses_is_registered_once():
    import re
    from pathlib import Path

    registries = [PROBLEM_IDS, WARNING_IDS, DEPLOYMENT_IDS]
    assert sum(map(len, registries)) == len(set().union(*registries))  # no id in two lists
    source = Path(__file__).parents[2] / "openimis_host"
    used = {i for path in source.rglob("*.py")
            for i in re.findall(r"openimis\.[EW]\d{3}", path.read_text(encoding="utf-8"))}
    assert used - set().union(*registries) == set()


def test_every_problem_id_has_a_row_in_the_docs():
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "problems.md").read_text()
    assert [i for i in PROBLEM_IDS if f"| `{i}` |" not in text] == []

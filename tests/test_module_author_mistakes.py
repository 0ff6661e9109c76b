"""A module author's usual mistakes, each through the CLI with a really pip-installed module:
the message names the module to change, the file and line where it helps, and one concrete fix.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

from conftest import build_dist, on_current_stack_only, with_dists

HEADER = "from plugins_spec import hookimpl\n"


def module(name: str, module_name: str, plugin: str, version: str = "0.1.0"):
    """A distribution ``name`` with entry point ``module_name``, its plugin.py being ``plugin``."""
    package = name.replace("-", "_")
    return build_dist(name, version, {f"{package}/__init__.py": "",
                                      f"{package}/plugin.py": HEADER + textwrap.dedent(plugin)},
                      module=module_name, entry_point=f"{package}.plugin")


def fields(*names: str) -> str:
    body = "".join(f"        {n} = graphene.String()\n" for n in names)
    return ("@hookimpl\ndef openimis_graphql_query():\n    import graphene\n\n"
            f"    class Query(graphene.ObjectType):\n{body}\n    return Query\n")


@on_current_stack_only("discovery's errors and warnings")
def test_an_unmarked_function_named_like_a_hook_is_a_warning_with_the_near_hook(host_env, cli):
    site = module("lookalike", "lookalike", """\
        from datetime import timedelta
        from plugins_spec import ScheduledTask

        def openimis_scheduled_task():  # a misspelled hook, and the marker forgotten too
            return [ScheduledTask(name="tick", func=print, every=timedelta(minutes=1))]
        """)
    env = with_dists({**host_env, "OPENIMIS_MODULE_ERRORS": "fail"}, site)
    checked = cli("check", env=env)
    assert checked.returncode == 0, checked.output  # the module still loads
    assert "(openimis.W005)" in checked.output, checked.output
    assert "'openimis_scheduled_task' looks like a hook but has no @hookimpl" in checked.output
    assert "did you mean openimis_scheduled_tasks?" in checked.output
    listed = {m["name"]: m for m in cli("modules", "--json", env=env).json()["modules"]}
    assert listed["lookalike"]["status"] == "loaded"
    assert [w["id"] for w in listed["lookalike"]["warnings"]] == ["openimis.W005"]
    # A function of another name is no hook look-alike.
    assert "W005" not in cli("check", env=with_dists(host_env, module("plain", "plain", """\
        def helper():
            return 1
        """))).output


def test_a_misspelled_hook_with_hookimpl_names_the_close_hook(host_env, cli):
    site = module("typo-hook", "typohook", """\
        @hookimpl
        def openimis_graphql_querry():
            return None
        """)
    result = cli("check", env=with_dists(host_env, site))
    assert result.returncode == 2, result.output
    assert "'openimis_graphql_querry', which is not a hook of the contract [openimis.E006]" \
        in result.stderr
    assert ("fix: did you mean openimis_graphql_query? Rename openimis_graphql_querry to "
            "openimis_graphql_query") in result.stderr


@on_current_stack_only("discovery's errors and warnings")
def test_a_plugin_whose_import_raises_names_the_file_and_line(host_env, cli):
    site = module("raises-on-import", "raisesonimport", """\
        import os

        LIMIT = int(os.environ.get("NO_SUCH_LIMIT", "ten"))
        """)
    plugin = site / "raises_on_import" / "plugin.py"
    for extra in ((), ("--traceback",)):
        result = cli("check", *extra, env=with_dists(host_env, site))
        assert result.returncode == 2, result.output
        assert "Traceback" not in result.output
        assert (f"ValueError: invalid literal for int() with base 10: 'ten' (at {plugin}, line 4) "
                "[openimis.E004]") in result.stderr, result.stderr
        assert f"fix: fix the import error in raises-on-import at {plugin}, line 4" in result.stderr


def test_a_syntax_error_in_the_plugin_names_its_line(host_env, cli):
    site = module("bad-syntax", "badsyntax", "def broken(:\n    pass\n")
    result = cli("check", env=with_dists(host_env, site))
    assert f"(at {site / 'bad_syntax' / 'plugin.py'}, line 2)" in result.stderr, result.stderr


@on_current_stack_only("discovery's errors and warnings")
def test_a_fixed_entry_point_needs_a_reinstall_and_the_error_says_so(host_env, cli, tmp_path):
    project = tmp_path / "openimis-typo"
    (project / "openimis_typo").mkdir(parents=True)
    (project / "openimis_typo" / "__init__.py").write_text("")
    (project / "openimis_typo" / "plugin.py").write_text(HEADER + textwrap.dedent("""\
        @hookimpl
        def openimis_settings():
            return {"TYPO_FIXED": True}
        """))
    pyproject = textwrap.dedent("""\
        [build-system]
        requires = ["setuptools>=68"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "openimis-typo"
        version = "1.0.0"

        [project.entry-points."openimis.modules"]
        typo = "openimis_typo.plugins"

        [tool.setuptools]
        packages = ["openimis_typo"]
        """)
    (project / "pyproject.toml").write_text(pyproject)

    def install():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                        "--no-build-isolation", "--upgrade", "--target", str(tmp_path / "site"),
                        str(project)], check=True, capture_output=True)

    install()
    env = with_dists(host_env, tmp_path / "site")
    # The author fixes the typo in pyproject.toml, and runs the host again.
    (project / "pyproject.toml").write_text(pyproject.replace(".plugins\"", ".plugin\""))
    result = cli("check", env=env)
    assert result.returncode == 2
    assert "No module named 'openimis_typo.plugins'" in result.stderr
    assert ("fix: fix the entry point value in openimis-typo's pyproject.toml, then reinstall "
            "openimis-typo (pip install -e <its folder>, or pip install <its folder>): the host "
            "reads the entry points of the installed metadata, not pyproject.toml") in result.stderr
    install()  # as the fix says
    assert cli("check", env=env).returncode == 0


def test_a_field_taken_with_another_modules_name_blames_the_module_that_took_it(host_env, cli):
    # alpha loads first (module order is by name here) and defines beta's field.
    alpha = module("squat-alpha", "alpha", fields("alpha_count", "beta_count"), "1.0.1")
    beta = module("squat-beta", "beta", fields("beta_count"), "1.0.2")
    env = with_dists({**host_env, "OPENIMIS_MODULE_ERRORS": "skip"}, alpha, beta)
    listed = {m["name"]: m for m in cli("modules", "--json", env=env).json()["modules"]}
    assert listed["beta"]["status"] == "loaded"
    assert listed["alpha"]["status"] == "failed"
    [problem] = listed["alpha"]["problems"]
    assert problem == {
        "id": "openimis.E014", "module": "alpha",
        "what": "its GraphQL Query field 'betaCount' carries the name of module 'beta' "
                "(squat-beta 1.0.2), which defines it too",
        "fix": "rename the field in squat-alpha, e.g. to 'alphaBetaCount'"}
    # Neither name in the field: the module installed last changes, whatever the module
    # order (delta loads before gamma), with a name made from its own.
    gamma = module("plain-gamma", "gamma", fields("shared_total"))
    delta = module("plain-delta", "delta", fields("shared_total"))
    for newer, older in (("gamma", "delta"), ("delta", "gamma")):
        installed = {"gamma": gamma, "delta": delta}
        now = time.time()
        for name, age in ((newer, 0), (older, 600)):
            [info] = installed[name].glob("*.dist-info")
            os.utime(info, (now - age, now - age))
        env = with_dists({**host_env, "OPENIMIS_MODULE_ERRORS": "skip"}, gamma, delta)
        listed = {m["name"]: m for m in cli("modules", "--json", env=env).json()["modules"]}
        assert (listed[newer]["status"], listed[older]["status"]) == ("failed", "loaded")
        [problem] = listed[newer]["problems"]
        assert "'sharedTotal' " in problem["what"]
        assert f"module '{older}' (plain-{older} 0.1.0)" in problem["what"], problem
        assert problem["fix"] == (f"rename the field in plain-{newer}, e.g. to "
                                  f"'{newer}SharedTotal'"), problem


def test_one_module_name_from_two_distributions_gives_each_its_own_fix(host_env, cli):
    first = module("twin-one", "twin", "", "2.0.1")
    second = module("twin-two", "twin", "", "2.0.2")
    result = cli("check", env=with_dists(host_env, first, second))
    assert result.returncode == 2
    assert "OPENIMIS_DISABLED_MODULES=twin" not in result.stderr  # it would leave out both
    for mine, other in (("twin-one", "twin-two"), ("twin-two", "twin-one")):
        assert (f"to keep {other} as module 'twin': pip uninstall {mine}; to keep both: rename "
                f"the entry point 'twin' in {mine}'s pyproject.toml, then reinstall {mine}") \
            in result.stderr, result.stderr

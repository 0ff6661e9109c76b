"""The bad-module matrix: every way a module can be broken, under both error policies.

Each broken module is a real distribution, built and pip-installed into its own
directory. Under ``OPENIMIS_MODULE_ERRORS=fail`` the CLI and gunicorn refuse to
start with one message per problem (module, distribution, version, fix) and no
traceback. Under ``skip`` the host starts without the broken module, says so
in ``modules --json`` and ``/health``, and the good modules keep working.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pytest
from conftest import build_dist, on_current_stack_only, with_dists
from stack_parts import stack_parts

HEADER = """\
from datetime import timedelta

from plugins_spec import ScheduledTask, hookimpl
"""


def hook(name: str, body: str) -> str:
    """Source of one hook implementation; ``body`` is its (dedented) body."""
    return f"\n@hookimpl\ndef {name}():\n{textwrap.indent(textwrap.dedent(body), '    ')}\n"


# Every broken module also offers /<module>/ping, to show that under skip none
# of a broken module's contributions is served.
PING = hook("openimis_urlpatterns", """\
    from django.http import JsonResponse
    from django.urls import path

    return [path("ping", lambda request: JsonResponse({"module": __name__}))]
    """)


def object_type(hook_name: str, root: str, fields: str, types: str = "") -> str:
    """A hook returning a graphene ObjectType named ``root``, defined in the hook."""
    return hook(hook_name, f"import graphene\n{textwrap.dedent(types)}\n"
                           f"class {root}(graphene.ObjectType):\n"
                           f"{textwrap.indent(textwrap.dedent(fields), '    ')}\n"
                           f"return {root}\n")


def dup_type(field: str) -> str:
    # A class of its own, but called 'Thing' in the schema like the other module's.
    return object_type("openimis_graphql_query", "Query", f"{field} = graphene.Field(Thing)",
                       types=f"class Thing(graphene.ObjectType):\n    {field} = graphene.String()\n")


def tasks(*records: str) -> str:
    return hook("openimis_scheduled_tasks", "return [\n" + "".join(f"    {r},\n" for r in records)
                + "]")


@dataclass(frozen=True)
class Dist:
    """One throwaway module distribution; its package is its name with '_'."""

    name: str
    module: str
    plugin: str = ""
    version: str = "0.1.0"
    requires: tuple[str, ...] = ()
    entry_point: str | None = None
    files: tuple[tuple[str, str], ...] = ()  # more (file name, source) in the package

    @property
    def package(self) -> str:
        return self.name.replace("-", "_")

    def build(self):
        files = {"__init__.py": "", "plugin.py": HEADER + self.plugin + PING, **dict(self.files)}
        return build_dist(self.name, self.version,
                          {f"{self.package}/{name}": text for name, text in files.items()},
                          module=self.module, requires=self.requires,
                          entry_point=self.entry_point or f"{self.package}.plugin")


@dataclass(frozen=True)
class Case:
    """Distributions installed together, which of them must fail, and what the error says."""

    dists: tuple[Dist, ...]
    failed: tuple[str, ...]  # distribution names
    problem: str  # in the error of every failed module
    fix: str = ""  # in the fix of every failed module

    def failed_dists(self) -> list[Dist]:
        return [d for d in self.dists if d.name in self.failed]

    def others(self, dist: Dist) -> list[str]:
        """How the error of ``dist`` must name every other party of a conflict."""
        return [o.module if o.module != dist.module else o.name
                for o in self.dists if o is not dist]

    def param(self, name: str):
        """The case as a test parameter: on both stacks if its modules' code touches a part
        of the stack (a GraphQL schema), else on the current stack only."""
        code = "".join(d.plugin + "".join(text for _, text in d.files) for d in self.dists)
        if stack_parts(code):
            return name
        return pytest.param(name, marks=on_current_stack_only("a module error outside GraphQL"))


def one(dist: Dist, problem: str, fix: str = "") -> Case:
    return Case((dist,), (dist.name,), problem, fix)


CASES = {
    # 1. the plugin module does not import
    "import-error": one(
        Dist("bad-import", "badimport", "import openimis_no_such_dependency\n", "0.4.2"),
        "No module named 'openimis_no_such_dependency'", "pip install what it needs"),
    "import-raises-attribute-error": one(
        Dist("bad-import-attr", "badimportattr", "import os\nos.no_such_function()\n", "0.4.3"),
        "no_such_function", "fix the import error"),
    # 2. a hook raises
    "hook-raises-before-setup": one(
        Dist("bad-raise-settings", "badraisesettings",
             hook("openimis_settings", 'raise RuntimeError("broken on purpose")'), "1.2.3"),
        "openimis_settings() raised RuntimeError: broken on purpose", "plugin.py"),
    "hook-raises-after-setup": one(
        Dist("bad-raise-schema", "badraiseschema",
             hook("openimis_graphql_query", 'raise RuntimeError("broken on purpose")'), "1.2.4"),
        "openimis_graphql_query() raised RuntimeError: broken on purpose", "plugin.py"),
    "ready-hook-raises": one(
        Dist("bad-raise-ready", "badraiseready",
             hook("openimis_ready", 'raise RuntimeError("broken on purpose")'), "1.2.5"),
        "openimis_ready() raised RuntimeError: broken on purpose", "plugin.py"),
    # 3. a hook returns the wrong type
    "apps-hook-returns-a-str": one(
        Dist("bad-apps-type", "badappstype",
             hook("openimis_django_apps", 'return "bad_apps_type"'), "2.0.1"),
        "openimis_django_apps() returned str", "change the return value"),
    "query-hook-returns-a-non-object-type": one(
        Dist("bad-query-type", "badquerytype",
             hook("openimis_graphql_query", "import graphene\nreturn graphene.String"), "2.0.2"),
        "expected a graphene.ObjectType subclass", "change the return value"),
    "apps-hook-names-a-package-not-installed": one(
        Dist("bad-apps-missing", "badappsmissing",
             hook("openimis_django_apps", 'return ["openimis_no_such_app.apps.Config"]'), "2.0.3"),
        "'openimis_no_such_app' is installed", "change the return value"),
    "middleware-hook-names-a-package-not-installed": one(
        Dist("bad-middleware", "badmiddleware",
             hook("openimis_middleware", 'return ["openimis_no_such_mw.Middleware"]'), "2.0.4"),
        "'openimis_no_such_mw' is installed", "change the return value"),
    "middleware-hook-names-a-class-its-package-lacks": one(
        Dist("bad-middleware-class", "badmiddlewareclass",
             hook("openimis_middleware", 'return ["bad_middleware_class.plugin.NoSuchMiddleware"]'),
             "2.0.5"),
        "middleware 'bad_middleware_class.plugin.NoSuchMiddleware' cannot be imported",
        "fix the dotted path"),
    # 4. a ScheduledTask that does not hold together
    "task-with-cron-and-every": one(
        Dist("bad-task-both", "badtaskboth", tasks(
            'ScheduledTask(name="tick", func=print, cron="0 * * * *", every=timedelta(hours=1))'),
             "3.0.1"),
        "give exactly one of cron", "plugin.py"),
    "task-with-bad-cron": one(
        Dist("bad-task-cron", "badtaskcron", tasks(
            'ScheduledTask(name="tick", func=print, cron="61 * * * *")'), "3.0.2"),
        "cron '61 * * * *' is not valid", "crontab expression"),
    "task-func-does-not-import": one(
        Dist("bad-task-func", "badtaskfunc", tasks(
            'ScheduledTask(name="tick", func="bad_task_func.nowhere.job", cron="0 * * * *")'),
             "3.0.3"),
        "'bad_task_func.nowhere.job' cannot be imported", "dotted path"),
    "task-func-module-raises": one(
        Dist("bad-task-jobs", "badtaskjobs", tasks(
            'ScheduledTask(name="tick", func="bad_task_jobs.jobs.run", cron="0 * * * *")'),
             "3.0.4", files=(("jobs.py", 'raise RuntimeError("jobs broken on purpose")\n'),)),
        "RuntimeError: jobs broken on purpose", "dotted path"),
    # 5. one module name from two distributions
    "one-name-from-two-distributions": Case((
        Dist("bad-clash-a", "clash", version="4.0.1"),
        Dist("bad-clash-b", "clash", version="4.0.2"),
    ), ("bad-clash-a", "bad-clash-b"), "also claimed by", "to keep both: rename the entry point 'clash'"),
    # 6. a URL mount the host serves itself
    "mount-reserved-by-the-host": one(
        Dist("bad-mount", "health", version="5.0.1"),
        "its URL mount 'health/' is already served by the host", "rename the entry point"),
    # 7. one GraphQL field from two modules
    "duplicate-query-field": Case((
        Dist("dup-query-a", "dupquerya", object_type("openimis_graphql_query", "Query",
                                                     "twin = graphene.String()")),
        Dist("dup-query-b", "dupqueryb", object_type("openimis_graphql_query", "Query",
                                                     "twin = graphene.String()"), "6.0.2"),
    ), ("dup-query-b",), "Query field 'twin' is already defined",
        "rename the field in dup-query-b, e.g. to 'dupquerybTwin'"),
    "duplicate-mutation-field": Case((
        Dist("dup-mutation-a", "dupmutationa", object_type("openimis_graphql_mutation", "Mutation",
                                                           "twin = graphene.String()")),
        Dist("dup-mutation-b", "dupmutationb", object_type("openimis_graphql_mutation", "Mutation",
                                                           "twin = graphene.String()"), "6.1.2"),
    ), ("dup-mutation-b",), "Mutation field 'twin' is already defined", "rename the field"),
    # 8. one GraphQL type name from two modules
    "duplicate-type-name": Case((
        Dist("dup-type-a", "duptypea", dup_type("left")),
        Dist("dup-type-b", "duptypeb", dup_type("right"), "7.0.2"),
    ), ("dup-type-b",), "its GraphQL type 'Thing'", "rename one of them"),
    # 9. one task id twice
    "duplicate-task-id": one(
        Dist("dup-task", "duptask", tasks(
            'ScheduledTask(name="sweep", func=print, cron="0 * * * *")',
            'ScheduledTask(name="sweep", func=print, every=timedelta(hours=1))'), "8.0.1"),
        "task id 'duptask.sweep' twice", "different name"),
    # 10. one setting, two defaults
    "conflicting-setting-defaults": Case((
        Dist("conf-a", "confa", hook("openimis_settings", 'return {"SHARED_LIMIT": 10}')),
        Dist("conf-b", "confb", hook("openimis_settings", 'return {"SHARED_LIMIT": 20}'),
             "9.0.2"),
    ), ("conf-b",), "SHARED_LIMIT=20 conflicts", "SHARED_LIMIT in the environment"),
    # 11. Requires-Dist in a circle
    "dependency-cycle": Case((
        Dist("cycle-a", "cyclea", requires=("cycle-b",), version="10.0.1"),
        Dist("cycle-b", "cycleb", requires=("cycle-a>=1",), version="10.0.2"),
    ), ("cycle-a", "cycle-b"), "dependency cycle", "Requires-Dist"),
    # 12. made for another host
    "incompatible-host-version": one(
        Dist("bad-future", "badfuture", requires=("openimis-host>=99",), version="11.0.1"),
        "requires openimis-host>=99, but this host is", "pip install 'openimis-host>=99'"),
    # 13. the entry point names what is not there
    "entry-point-names-a-missing-object": one(
        Dist("bad-entry", "badentry", entry_point="bad_entry.plugin:nothing", version="12.0.1"),
        "names 'nothing'", "entry point value in bad-entry's pyproject.toml, then reinstall"),
    "entry-point-names-a-missing-module": one(
        Dist("bad-entry-mod", "badentrymod", entry_point="bad_entry_mod.plugins", version="12.0.2"),
        "No module named 'bad_entry_mod.plugins'",
        "entry point value in bad-entry-mod's pyproject.toml, then reinstall"),
}

# The cases a gunicorn master is started for under fail (each start costs a second).
GUNICORN_FAIL_CASES = ("import-error", "duplicate-query-field", "dependency-cycle")


@pytest.fixture(params=[CASES[name].param(name) for name in sorted(CASES)])
def case(request) -> Case:
    return CASES[request.param]


def env_with(case: Case, host_env: dict, policy: str) -> dict:
    return with_dists({**host_env, "OPENIMIS_MODULE_ERRORS": policy},
                      *(d.build() for d in case.dists))


def assert_no_traceback(output: str) -> None:
    assert "Traceback" not in output, output


def problem_of(dist: Dist, output: str) -> str:
    """The part of a boot error about ``dist``: its message and its fix."""
    origin = f"module '{dist.module}' ({dist.name} {dist.version}): "
    start = output.find(origin)
    assert start >= 0, f"no problem for {origin} in:\n{output}"
    end = output.find("\n", output.find("\n    fix: ", start) + 1)
    return output[start:end if end > 0 else None]


# --- OPENIMIS_MODULE_ERRORS=fail ---------------------------------------------


def test_under_fail_check_refuses_with_one_message_per_problem_naming_module_and_fix(
        case, host_env, cli):
    result = cli("check", env=env_with(case, host_env, "fail"))
    assert result.returncode != 0, result.output
    assert_no_traceback(result.output)
    for dist in case.failed_dists():
        message, _, fix = problem_of(dist, result.stderr).partition("\n    fix: ")
        assert case.problem in message
        for other in case.others(dist):
            assert other in message
        assert case.fix in fix


def test_under_fail_modules_json_exits_non_zero_but_still_lists_the_broken_module(
        case, host_env, cli):
    result = cli("modules", "--json", env=env_with(case, host_env, "fail"))
    assert result.returncode != 0, result.output
    assert_no_traceback(result.output)
    listed = [(m["distribution"], m["status"]) for m in result.json()["modules"]]
    for dist in case.failed_dists():
        assert (dist.name, "failed") in listed
        assert case.problem in problem_of(dist, result.stderr)


@pytest.mark.parametrize("name", [CASES[name].param(name) for name in GUNICORN_FAIL_CASES])
def test_under_fail_gunicorn_exits_with_the_boot_error_naming_the_module(
        name, host_env, gunicorn):
    case = CASES[name]
    server = gunicorn(env_with(case, host_env, "fail"), workers=1, wait=False)
    assert server.exit_code() != 0, server.output
    assert_no_traceback(server.output)
    for dist in case.failed_dists():
        assert case.problem in problem_of(dist, server.output)
    assert "Listening at" not in server.output


# --- OPENIMIS_MODULE_ERRORS=skip ---------------------------------------------


def test_under_skip_modules_json_succeeds_and_shows_the_broken_module_failed(
        case, host_env, cli):
    result = cli("modules", "--json", env=env_with(case, host_env, "skip"))
    assert result.returncode == 0, result.output
    assert_no_traceback(result.output)
    by_dist = {m["distribution"]: m for m in result.json()["modules"]}
    for dist in case.failed_dists():
        module = by_dist[dist.name]
        assert (module["name"], module["status"]) == (dist.module, "failed")
        assert case.problem in module["error"]
        for other in case.others(dist):
            assert other in module["error"]
    for dist in case.dists:
        if dist.name not in case.failed:  # the first party of a conflict keeps its place
            assert by_dist[dist.name]["status"] == "loaded"
    assert by_dist["openimis-example-insuree"]["status"] == "loaded"


def test_under_skip_gunicorn_serves_the_good_modules_and_health_names_the_broken_one(
        case, host_env, gunicorn):
    server = gunicorn(env_with(case, host_env, "skip"), workers=1)
    health = server.get("/health")
    assert health.status == 503
    body = health.json()
    assert body["status"] == "degraded"
    ready = server.get("/health/ready")
    assert (ready.status, ready.json()["down"]) == (503, ["modules"]), ready.body
    statuses = [(m["distribution"], m["status"]) for m in body["modules"]]
    for dist in case.failed_dists():
        assert (dist.name, "failed") in statuses
        assert dist.module in " ".join(body["problems"])
        assert case.problem in server.output  # logged at ERROR, not swallowed
        if dist.module != "health":  # none of its contributions is served
            assert server.get(f"/{dist.module}/ping").status == 404
    for dist in case.dists:
        if dist.name not in case.failed:
            assert server.get(f"/{dist.module}/ping").status == 200
    ping = server.get("/insuree/ping")
    assert ping.status == 200
    assert ping.json()["module"] == "insuree"


@on_current_stack_only("module selection")
def test_a_name_claimed_twice_is_no_conflict_once_the_operator_leaves_it_out(host_env, cli):
    case = CASES["one-name-from-two-distributions"]
    env = env_with(case, host_env, "fail")
    for selection in ({"OPENIMIS_DISABLED_MODULES": "clash"},
                      {"OPENIMIS_MODULES": "insuree,claim"}):
        result = cli("modules", "--json", env={**env, **selection})
        assert result.returncode == 0, result.output
        statuses = {m["distribution"]: m["status"] for m in result.json()["modules"]}
        assert statuses["bad-clash-a"] == statuses["bad-clash-b"] == "disabled"


# --- bad environment values ----------------------------------------------------

BAD_ENV = {
    "DB_PORT": {"DB_NAME": "openimis", "DB_PORT": "abc"},
    "MODE": {"MODE": "STAGING"},
    "OPENIMIS_MODULE_ERRORS": {"OPENIMIS_MODULE_ERRORS": "maybe"},
    "DATA_UPLOAD_MAX_MEMORY_SIZE": {"DATA_UPLOAD_MAX_MEMORY_SIZE": "-1"},
    "DB_OPTIONS": {"DB_NAME": "openimis", "DB_OPTIONS": "{bad json"},
    "OPENIMIS_MODULES": {"OPENIMIS_MODULES": "nosuchmodule"},
    "OPENIMIS_DISABLED_MODULES": {"OPENIMIS_DISABLED_MODULES": "insuree,nosuchmodule"},
}


@on_current_stack_only("reading the environment")
@pytest.mark.parametrize("variable", sorted(BAD_ENV))
def test_a_bad_environment_value_stops_check_with_a_short_message_naming_it(
        variable, host_env, cli):
    result = cli("check", env={**host_env, **BAD_ENV[variable]})
    assert result.returncode != 0, result.output
    assert_no_traceback(result.output)
    assert result.stderr.startswith(f"openimis-host: {variable}"), result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2, result.stderr


@on_current_stack_only("reading the environment")
@pytest.mark.parametrize("variable", sorted(BAD_ENV))
def test_a_bad_environment_value_stops_gunicorn_with_the_message(variable, host_env, gunicorn):
    server = gunicorn({**host_env, **BAD_ENV[variable]}, workers=1, wait=False)
    assert server.exit_code() != 0, server.output
    assert_no_traceback(server.output)
    assert f"openimis-host: {variable}" in server.output

"""The example modules, pip-installed, served by a real gunicorn: the bar a module must clear."""

import pytest
from conftest import on_current_stack_only, run_cli


@pytest.fixture
def served(host_env, gunicorn):
    return gunicorn({**host_env, "DJANGO_MIGRATE": "true"}, workers=2)


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_modules_json_lists_installed_modules_with_distribution_and_version(host_env, cli):
    result = cli("modules", "--json", env=host_env)
    assert result.returncode == 0, result.output
    modules = {m["name"]: m for m in result.json()["modules"]}
    assert modules["insuree"]["distribution"] == "openimis-example-insuree"
    assert modules["insuree"]["version"] == "1.0.0"
    assert modules["claim"]["status"] == "loaded"
    claim = modules["claim"]["contributions"]
    assert claim["url_mount"] == "/claim/"
    assert claim["graphql_query"] == ["claims"]
    assert claim["graphql_mutation"] == ["submitClaim"]
    assert claim["tasks"] == ["claim.close_stale_claims"]
    assert claim["exception_handler"] == "openimis_claim.exceptions.handler"
    assert claim["middleware"] == ["openimis_claim.middleware.ClaimVersionHeader"]


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_a_module_loads_after_the_module_its_distribution_requires(host_env, cli):
    names = [m["name"] for m in cli("modules", "--json", env=host_env).json()["modules"]]
    # 'claim' sorts before 'insuree' by name, but requires openimis-example-insuree.
    assert names.index("insuree") < names.index("claim")


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_modules_table_is_readable(host_env, cli):
    result = cli("modules", env=host_env)
    assert result.returncode == 0
    header, *rows = result.stdout.splitlines()
    assert header.split()[:4] == ["MODULE", "STATUS", "DISTRIBUTION", "VERSION"]
    assert any(r.startswith("insuree") and "openimis-example-insuree" in r for r in rows)


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_check_passes_with_the_example_modules(host_env, cli):
    result = cli("check", env=host_env)
    assert result.returncode == 0, result.output
    assert "no issues" in result.stdout


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_module_urls_are_served_under_the_module_name(served):
    response = served.get("/insuree/ping")
    assert response.status == 200
    assert response.json()["module"] == "insuree"
    assert served.get("/ping").status == 404


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_module_middleware_runs_after_the_host_middleware(served):
    assert served.get("/insuree/ping").headers["X-Claim-Module"] == "1.0.0"


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_exception_handler_is_chosen_by_the_mount_that_served_the_view(served):
    # The same exception, raised by the same insuree code, under each module's mount.
    own = served.post("/insuree/insurees/", {"number": "12", "name": "A"})
    assert own.status == 422
    assert own.json()["error"]["code"] == "invalid_number"
    other = served.post("/claim/claims/", {"insuree": "12", "amount": 1})
    assert other.status == 400
    assert "12" in other.json()["claim_error"]


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_a_handler_returning_none_falls_back_to_drf_default(served):
    response = served.get("/insuree/insurees/99999999")
    assert response.status == 404
    assert response.json() == {"detail": "no insuree 99999999"}


def test_graphql_merges_every_module_query_and_mutation(served):
    created = served.graphql('mutation { createInsuree(number: "12345678", name: "Ada") '
                             '{ insuree { number } } }')
    assert created.json() == {"data": {"createInsuree": {"insuree": {"number": "12345678"}}}}
    claimed = served.graphql('mutation { submitClaim(insuree: "12345678", amount: 10.5) '
                             '{ claim { amount status } } }')
    claim = claimed.json()["data"]["submitClaim"]["claim"]
    assert (float(claim["amount"]), claim["status"]) == (10.5, "open")
    both = served.graphql("{ insurees { name } claims { amount } openimisHostVersion }").json()
    assert both["data"]["insurees"] == [{"name": "Ada"}]
    assert [float(c["amount"]) for c in both["data"]["claims"]] == [10.5]


def test_graphql_types_hook_adds_unreferenced_types(served):
    names = served.graphql('{ __type(name: "ClaimStatus") { enumValues { name } } }').json()
    assert {v["name"] for v in names["data"]["__type"]["enumValues"]} == {"OPEN", "CLOSED"}


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_setting_defaults_are_visible_and_the_environment_wins(host_env, gunicorn, served):
    assert served.get("/insuree/ping").json()["greeting"] == "hello"
    other = gunicorn({**host_env, "INSUREE_GREETING": "bonjour"}, workers=1)
    assert other.get("/insuree/ping").json()["greeting"] == "bonjour"


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_setting_defaults_reach_django_settings(host_env, cli):
    result = cli("shell", "-c", "from django.conf import settings; "
                 "print(settings.CLAIM_MAX_AMOUNT, settings.INSUREE_NUMBER_LENGTH)",
                 env={**host_env, "CLAIM_MAX_AMOUNT": "50"})
    assert result.stdout.split()[-2:] == ["50", "8"], result.output


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_ready_hook_runs_once_per_process(served):
    for path in ("/insuree/ready", "/claim/ready"):
        for _ in range(4):  # reach both workers
            assert served.get(path).json() == {"ready_calls": 1}


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_health_reports_every_module(served):
    response = served.get("/health")
    assert response.status == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"status": "ok"}
    assert {m["name"]: m["status"] for m in body["modules"]} == {"host": "loaded", "insuree": "loaded",
                                                                  "claim": "loaded"}


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_site_root_prefixes_every_endpoint_and_dispatch_still_works(host_env, gunicorn):
    server = gunicorn({**host_env, "SITE_ROOT": "api", "DJANGO_MIGRATE": "true"}, workers=1)
    assert server.get("/api/insuree/ping").status == 200
    assert server.get("/insuree/ping").status == 404
    assert server.get("/api/health").status == 200
    assert server.post("/api/graphql", {"query": "{ openimisHostVersion }"}).status == 200
    assert server.post("/api/insuree/insurees/", {"number": "1"}).status == 422
    assert server.post("/api/claim/claims/", {"insuree": "1", "amount": 1}).status == 400


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_health_answers_503_when_the_database_is_unreachable(host_env, gunicorn, tmp_path):
    env = {**host_env, "SQLITE_PATH": str(tmp_path / "missing-dir" / "db.sqlite3")}
    response = gunicorn(env, workers=1).get("/health")
    assert response.status == 503
    body = response.json()
    assert body["database"]["status"] == "error"
    assert "database unreachable" in body["problems"]


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_migrate_creates_the_module_tables(host_env, cli):
    result = cli("migrate", env=host_env)
    assert result.returncode == 0, result.output
    assert "openimis_insuree.0001_initial" in result.stdout or "Applying openimis_insuree" in result.stdout
    assert "Applying openimis_claim.0001_initial" in result.stdout


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_gunicorn_without_the_config_serves_too(host_env, tmp_path):
    # Operators may run plain `gunicorn openimis_host.server.wsgi:application`.
    import subprocess
    import time

    from conftest import BIN, free_port, http
    port = free_port()
    proc = subprocess.Popen([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}",
                             "openimis_host.server.wsgi:application"], env=host_env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                assert http("GET", f"http://127.0.0.1:{port}/insuree/ping").status == 200
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("plain gunicorn did not serve")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_cli_run_in_another_directory_uses_that_directory_for_sqlite(tmp_path, host_env):
    env = dict(host_env)
    env.pop("SQLITE_PATH")
    result = run_cli("migrate", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.output
    assert (tmp_path / ".run" / "db.sqlite3").exists()


def test_the_server_and_the_cli_share_the_default_database(tmp_path, host_env, gunicorn):
    """A user created with the CLI logs in on the server: both run in one directory
    without SQLITE_PATH, as scripts/serve and the README's next steps do."""
    from production_support import login, migrate_and_create_user, token_of

    env = dict(host_env)
    env.pop("SQLITE_PATH")
    assert run_cli("modules", env=env, cwd=tmp_path).returncode == 0
    assert not (tmp_path / ".run").exists()  # made when a database is first used, not before
    migrate_and_create_user(env, tmp_path)
    assert (tmp_path / ".run" / "db.sqlite3").exists()
    server = gunicorn(env, workers=1)
    assert token_of(login(server))


@on_current_stack_only("the example modules' URLs, middleware, handlers, settings and health")
def test_reverse_and_resolve_agree_on_module_urls_under_site_root(host_env, cli):
    result = cli("shell", "-c", "from django.urls import resolve, reverse; "
                 "url = reverse('insuree:insuree', args=['42']); m = resolve(url); "
                 "print(url, m.route, m.namespace, m.url_name, m.kwargs)",
                 env={**host_env, "SITE_ROOT": "api"})
    assert result.stdout.splitlines()[-1] == (
        "/api/insuree/insurees/42 api/insuree/insurees/<str:number> insuree insuree "
        "{'number': '42'}"), result.output

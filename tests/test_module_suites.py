"""`openimis-host test` runs modules' own suites, and the first user of an openIMIS deployment.

- openIMIS's core and location suites (from their pinned wheels) under `openimis-host test`
  on a fresh PostgreSQL database: the test database is made by the host's migrate, with
  openIMIS's reference data; only the tests that need openIMIS's demo data fail, each named;
  `--keepdb` and DB_TEST_NAME as in Django, the reference data made once; on an existing
  database (OPENIMIS_DATABASE=existing), a test database not prepared by openIMIS's scripts
  is refused in one line.
- `createsuperuser` (`--noinput` and on a terminal) makes a user core's tokenAuth accepts,
  with every right; `changepassword` changes the password tokenAuth checks (real gunicorn).
- A scaffolded host module's tests run through the same command.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import subprocess
import sys
import termios
import time
import uuid

import pytest
from conftest import BIN, REPO, _psql, clean_environ, pg_available, with_dists

from openimis_host.graphql.stack import LEGACY

MODULES_DIR = os.environ.get("OPENIMIS_LEGACY_MODULES")
legacy_only = pytest.mark.skipif(
    not LEGACY, reason="openIMIS modules need graphene 2: scripts/test runs this file in the "
                       "legacy venv (.venv-test-legacy, pip install '.[test,legacy]')")

#: The tests of core's and location's suites that fail on a fresh database, and why: they
#: need the rows of openIMIS's demo data (docs/openimis-modules.md, the suites' table).
FRESH_FAILURES = {
    "test_login_default_successful (core.tests.test_graphql.gqlTest."
    "test_login_default_successful)": "logs in as the demo database's Admin / admin123",
    "test_user_district_query (core.tests.test_graphql.gqlTest.test_user_district_query)":
        "location's districts are the demo database's (KeyError 'D')",
    "test_create_user_with_null_uuid (core.tests.test_graphql.gqlTest."
    "test_create_user_with_null_uuid)": "takes the demo database's first district",
    "test_officer_max (core.tests.test_services.UserServicesTest.test_officer_max)":
        "an officer in location 1 of the demo database",
    "test_officer_update (core.tests.test_services.UserServicesTest.test_officer_update)":
        "an officer in location 1 of the demo database",
}


@pytest.fixture
def openimis_env(tmp_path):
    """The pinned openIMIS modules (example modules hidden), core, location and what location
    needs in use, SITE_ROOT=api, a fresh PostgreSQL database; dropped afterwards with the test
    databases made from its name."""
    if not MODULES_DIR or not os.path.isdir(os.path.join(MODULES_DIR, "core")):
        pytest.fail("OPENIMIS_LEGACY_MODULES must name a directory holding the wheels of "
                    "tests/legacy-requirements.txt (scripts/test installs them)")
    if not pg_available():
        pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 (run scripts/services)")
    from test_legacy_distribution import without_example_modules

    name = f"openimis_suites_{uuid.uuid4().hex[:10]}"
    _psql(f'CREATE DATABASE "{name}"')
    env = {**clean_environ(), "DB_NAME": name, "DB_HOST": "127.0.0.1", "DB_PORT": "5432",
           "DB_USER": "postgres", "SITE_ROOT": "api", "MODE": "DEV",
           "OPENIMIS_MODULES": "core,location,medical,medical_pricelist",
           "PYTHONPATH": os.pathsep.join([str(without_example_modules(tmp_path)), MODULES_DIR])}
    yield env
    for db in (name, f"test_{name}", f"{name}_kept"):
        _psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def run(*args, env, cwd, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "openimis-host"), *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def failed_tests(output: str) -> set[str]:
    """The names Django's runner prints after ERROR: and FAIL:."""
    return set(re.findall(r"^(?:ERROR|FAIL): (.+)$", output, re.M))


def count(env, sql: str, database: str) -> int:
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={database}") as conn:
        return conn.execute(sql).fetchone()[0]


@legacy_only
def test_core_and_location_suites_pass_on_a_fresh_database_but_for_the_demo_data_tests(
        openimis_env, tmp_path):
    # location's tests/test.py looks up the administrator role when it is imported, before the
    # test database exists: in the main database, migrated first as a developer's is.
    assert run("migrate", env=openimis_env, cwd=tmp_path).returncode == 0
    result = run("test", "core", "location", "--noinput", env=openimis_env, cwd=tmp_path)
    out = result.stdout + result.stderr
    ran = int(re.search(r"^Ran (\d+) tests", out, re.M).group(1))
    assert ran == 199, out[-3000:]  # core's 173 and location's 26
    assert failed_tests(out) == set(FRESH_FAILURES), out[-6000:]
    assert result.returncode == 1
    # Django's test database, gone afterwards (no --keepdb).
    assert count(openimis_env, f"SELECT count(*) FROM pg_database WHERE datname = "
                 f"'test_{openimis_env['DB_NAME']}'", "postgres") == 0


@legacy_only
def test_keepdb_and_db_test_name_keep_the_test_database_with_its_reference_data_made_once(
        openimis_env, tmp_path):
    kept = f"{openimis_env['DB_NAME']}_kept"
    env = {**openimis_env, "DB_TEST_NAME": kept}
    assert run("migrate", env=env, cwd=tmp_path).returncode == 0  # the main database, as above
    for attempt in (1, 2):
        result = run("test", "medical", "--keepdb", "--noinput", env=env, cwd=tmp_path)
        out = result.stdout + result.stderr
        assert result.returncode == 0, out[-4000:]
        assert re.search(r"^OK", out, re.M), out[-2000:]
        if attempt == 2:
            assert "Using existing test database" in out, out[-2000:]
    # openIMIS's reference rows, once: the second run found them and left them alone.
    assert count(env, 'SELECT count(*) FROM "tblRole" WHERE "IsSystem" = 64', kept) == 1
    assert count(env, 'SELECT count(*) FROM "tblLanguages"', kept) == 1
    assert count(env, 'SELECT count(*) FROM "tblUsers" WHERE "LoginName" = \'Admin\'', kept) == 1


@legacy_only
def test_an_existing_database_needs_a_test_database_prepared_by_openimis_scripts_and_kept(
        openimis_env, tmp_path):
    # OPENIMIS_DATABASE=existing runs openIMIS's real migrations, which need the tables of
    # openIMIS's scripts: a test database Django's runner makes (or finds empty) cannot take
    # them. One line naming the fix, before any database is made or migrated.
    env = {**openimis_env, "OPENIMIS_DATABASE": "existing"}
    name = env["DB_NAME"]  # an empty database: no tblUsers
    cases = [
        ((), {}, f"without --keepdb the test database 'test_{name}' would be made empty"),
        (("--keepdb",), {"DB_TEST_NAME": f"{name}_kept"},
         f"the test database '{name}_kept' does not exist"),
        (("--keepdb",), {"DB_TEST_NAME": name}, f"the test database '{name}' has no tblUsers table"),
    ]
    for args, extra, said in cases:
        result = run("test", "medical", "--noinput", *args, env={**env, **extra}, cwd=tmp_path)
        assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
        assert f"CommandError: OPENIMIS_DATABASE=existing: {said}" in result.stderr, result.stderr[-3000:]
        assert "DB_TEST_NAME and add --keepdb" in result.stderr
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
    made = count(env, "SELECT count(*) FROM pg_database WHERE datname IN "
                 f"('test_{name}', '{name}_kept')", "postgres")
    assert made == 0
    assert count(env, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", name) == 0


def on_terminal(args, env, cwd, answers: list[tuple[str, str]], timeout=300) -> str:
    """Run ``openimis-host ARGS`` on a pseudo-terminal (its controlling terminal, so that
    getpass reads from it), answering each prompt in turn; returns everything it printed."""
    master, slave = os.openpty()

    def controlling_terminal():
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen([str(BIN / "openimis-host"), *args], env=env, cwd=cwd,
                            stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                            preexec_fn=controlling_terminal)
    os.close(slave)
    seen, pending, deadline = b"", list(answers), time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            if pending and seen.rstrip().endswith(pending[0][0].encode()):
                os.write(master, pending.pop(0)[1].encode() + b"\n")
                seen += b"\n"
            if proc.poll() is not None and not ready:
                break
        proc.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    text = seen.decode(errors="replace")
    assert proc.returncode == 0, text[-3000:]
    assert not pending, f"never asked {pending[0][0]!r}: {text[-3000:]}"
    return text


def graphql(server, query, variables=None, headers=None, root="") -> dict:
    return server.post(f"{root}/graphql", {"query": query, "variables": variables or {}},
                       headers=headers).json()


def token_auth(server, username, password, root="/api") -> dict:
    return graphql(server, "mutation($u: String!, $p: String!) { tokenAuth(username: $u, "
                   "password: $p) { token } }", {"u": username, "p": password}, root=root)


@legacy_only
def test_createsuperuser_makes_an_administrator_core_logs_in_and_changepassword_changes_it(
        openimis_env, tmp_path, gunicorn):
    env = openimis_env
    assert run("migrate", env=env, cwd=tmp_path).returncode == 0
    made = run("createsuperuser", "--noinput", "--username", "boss",
               env={**env, "DJANGO_SUPERUSER_PASSWORD": "Chief#Pass2026"}, cwd=tmp_path)
    assert made.returncode == 0 and "Superuser created successfully." in made.stdout, made.stderr
    on_terminal(["createsuperuser"], env, tmp_path, [
        ("Username:", "deputy"), ("Password:", "Deputy#Pass2026"),
        ("Password (again):", "Deputy#Pass2026")])
    again = run("createsuperuser", "--noinput", "--username", "boss",
                env={**env, "DJANGO_SUPERUSER_PASSWORD": "x"}, cwd=tmp_path)
    assert again.returncode != 0 and "already taken" in again.stderr, again.stderr
    assert "Traceback" not in again.stderr

    server = gunicorn(env, workers=1)
    from test_legacy import Client

    for username, password in (("boss", "Chief#Pass2026"), ("deputy", "Deputy#Pass2026")):
        client = Client(server.url)  # as openIMIS's front-end: token, then core's CSRF token
        status, body = client.graphql("mutation($u: String!, $p: String!) { tokenAuth("
                                      "username: $u, password: $p) { token } }",
                                      {"u": username, "p": password})
        assert status == 200 and "errors" not in body, body
        client.headers["Authorization"] = f"Bearer {body['data']['tokenAuth']['token']}"
        status, body = client.graphql("mutation { getCsrfToken { csrfToken } }")
        client.headers["X-CSRFToken"] = body["data"]["getCsrfToken"]["csrfToken"]
        # Rights: core's lists of roles and users need rights 122001 and 121701.
        status, listed = client.graphql("{ role { totalCount } users { totalCount } }")
        assert status == 200 and "errors" not in listed, listed
        assert listed["data"]["role"]["totalCount"] >= 12  # the system roles
        assert listed["data"]["users"]["totalCount"] == 2  # boss, deputy (the locked Admin: no User)

    on_terminal(["changepassword", "boss"], env, tmp_path, [
        ("Password:", "Other#Pass2026"), ("Password (again):", "Other#Pass2026")])
    old = token_auth(server, "boss", "Chief#Pass2026")
    assert old["errors"][0]["message"] == "INCORRECT_CREDENTIALS", old
    assert "errors" not in token_auth(server, "boss", "Other#Pass2026")
    # openIMIS's own "Admin" is there, locked (no demo password) until an operator opens it.
    refused = token_auth(server, "Admin", "admin123")
    assert refused["errors"][0]["message"] == "INCORRECT_CREDENTIALS", refused
    opened = run("createsuperuser", "--noinput", "--username", "Admin",
                 env={**env, "DJANGO_SUPERUSER_PASSWORD": "Admin#Pass2026"}, cwd=tmp_path)
    assert opened.returncode == 0, opened.stderr
    assert "errors" not in token_auth(server, "Admin", "Admin#Pass2026")
    assert count(env, 'SELECT count(*) FROM "tblUsers" WHERE "LoginName" = \'Admin\'',
                 env["DB_NAME"]) == 1


def test_createsuperuser_on_the_current_stack_is_djangos(host_env, tmp_path, gunicorn):
    """Without openIMIS's core nothing changes: Django's command, the host's own login."""
    env = {**host_env, "DJANGO_SUPERUSER_PASSWORD": "Plain#Pass2026"}
    assert run("migrate", env=env, cwd=tmp_path).returncode == 0
    made = run("createsuperuser", "--noinput", "--username", "root", "--email", "r@example.org",
               env=env, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    server = gunicorn(host_env, workers=1)
    body = token_auth(server, "root", "Plain#Pass2026", root="")
    assert "errors" not in body and body["data"]["tokenAuth"]["token"], body


def test_a_scaffolded_module_runs_its_tests_through_openimis_host_test(host_env, tmp_path):
    created = run("create_module", "ward", env=host_env, cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    project = tmp_path / "openimis-ward"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--no-build-isolation", "--target", str(tmp_path / "site"), str(project)],
                   check=True, capture_output=True)
    env = with_dists(host_env, tmp_path / "site")
    result = run("test", "ward", env=env, cwd=project, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "7 passed" in result.stdout
    # Elsewhere, the one-line error names where it looked and what to do.
    elsewhere = run("test", "ward", env=env, cwd=tmp_path)
    assert elsewhere.returncode != 0
    assert "module 'ward' (openimis-ward) has no tests/ folder" in elsewhere.stderr
    assert "Traceback" not in elsewhere.stderr


def test_an_example_module_runs_its_tests_from_its_project_folder(host_env):
    """The example modules are pip-installed (not editable) in the test venvs: their project
    folder, with its pyproject.toml, is where the command finds their tests."""
    project = REPO / "example_plugins" / "openimis-example-insuree"
    result = run("test", "insuree", env=host_env, cwd=project, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


@legacy_only
def test_is_testing_in_the_environment_of_a_prod_server_is_refused(openimis_env, tmp_path):
    env = {**openimis_env, "MODE": "PROD", "IS_TESTING": "true", "ALLOWED_HOSTS": "imis.example.org",
           "SECRET_KEY": "a-long-random-secret-key-for-this-test-only-0123456789"}
    result = run("check", env=env, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "IS_TESTING=true with MODE=PROD: it turns off openIMIS core's CSRF check" in result.stderr
    assert "Traceback" not in result.stderr

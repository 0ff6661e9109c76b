"""openIMIS's own modules (pinned wheels from PyPI) served by the host: real gunicorn, SQLite and PostgreSQL.

Runs on the legacy stack only (graphene 2: ``pip install '.[legacy]'``); scripts/test runs
it in .venv-test-legacy, with the wheels of tests/legacy-requirements.txt in the directory
OPENIMIS_LEGACY_MODULES names (kept off the venv's site-packages, so that the rest of the
suite on that venv sees no openIMIS module).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import migrated_db
import pytest
from conftest import REPO, build_dist, with_dists
from packaging.utils import canonicalize_name
from production_support import prod

from openimis_host.graphql.stack import LEGACY

MODULES_DIR = os.environ.get("OPENIMIS_LEGACY_MODULES")

pytestmark = pytest.mark.skipif(
    not LEGACY, reason="openIMIS modules need graphene 2: scripts/test runs this file in the "
                       "legacy venv (.venv-test-legacy, pip install '.[test,legacy]')")


@pytest.fixture
def legacy_env(any_db_env):
    """A host with openIMIS's core, location, medical and medical_pricelist, under SITE_ROOT=api
    (selected by OPENIMIS_MODULES from every pinned module installed)."""
    if not MODULES_DIR or not Path(MODULES_DIR, "core").is_dir():
        pytest.fail("OPENIMIS_LEGACY_MODULES must name a directory holding the wheels of "
                    "tests/legacy-requirements.txt (scripts/test installs them)")
    return {**any_db_env, "PYTHONPATH": MODULES_DIR,
            "OPENIMIS_MODULES": "core,location,medical,medical_pricelist",
            "SITE_ROOT": "api", "MODE": "DEV"}


class Client:
    """A browser-like client: keeps cookies (core keeps its CSRF token in the session)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.headers: dict[str, str] = {}

    def request(self, method: str, path: str, body=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Content-Type": "application/json", **self.headers, **(headers or {})})
        try:
            with self.opener.open(request, timeout=60) as resp:
                return resp.status, _body(resp.read())
        except urllib.error.HTTPError as err:
            return err.code, _body(err.read())

    def graphql(self, query: str, variables=None, **kw):
        return self.request("POST", "/api/graphql", {"query": query, "variables": variables or {}},
                            **kw)


def _body(raw: bytes):
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return raw.decode(errors="replace")  # not JSON: the test's assertion shows it


def modules_json(result) -> list[dict]:
    """``modules --json`` output: pure JSON, although location's ready() prints to stdout."""
    return json.loads(result.stdout)["modules"]


def create_admin(cli, env):
    script = ("from core.test_helpers import create_test_interactive_user; "
              "create_test_interactive_user(username='Admin', password='admin123', "
              "custom_props={'language': 'en'})")
    result = cli("shell", "-c", script, env=env, timeout=300)
    assert result.returncode == 0, result.output


def migrated_with_admin(cli, env) -> None:
    """``migrate`` then create_admin, each its own process as an operator runs them: or, for a
    fresh database, a copy of the database they made earlier with the same environment
    (migrated_db.py; openIMIS's migrations cost a few seconds of CPU)."""
    def make(target: dict) -> None:
        migrated = cli("migrate", env=target, timeout=300)
        assert migrated.returncode == 0, migrated.output
        create_admin(cli, target)

    migrated_db.made_once(env, cli.cwd, "migrate, then create_admin", make)


def logged_in(server) -> Client:
    """A client with core's token and CSRF token, as the openIMIS front-end sends them."""
    client = Client(server.url)
    status, body = client.graphql('mutation { tokenAuth(username: "Admin", password: "admin123") '
                                  '{ token } }')
    assert status == 200 and "errors" not in body, body
    client.headers["Authorization"] = f"Bearer {body['data']['tokenAuth']['token']}"
    # core keeps the CSRF token in the session: the cookie jar sends the session cookie back
    # (over plain HTTP the host does not mark it Secure: security/headers.py).
    status, body = client.graphql("mutation { getCsrfToken { csrfToken } }")
    assert status == 200 and "errors" not in body, body
    client.headers["X-CSRFToken"] = body["data"]["getCsrfToken"]["csrfToken"]
    return client


# parent goes through request.dataloaders (location's LocationLoader; legacy/dataloaders.py).
LOCATIONS = "{ locations(type: \"R\") { edges { node { uuid code name type parent { code } } } } }"


def test_openimis_core_and_location_served_by_the_host(legacy_env, cli, gunicorn):
    migrated = cli("migrate", env=legacy_env, timeout=300)
    assert migrated.returncode == 0, migrated.output
    assert "auth's tables first" in migrated.stdout
    create_admin(cli, legacy_env)
    server = gunicorn(legacy_env, workers=1)
    anonymous = Client(server.url)
    browser = Client(server.url)

    # Anonymous: refused by location's own permission check.
    status, body = anonymous.graphql(LOCATIONS)
    assert status == 200 and body["data"]["locations"] is None, body
    assert body["errors"], body

    # Not a token (insuree's suite sends a user's name): 401 for the whole request, never an
    # anonymous answer. openimis-be_py refuses it too, per field (docs/security.md).
    status, body = anonymous.graphql(LOCATIONS, headers={"Authorization": "Bearer Admin"})
    assert status == 401 and "data" not in body, body
    assert body["errors"][0]["message"] == "the token is invalid", body

    # A wrong password: core's own answer, not an internal error.
    status, body = anonymous.graphql(
        'mutation { tokenAuth(username: "Admin", password: "wrong") { token } }')
    assert body["data"]["tokenAuth"] is None, body
    assert "internal server error" not in json.dumps(body) and body["errors"], body

    # core's tokenAuth is the login (the host's own steps aside).
    status, body = browser.graphql(
        'mutation { tokenAuth(username: "Admin", password: "admin123") { token } }')
    assert status == 200 and "errors" not in body, body
    token = body["data"]["tokenAuth"]["token"]
    browser.headers["Authorization"] = f"Bearer {token}"
    status, body = browser.graphql("mutation { getCsrfToken { csrfToken } }")
    assert status == 200 and "errors" not in body, body
    csrf_token = body["data"]["getCsrfToken"]["csrfToken"]
    browser.headers["X-CSRFToken"] = csrf_token

    # A mutation without the CSRF token: a clear error, not an internal one.
    status, body = browser.graphql(
        'mutation { createLocation(input: {code: "R8", name: "No token", type: "R"}) '
        '{ clientMutationId } }', headers={"X-CSRFToken": ""})
    assert body["errors"][0]["message"].startswith("CSRF token missing"), body
    browser.headers.pop("X-CSRFToken")
    status, body = browser.graphql(
        'mutation { createLocation(input: {code: "R8", name: "No token", type: "R"}) '
        '{ clientMutationId } }')
    assert body["errors"][0]["message"].startswith("CSRF token missing: call the getCsrfToken"), body
    browser.headers["X-CSRFToken"] = csrf_token

    # createLocation: its mutationLog reaches status 2 (MODE=DEV runs it synchronously).
    mutation_id = str(uuid.uuid4())
    status, body = browser.graphql(
        "mutation($id: String) { createLocation(input: {clientMutationId: $id, code: \"R9\", "
        "name: \"Host Region\", type: \"R\"}) { clientMutationId internalId } }", {"id": mutation_id})
    assert status == 200 and "errors" not in body, body
    status, body = browser.graphql(
        "query($id: String) { mutationLogs(clientMutationId: $id) "
        "{ edges { node { status error } } } }", {"id": mutation_id})
    assert status == 200 and "errors" not in body, body
    assert [e["node"]["status"] for e in body["data"]["mutationLogs"]["edges"]] == [2], body

    # Read back through locations and locationsAll.
    status, body = browser.graphql(LOCATIONS)
    assert status == 200 and "errors" not in body, body
    assert [(e["node"]["code"], e["node"]["name"], e["node"]["parent"])
            for e in body["data"]["locations"]["edges"]] == [("R9", "Host Region", None)]
    status, body = browser.graphql('{ locationsAll(type: "R") { edges { node { code } } } }')
    assert status == 200 and "errors" not in body, body
    assert [e["node"]["code"] for e in body["data"]["locationsAll"]["edges"]] == ["R9"]

    # REST under SITE_ROOT, with the Bearer token alone (no session cookie, no CSRF header).
    rest = Client(server.url)
    status, body = rest.request("GET", "/api/core/users/", headers={"Authorization": f"Bearer {token}"})
    assert status == 200, body
    assert "Admin" in json.dumps(body)
    status, body = rest.request("GET", "/api/core/users/")
    assert status == 401, body


def test_each_openimis_distribution_is_a_module_in_the_standard_order(legacy_env, cli):
    listed = cli("modules", "--json", env=legacy_env, timeout=300)
    assert listed.returncode == 0, listed.output
    modules = modules_json(listed)
    rows = [(m["name"], m["distribution"]) for m in modules if m["status"] == "loaded"]
    assert rows == [("host", "openimis-host"), ("core", "openimis-be-core"),
                    ("location", "openimis-be-location"), ("medical", "openimis-be-medical"),
                    ("medical_pricelist", "openimis-be-medical_pricelist")]
    # The other pinned distributions are modules too, left out by OPENIMIS_MODULES.
    assert {m["status"] for m in modules if m["name"] == "policy" or m["name"] == "claim"} == {"disabled"}
    pinned = dict(line.split("==") for line in (REPO / "tests" / "legacy-requirements.txt")
                  .read_text().splitlines() if "==" in line)
    versions = {canonicalize_name(m["distribution"]): m["version"] for m in modules}
    assert {d: versions[canonicalize_name(d)] for d in pinned} == pinned
    core = next(m for m in modules if m["name"] == "core")
    assert "tokenAuth" in core["contributions"]["graphql_mutation"]  # core's login, not the host's


CORE_ENTRY = """
from django.conf import settings
from core import scheduler
from core.utils import collect_all_gql_permissions
print("CORE", json.dumps({"entries": [a for a in settings.INSTALLED_APPS if "core" in a or "legacy" in a],
                          "scheduler_running": scheduler.scheduler.running,
                          "apps_with_rights": sorted(collect_all_gql_permissions())}))
"""


def test_core_is_listed_as_core_so_its_rights_are_collected_and_its_scheduler_stays_off(
        legacy_env, cli):
    env = {**legacy_env, "SCHEDULER_AUTOSTART": "true"}
    migrated = cli("migrate", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.output
    result = cli("shell", "-c", "import json\n" + CORE_ENTRY, env=env, timeout=300)
    assert result.returncode == 0, result.output
    found = json.loads(next(x for x in result.stdout.splitlines() if x.startswith("CORE "))[5:])
    # openIMIS code imports "<entry>.apps": core's entry is "core", after the bridge's app
    # (and its createsuperuser, which comes before django.contrib.auth's).
    assert found["entries"] == ["openimis_host.legacy.accounts", "openimis_host.legacy", "core"], found
    assert found["apps_with_rights"] == ["core", "location", "medical", "medical_pricelist"], found
    # SCHEDULER_AUTOSTART means the host's scheduler: core's own never starts next to it.
    assert found["scheduler_running"] is False, found


def only_modules(tmp_path: Path, names: tuple[str, ...]) -> Path:
    """A directory holding only these of the pinned openIMIS modules (links into MODULES_DIR)."""
    target = tmp_path / "openimis-modules"
    target.mkdir()
    for entry in Path(MODULES_DIR).iterdir():
        package = entry.name.removeprefix("openimis_be_").split("-")[0]
        if package in names:
            (target / entry.name).symlink_to(entry)
    return target


def test_a_missing_undeclared_dependency_fails_that_module_naming_what_to_install(legacy_env, cli,
                                                                                   tmp_path):
    # policy imports contribution_plan without declaring it; here it is not installed.
    policy = build_dist("openimis-be-policy", "0.1", {"policy/__init__.py": "",
                                                       "policy/apps.py": "MODULE_NAME = 'policy'\n"})
    four = only_modules(tmp_path, ("core", "location", "medical", "medical_pricelist"))
    env = {**with_dists({**legacy_env, "PYTHONPATH": str(four)}, policy), "OPENIMIS_MODULE_ERRORS": "skip",
           "OPENIMIS_MODULES": "core,location,medical,medical_pricelist,policy"}
    modules = modules_json(cli("modules", "--json", env=env, timeout=300))
    status = {m["name"]: (m["status"], m["distribution"], m["version"]) for m in modules}
    assert status["policy"] == ("failed", "openimis-be-policy", "0.1")
    error = next(m["error"] for m in modules if m["name"] == "policy")
    assert ("it needs openimis-be-contribution-plan, which is not installed (not declared by the "
            "module): pip install openimis-be-contribution-plan") in error
    assert {status[n][0] for n in ("core", "location", "medical", "medical_pricelist")} == {"loaded"}


def test_migrate_on_a_new_database_also_makes_the_tables_of_unmanaged_models(legacy_env, cli):
    # openIMIS's SQL schema makes these tables (controls' tblControls is one); a new database
    # has no such schema, so they come from the models like the others.
    registers = build_dist("openimis-be-registers", "0.1", {
        "registers/__init__.py": "",
        "registers/apps.py": "from django.apps import AppConfig\n\n\n"
                             "class RegistersConfig(AppConfig):\n    name = 'registers'\n",
        "registers/models.py": "from django.db import models\n\n\n"
                               "class Register(models.Model):\n"
                               "    name = models.CharField(db_column='FieldName', primary_key=True, "
                               "max_length=50)\n\n"
                               "    class Meta:\n        managed = False\n"
                               "        db_table = 'tblRegisters'\n"})
    env = {**with_dists(legacy_env, registers),
           "OPENIMIS_MODULES": "core,location,medical,medical_pricelist,registers"}
    migrated = cli("migrate", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.output
    assert "Creating table tblRegisters (unmanaged registers.Register" in migrated.stdout
    script = ("from registers.models import Register; Register.objects.create(name='x'); "
              "print('registers', Register.objects.count())")
    result = cli("shell", "-c", script, env=env, timeout=300)
    assert result.returncode == 0 and "registers 1" in result.stdout, result.output
    again = cli("migrate", env=env, timeout=300)  # the table exists now: left alone
    assert again.returncode == 0 and "tblRegisters" not in again.stdout, again.output


def test_a_wrong_password_in_prod_gets_cores_error_and_is_recorded_for_lock_out(legacy_env, cli, gunicorn):
    env = prod({**legacy_env, "LOGIN_LOCKOUT_FAILURE_LIMIT": "3"})
    migrated = cli("migrate", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.output
    create_admin(cli, env)
    server = gunicorn(env, workers=1)
    client = Client(server.url)
    login = 'mutation { tokenAuth(username: "Admin", password: "%s") { token } }'
    status, body = client.graphql(login % "wrong")
    assert status == 200 and body["data"]["tokenAuth"] is None, body
    assert [e["message"] for e in body["errors"]] == ["INCORRECT_CREDENTIALS"], body
    assert client.graphql(login % "wrong")[1]["errors"][0]["message"] == "INCORRECT_CREDENTIALS"
    status, body = client.graphql(login % "wrong")  # the third: django-axes locks the account
    assert status == 429, (status, body)  # the host's lock-out answer (security/lockout.py)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["login_locked_out"], body
    # Locked out: even the right password is refused, with core's message.
    status, body = client.graphql(login % "admin123")
    assert body["data"]["tokenAuth"] is None, (status, body)
    assert body["errors"][0]["message"].startswith("Too many failed attempts"), body


def test_tuple_parameters_are_sql_lists_under_psycopg3_as_under_psycopg2():
    # openIMIS's location.0019 runs "viewname IN %s" with a tuple on an existing database.
    code = ("import psycopg; from openimis_host.legacy import psycopg_tuples; psycopg_tuples.install(); "
            "conn = psycopg.connect('host=127.0.0.1 port=5432 user=postgres dbname=postgres'); "
            "cur = psycopg.ClientCursor(conn); "
            "cur.execute('SELECT x FROM (VALUES (1), (2), (3)) AS t(x) WHERE x IN %s ORDER BY x', "
            "((1, 3),)); "
            "print(cur.fetchall())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[(1,), (3,)]"

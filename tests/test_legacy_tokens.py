"""openIMIS core's tokens keep the hardening issue's properties, through real gunicorn.

core's tokenAuth signs each user's tokens with that user's ``InteractiveUser.private_key``,
so a password change (which gives a new key) is what ends a user's tokens. core's
``set_password`` draws its default key once, at import: two password changes in one process
would keep one key, and a token issued between them would outlive the second change. The
bridge (legacy/user_keys.py) draws a key per change; these tests hold it to that, in one
gunicorn worker, where the bug would show. Also: an expired core token and a token signed
with another key are refused; core's revokeToken, the CLI (``revoke_tokens``) and
``revokeAllTokens`` end every token and Django (admin) session of the user.

Legacy stack only, like test_legacy.py (scripts/test puts the pinned wheels in the directory
OPENIMIS_LEGACY_MODULES names).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import jwt
import pytest
from frontend_support import Browser
from test_legacy import MODULES_DIR, Client, migrated_with_admin

from openimis_host.graphql.stack import LEGACY

pytestmark = pytest.mark.skipif(
    not LEGACY, reason="openIMIS modules need graphene 2: scripts/test runs this file in the "
                       "legacy venv (.venv-test-legacy, pip install '.[test,legacy]')")

LOGIN = "mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { token } }"
CHANGE = ("mutation($old: String, $new: String!) { changePassword(input: "
          "{oldPassword: $old, newPassword: $new}) { success error } }")
REFRESH = "mutation($t: String) { refreshToken(token: $t) { token } }"
ME = "{ locations(type: \"R\") { edges { node { code } } } }"
FIRST, SECOND = "Fir5t-new-pass!", "Sec0nd-new-pass!"


@pytest.fixture
def core_env(any_db_env):
    """core, location, medical and medical_pricelist under SITE_ROOT=api (as test_legacy.py),
    on SQLite and on PostgreSQL."""
    if not MODULES_DIR or not Path(MODULES_DIR, "core").is_dir():
        pytest.fail("OPENIMIS_LEGACY_MODULES must name a directory holding the wheels of "
                    "tests/legacy-requirements.txt (scripts/test installs them)")
    return {**any_db_env, "PYTHONPATH": MODULES_DIR, "SITE_ROOT": "api", "MODE": "DEV",
            "OPENIMIS_MODULES": "core,location,medical,medical_pricelist"}


def served(core_env, cli, gunicorn, **extra):
    """Migrate, create the Admin (password admin123), and serve with one gunicorn worker."""
    env = {**core_env, **extra}
    migrated_with_admin(cli, env)
    return gunicorn(env, workers=1)


def login(server, password: str) -> tuple[Client, str]:
    """A browser that logged in as Admin (token as Bearer, getCsrfToken done), and its token."""
    browser = Client(server.url)
    status, body = browser.graphql(LOGIN, {"u": "Admin", "p": password})
    assert status == 200 and "errors" not in body, body
    token = body["data"]["tokenAuth"]["token"]
    browser.headers["Authorization"] = f"Bearer {token}"
    status, body = browser.graphql("mutation { getCsrfToken { csrfToken } }")
    assert status == 200 and "errors" not in body, body
    browser.headers["X-CSRFToken"] = body["data"]["getCsrfToken"]["csrfToken"]
    return browser, token


def change_password(browser: Client, old: str, new: str) -> None:
    status, body = browser.graphql(CHANGE, {"old": old, "new": new})
    assert status == 200 and body["data"]["changePassword"] == {"success": True, "error": None}, body


def rest_status(server, token: str) -> tuple[int, object]:
    """``GET /api/core/users/`` with this Bearer token alone (a client with no cookies)."""
    return Client(server.url).request("GET", "/api/core/users/",
                                      headers={"Authorization": f"Bearer {token}"})


def assert_accepted(server, browser: Client, token: str) -> None:
    """The token works on REST alone, and on GraphQL from the browser that has core's CSRF
    token (core checks it on authenticated queries too)."""
    status, body = rest_status(server, token)
    assert status == 200 and "Admin" in json.dumps(body), body
    status, body = browser.graphql(ME, headers={"Authorization": f"Bearer {token}"})
    assert status == 200 and "errors" not in body, body


def assert_refused(server, token: str, codes=("invalid_token", "token_expired")) -> None:
    """401 on REST and on GraphQL: the host's authentication refuses the token itself, before
    any resolver (and core's CSRF check) runs, with one of ``codes``."""
    status, body = rest_status(server, token)
    assert status == 401, body
    status, body = Client(server.url).graphql(ME, headers={"Authorization": f"Bearer {token}"})
    assert status == 401 and body["errors"], body
    assert body["errors"][0]["extensions"]["code"] in codes, body


def test_each_core_password_change_ends_the_tokens_issued_before_it(core_env, cli, gunicorn):
    server = served(core_env, cli, gunicorn)
    browser, before = login(server, "admin123")
    assert_accepted(server, browser, before)
    status, body = Client(server.url).graphql(REFRESH, {"t": before})  # core's refreshToken
    assert status == 200 and "errors" not in body, body
    refreshed = body["data"]["refreshToken"]["token"]
    assert_accepted(server, browser, refreshed)

    change_password(browser, "admin123", FIRST)
    assert_refused(server, before)
    assert_refused(server, refreshed)
    status, body = Client(server.url).graphql(REFRESH, {"t": before})
    assert body["data"]["refreshToken"] is None and body["errors"], body

    # The second change in the same worker: core's once-drawn default key would be the
    # one the first change gave, and `between` would still be accepted.
    browser, between = login(server, FIRST)
    assert_accepted(server, browser, between)
    change_password(browser, FIRST, SECOND)
    assert_refused(server, between)

    status, body = Client(server.url).graphql(LOGIN, {"u": "Admin", "p": FIRST})
    assert body["data"]["tokenAuth"] is None and body["errors"], body
    browser, after = login(server, SECOND)
    assert_accepted(server, browser, after)


def test_an_expired_core_token_is_refused(core_env, cli, gunicorn):
    server = served(core_env, cli, gunicorn, JWT_EXPIRATION="5")
    _, token = login(server, "admin123")
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    status, body = rest_status(server, token)
    if time.time() < expires - 1:  # answered in time (a loaded machine may take longer)
        assert status == 200, body
    while time.time() < expires + 2:
        time.sleep(0.5)
    assert_refused(server, token)


def test_a_core_token_signed_with_another_key_is_refused(core_env, cli, gunicorn):
    server = served(core_env, cli, gunicorn)
    browser, token = login(server, "admin123")
    assert_accepted(server, browser, token)
    header = jwt.get_unverified_header(token)
    payload = jwt.decode(token, options={"verify_signature": False})
    forged = jwt.encode(payload, "not the user's key, nor the host's", algorithm=header["alg"])
    assert_refused(server, forged)
    # The payload changed under the user's own signature (a year more to live): refused too.
    head, _, signature = token.split(".")
    longer = {**payload, "exp": payload["exp"] + 365 * 24 * 3600}
    body = jwt.utils.base64url_encode(json.dumps(longer).encode()).decode()
    assert_refused(server, f"{head}.{body}.{signature}")


REVOKE = "mutation { revokeToken { revoked } }"
REVOKE_ALL = "mutation { revokeAllTokens { revoked } }"
REVOKED = ("token_revoked",)


def admin_session(server) -> Browser:
    """A browser logged in to the host's Django admin as Admin (a session, no token)."""
    browser = Browser(server.url, https=False)
    status, page = browser.request("GET", "/api/admin/login/", content_type="text/html")
    assert status == 200, page
    field = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    browser.csrf = browser.cookies["csrftoken"]
    status, _ = browser.form("/api/admin/login/", {"csrfmiddlewaretoken": field,
                                                   "username": "Admin", "password": "admin123"})
    assert status == 302 and "sessionid" in browser.cookies, browser.cookies
    assert_admin_session(browser, alive=True)
    return browser


def assert_admin_session(browser: Browser, alive: bool) -> None:
    status, _ = browser.request("GET", "/api/admin/", content_type="text/html")
    assert status == (200 if alive else 302), status  # ended: redirected to the login page


def test_cores_revoke_token_ends_every_token_and_admin_session_of_the_user(
        core_env, cli, gunicorn):
    server = served(core_env, cli, gunicorn)
    session = admin_session(server)
    browser, token = login(server, "admin123")
    _, other = login(server, "admin123")  # another device
    assert_accepted(server, browser, other)

    # core's revokeToken with no refresh token: a client error for an anonymous caller...
    status, body = Client(server.url).graphql(REVOKE)
    assert body["data"]["revokeToken"] is None and "Refresh token is required" in \
        body["errors"][0]["message"], body
    # ... and, for a logged-in openIMIS user, the end of every token and session of theirs.
    status, body = browser.graphql(REVOKE)
    assert status == 200 and "errors" not in body, body
    assert abs(body["data"]["revokeToken"]["revoked"] - time.time()) < 120, body
    assert_refused(server, token, REVOKED)
    assert_refused(server, other, REVOKED)
    assert_admin_session(session, alive=False)
    # A revoked token cannot be refreshed into a valid one.
    status, body = Client(server.url).graphql(REFRESH, {"t": token})
    assert body["data"]["refreshToken"] is None and "revoked" in body["errors"][0]["message"], body
    assert "internal server error" not in server.output


def test_a_users_tokens_and_sessions_end_with_the_cli_or_revoke_all_tokens(
        core_env, cli, gunicorn):
    server = served(core_env, cli, gunicorn)
    session = admin_session(server)
    browser, token = login(server, "admin123")
    revoked = cli("revoke_tokens", "Admin", env=core_env, timeout=300)
    assert revoked.returncode == 0 and "revoked every token and session of 'Admin'" in \
        revoked.stdout, revoked.output
    assert_refused(server, token, REVOKED)
    assert_admin_session(session, alive=False)
    unknown = cli("revoke_tokens", "Nobody", env=core_env, timeout=300)
    assert unknown.returncode != 0 and "no user with the username 'Nobody'" in unknown.output
    assert "Traceback" not in unknown.output, unknown.output

    # The user itself, with the host's revokeAllTokens (its name is not core's revokeToken's).
    session = admin_session(server)
    browser, token = login(server, "admin123")
    status, body = browser.graphql(REVOKE_ALL)
    assert status == 200 and body["data"]["revokeAllTokens"] == {"revoked": True}, body
    assert_refused(server, token, REVOKED)
    assert_admin_session(session, alive=False)
    browser, token = login(server, "admin123")  # logging in again works
    assert_accepted(server, browser, token)


ONE_LOAD = """
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_jwt.shortcuts import get_token
from core.models import User
from openimis_host.legacy.jwt import decode, user_for_token

token = get_token(User.objects.get(username="Admin"))
with CaptureQueriesContext(connection) as queries:
    user = user_for_token(token)
assert user.username == "Admin" and decode(token)["username"] == "Admin"
print("queries:", len(queries), [q["sql"].split(" FROM ")[1].split()[0] for q in queries])
"""


def test_a_core_token_is_checked_with_one_load_of_its_user(core_env, cli):
    """The user (with the InteractiveUser that holds the key and the password) is loaded
    once, for core's key and for the ``cred`` check; on PostgreSQL the same query reads the
    token version, elsewhere it is a second one."""
    env = {**core_env}
    migrated_with_admin(cli, env)
    result = cli("shell", "-c", ONE_LOAD, env=env, timeout=300)
    assert result.returncode == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("queries:"))
    on_postgresql = "DB_NAME" in env
    assert line.startswith("queries: 1 " if on_postgresql else "queries: 2 "), result.output

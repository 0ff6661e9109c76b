"""openIMIS's own frontend (fe-core 1.11.0) logs in and works through the host, replayed over HTTP.

The 18 pinned openIMIS modules under real gunicorn in MODE=PROD behind a (simulated)
TLS proxy, on SQLite and PostgreSQL. The browser (frontend_support.Browser) sends what
fe-core's actions.js sends, in its order: ``refreshToken`` without a token on page load,
``tokenAuth`` asking only for ``refreshExpiresIn`` (the token travels in the HttpOnly
JWT cookie only), ``getCsrfToken`` with ``Authorization: JWT undefined``,
``current_user``, the pages' queries with the cookies and ``X-CSRFToken``, and the
logout (``deleteTokenCookie``, ``deleteRefreshTokenCookie``). Legacy stack only.
"""

from __future__ import annotations

import json

import pytest
from frontend_support import CSRF, CURRENT_USER, LOGOUT, REFRESH, Browser
from production_support import prod
from test_legacy_distribution import ORDER, distribution_env  # noqa: F401 (a fixture)

from openimis_host.graphql.stack import LEGACY

pytestmark = pytest.mark.skipif(
    not LEGACY, reason="openIMIS modules need graphene 2: scripts/test runs this file in the "
                       "legacy venv (.venv-test-legacy, pip install '.[test,legacy]')")

ADMIN = ("from core.test_helpers import create_test_interactive_user; "
         "create_test_interactive_user(username='Admin', password='admin123', "
         "custom_props={'language': 'en'})")
# Every right the installed modules declare, read from each one's own apps.py as core's
# collect_all_gql_permissions() reads it (DEFAULT_CFG, else DEFAULT_CONFIG; keys ending in
# _perms), but from the module names, not from INSTALLED_APPS; and core's own.
ALL_RIGHTS = """
import importlib, json
from core.utils import flatten_dict
def perms(name):
    apps = importlib.import_module(name + ".apps")
    cfg = getattr(apps, "DEFAULT_CFG", None) or getattr(apps, "DEFAULT_CONFIG", None) or {}
    return {int(p) for k, v in flatten_dict(cfg).items()
            if k.endswith("_perms") and isinstance(v, list) for p in v}
names = %r
print("RIGHTS " + json.dumps({"all": sorted(set().union(*map(perms, names))),
                              "core": sorted(perms("core"))}))
"""
# The Roles page (fe-core fetchRoles / fetchModulesPermissions): needs core's own rights.
ROLES = ("{ role(first: 10, orderBy: [\"name\"]) { totalCount edges { node { uuid name isSystem "
         "} } } }")
MODULE_PERMISSIONS = ("{ modulesPermissions { modulePermsList { moduleName permissions { "
                      "permsName permsValue } } } }")
LOCATIONS = "{ locations(type: \"R\") { edges { node { code } } } }"
CREATE_ROLE = ("mutation { createRole(input: {name: \"Host role\", isSystem: false, isBlocked: false, "
               "rightsId: [], clientMutationId: \"host-role-1\"}) { clientMutationId } }")


def declared_rights(cli, env) -> dict:
    modules = [name for name in ORDER if name != "host"]
    result = cli("shell", "-c", ALL_RIGHTS % modules, env=env, timeout=300)
    assert result.returncode == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith("RIGHTS "))
    return json.loads(line[len("RIGHTS "):])


def test_openimis_frontend_logs_in_works_and_logs_out_through_the_host_in_prod(
        distribution_env, cli, gunicorn):  # noqa: F811
    env = prod(distribution_env)
    migrated = cli("migrate", env=env, timeout=600)
    assert migrated.returncode == 0, migrated.output
    created = cli("shell", "-c", ADMIN, env=env, timeout=300)
    assert created.returncode == 0, created.output
    rights = declared_rights(cli, env)
    server = gunicorn(env, workers=1)
    browser = Browser(server.url)

    # Page load: refreshToken without any token is a refusal for the client, not a fault.
    status, body = browser.graphql(REFRESH)
    assert status == 200 and body["data"]["refreshToken"] is None, body
    assert body["errors"][0]["message"] == "Token is required", body
    status, body = browser.request("GET", CURRENT_USER)
    assert status == 401, body
    status, body = browser.graphql(CSRF)  # not logged in: refused, with its reason
    assert body["data"]["getCsrfToken"] is None, body
    assert body["errors"][0]["message"] == "You do not have permission to perform this action"

    # The login: the token is only in the cookie, HttpOnly, Secure (HTTPS), SameSite=Lax.
    status, user = browser.login("Admin", "admin123")
    jwt = browser.set_cookies["JWT"]
    assert jwt["httponly"] is True and jwt["secure"] is True and jwt["samesite"] == "Lax", jwt
    assert status == 200 and user["username"] == "Admin", user
    # The administrator has every right of every module, core's own (users, roles) included.
    assert len(rights["core"]) >= 20 and set(rights["core"]) <= set(rights["all"]), rights
    assert sorted(user["i_user"]["rights"]) == rights["all"]

    # A page reload: refreshToken with the cookie renews it (fe-core's initialize()).
    before = browser.cookies["JWT"]
    status, body = browser.graphql(REFRESH)
    assert status == 200 and "errors" not in body and body["data"]["refreshToken"], body
    assert browser.cookies["JWT"] != before and browser.set_cookies["JWT"]["httponly"] is True

    # Pages: queries with the cookie and X-CSRFToken, the Roles page among them.
    for query, field in ((LOCATIONS, "locations"), (ROLES, "role"),
                         (MODULE_PERMISSIONS, "modulesPermissions")):
        status, body = browser.graphql(query)
        assert status == 200 and "errors" not in body, body
        assert body["data"][field] is not None, body
    assert "IMIS Administrator" in json.dumps(body := browser.graphql(ROLES)[1]), body
    modules = {m["moduleName"] for m in browser.graphql(MODULE_PERMISSIONS)[1]["data"][
        "modulesPermissions"]["modulePermsList"]}
    assert "core" in modules, modules

    # CSRF rules apply to the cookie: a core mutation without X-CSRFToken is refused by core,
    # a form-encoded POST (another site's page) by the host; with the token it runs.
    csrf, browser.csrf = browser.csrf, None
    status, body = browser.graphql(CREATE_ROLE)
    assert body["data"]["createRole"] is None and "CSRF" in json.dumps(body), body
    status, body = browser.form("/api/graphql", {"query": CREATE_ROLE})
    assert status == 403, body
    browser.csrf = csrf
    status, body = browser.graphql(CREATE_ROLE)
    assert status == 200 and "errors" not in body, body

    # django-graphql-jwt's own header prefix, from a client without cookies.
    token = browser.cookies["JWT"]
    plain = Browser(server.url)
    status, body = plain.request("GET", CURRENT_USER, headers={"Authorization": f"JWT {token}"})
    assert status == 200 and body["username"] == "Admin", body
    # "JWT undefined" without a cookie names no user: 401, not someone else's session.
    status, body = plain.request("GET", CURRENT_USER, headers={"Authorization": "JWT undefined"})
    assert status == 401, body

    # The logout deletes the cookie and ends the token: a copy of it is refused afterwards.
    status, body = browser.graphql(LOGOUT)
    assert status == 200 and body["data"]["deleteTokenCookie"] == {"deleted": True}, body
    assert "JWT" not in browser.cookies and browser.set_cookies["JWT"]["max-age"] == "0"
    status, body = browser.request("GET", CURRENT_USER)
    assert status == 401, body
    status, body = plain.request("GET", CURRENT_USER, headers={"Authorization": f"JWT {token}"})
    assert status == 401 and body["code"] == "token_revoked", body
    stolen = Browser(server.url)
    stolen.cookies["JWT"] = token
    assert stolen.request("GET", CURRENT_USER)[0] == 401

    # None of the refusals above is logged as a server fault.
    assert "Traceback" not in server.output and " ERROR " not in server.output, server.output

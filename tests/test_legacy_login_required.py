"""Login by default with openIMIS's 18 modules, in PROD, through gunicorn, on PostgreSQL.

openIMIS declares some queries with an empty permission list, so an anonymous request
used to read claim administrators' names, e-mail addresses and phones, officers and
diagnoses. In PROD those now need a login, while the fields openIMIS's frontend calls
before its user has logged in (legacy/plugin.py CORE_PUBLIC_FIELDS) stay reachable, and
the frontend's login sequence works. Legacy stack only (graphene 2).
"""

from __future__ import annotations

import json
import os

import pytest
from conftest import pg_available
from production_support import prod
from test_legacy import Client, logged_in
from test_legacy_distribution import FIXTURES, MODULES_DIR, without_example_modules

from openimis_host.graphql.stack import LEGACY

pytestmark = pytest.mark.skipif(
    not LEGACY, reason="openIMIS modules need graphene 2: scripts/test runs this file in the "
                       "legacy venv (.venv-test-legacy, pip install '.[test,legacy]')")

#: The fields issue 15 found open to anyone, each as a query that is valid for a logged-in user.
PRIVATE = {
    "claimAdmins": "{ claimAdmins { edges { node { code lastName emailId phone } } } }",
    "claimOfficers": "{ claimOfficers { edges { node { code lastName phone } } } }",
    "insureeOfficers": "{ insureeOfficers { edges { node { code lastName phone } } } }",
    "policyOfficers": "{ policyOfficers { edges { node { code lastName phone } } } }",
    "diagnoses": "{ diagnoses { edges { node { code name } } } }",
    "diagnosesStr": "{ diagnosesStr { edges { node { code name } } } }",
}


@pytest.fixture
def served(host_env, pg_name, cli, gunicorn, tmp_path):
    """The 18 modules in PROD on a fresh PostgreSQL database with core's test rows; a server."""
    if not pg_available():
        pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 (run scripts/services)")
    if not MODULES_DIR:
        pytest.fail("OPENIMIS_LEGACY_MODULES must name the directory of the pinned openIMIS "
                    "wheels (scripts/test installs them)")
    env = prod({**host_env, "SITE_ROOT": "api",
                "PYTHONPATH": os.pathsep.join([str(without_example_modules(tmp_path)), MODULES_DIR]),
                "DB_NAME": pg_name, "DB_HOST": "127.0.0.1", "DB_PORT": "5432", "DB_USER": "postgres"})
    migrated = cli("migrate", env=env, timeout=900)
    assert migrated.returncode == 0, migrated.output
    made = cli("shell", "-c", FIXTURES, env=env, timeout=300)
    assert made.returncode == 0, made.output
    return gunicorn(env, workers=1, wait=False).wait(timeout=300)


def test_anonymous_requests_get_no_data_from_openimis_private_fields_and_the_login_works(served):
    anonymous = Client(served.url)
    for field, query in PRIVATE.items():
        status, body = anonymous.graphql(query)
        assert status == 400 and "data" not in body, (field, status, body)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["authentication_required"], body
    # Next to a public field, a private one still refuses the whole request.
    status, body = anonymous.graphql("{ passwordPolicy claimAdmins { totalCount } }")
    assert status == 400 and "data" not in body, body

    # What the frontend calls before its login form is submitted is not refused for want of
    # a login (core answers it as it always did).
    status, body = anonymous.graphql("mutation refreshAuthToken { refreshToken { refreshExpiresIn } }")
    assert "authentication_required" not in json.dumps(body), body
    status, body = anonymous.graphql("query { passwordPolicy }")
    assert status == 200 and "errors" not in body and body["data"]["passwordPolicy"], body
    status, body = anonymous.request("GET", "/api/core/users/current_user/")
    assert status == 401, (status, body)  # DRF: IsAuthenticated, a JSON answer

    # The frontend's login: tokenAuth, getCsrfToken with the token, then the current user.
    client = logged_in(served)
    status, body = client.request("GET", "/api/core/users/current_user/")
    assert status == 200 and body["username"] == "Admin", (status, body)

    # Logged in, the same queries answer, with the rows the fixtures made.
    for field, query in PRIVATE.items():
        status, body = client.graphql(query)
        assert status == 200 and "errors" not in body, (field, body)
    assert client.graphql(PRIVATE["claimAdmins"])[1]["data"]["claimAdmins"]["edges"]
    assert client.graphql(PRIVATE["diagnoses"])[1]["data"]["diagnoses"]["edges"]

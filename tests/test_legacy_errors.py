"""openIMIS's own modules answer bad input and refusals as the host's do: real gunicorn in PROD,
PostgreSQL, the 18 pinned distributions.

- Variables of the wrong type: 400 naming the variable, no traceback in the log.
- A logged-in user without rights: every root query field of the 18 modules answers with
  data or a permission error that says so (``extensions.code`` ``permission_denied``), never
  "internal server error"; the log has one INFO line per refusal and no ERROR.
- No "Did you mean" (graphql-core 2 also says "Perhaps you meant") hints in PROD.
- tokenAuth with a user name over 255 characters: core's wrong-credentials answer, and
  django-axes still counts the attempt (its column holds 255: it was a DataError).

Runs on the legacy stack only, with the wheels in OPENIMIS_LEGACY_MODULES (scripts/test).
"""

from __future__ import annotations

import json
import re

import pytest
from production_support import prod
from test_legacy import Client
from test_legacy_distribution import distribution_env  # noqa: F401  (a fixture)

from openimis_host.graphql.stack import LEGACY

pytestmark = pytest.mark.skipif(
    not LEGACY, reason="openIMIS modules need graphene 2: scripts/test runs this file in the "
                       "legacy venv (.venv-test-legacy, pip install '.[test,legacy]')")

# Two users made with core's helper: an administrator and one with no role at all. Then every
# root query field, with a made-up value for each required argument, as one query each.
SETUP = r"""
import json
from core.test_helpers import create_test_interactive_user, create_test_role
from graphql.type import (GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull,
                          GraphQLScalarType)
from openimis_host.assembly.graphql import schema

create_test_interactive_user(username="Admin", password="admin123", custom_props={"language": "en"})
create_test_interactive_user(username="Norights", password="norights1",
                             roles=[create_test_role([], name="No rights").id],
                             custom_props={"language": "en"})
SCALARS = {"Int": "1", "Float": "1.0", "Boolean": "false", "Date": '"2020-01-01"',
           "DateTime": '"2020-01-01T00:00:00"', "UUID": '"00000000-0000-0000-0000-000000000000"',
           "JSONString": '"{}"'}

def value(kind):
    if isinstance(kind, GraphQLNonNull):
        return value(kind.of_type)
    if isinstance(kind, GraphQLList):
        return "[" + value(kind.of_type) + "]"
    if isinstance(kind, GraphQLEnumType):
        return kind.values[0].name
    if isinstance(kind, GraphQLInputObjectType):
        return "{" + ", ".join(f"{name}: {value(f.type)}" for name, f in kind.fields.items()
                               if isinstance(f.type, GraphQLNonNull)) + "}"
    return SCALARS.get(kind.name, '"1"')

def named(kind):
    while isinstance(kind, (GraphQLNonNull, GraphQLList)):
        kind = kind.of_type
    return kind

queries = {}
for name, field in schema.get_query_type().fields.items():
    args = ", ".join(f"{arg}: {value(a.type)}" for arg, a in field.args.items()
                     if isinstance(a.type, GraphQLNonNull) and a.default_value is None)
    selection = "" if isinstance(named(field.type), (GraphQLScalarType, GraphQLEnumType)) \
        else " { __typename }"
    queries[name] = "{ " + name + (f"({args})" if args else "") + selection + " }"
print("QUERIES " + json.dumps(queries))
"""


def login(server, username: str, password: str) -> Client:
    """A client with core's token and CSRF token, as openIMIS's front-end sends them."""
    client = Client(server.url)
    status, body = client.graphql("mutation($u: String!, $p: String!) { tokenAuth(username: $u, "
                                  "password: $p) { token } }", {"u": username, "p": password})
    assert status == 200 and "errors" not in body, body
    client.headers["Authorization"] = f"Bearer {body['data']['tokenAuth']['token']}"
    status, body = client.graphql("mutation { getCsrfToken { csrfToken } }")
    assert status == 200 and "errors" not in body, body
    client.headers["X-CSRFToken"] = body["data"]["getCsrfToken"]["csrfToken"]
    return client


@pytest.mark.parametrize("any_db_env", ["postgres"], indirect=True)
def test_openimis_errors_are_client_errors_and_refusals_are_not_faults(
        distribution_env, cli, gunicorn):  # noqa: F811
    env = prod(distribution_env)
    migrated = cli("migrate", env=env, timeout=900)
    assert migrated.returncode == 0, migrated.output
    made = cli("shell", "-c", SETUP, env=env, timeout=300)
    assert made.returncode == 0, made.output
    queries = json.loads(next(line for line in made.stdout.splitlines()
                              if line.startswith("QUERIES "))[len("QUERIES "):])
    server = gunicorn(env, workers=1, wait=False).wait(timeout=180)

    # Variables of the wrong type: 400, naming the variable.
    admin = login(server, "Admin", "admin123")
    status, body = admin.graphql("query($first: Int) { locations(first: $first) "
                                 "{ pageInfo { hasNextPage } } }",
                                 {"first": "ten"})
    assert status == 400 and body.get("data") is None, (status, body)
    [error] = body["errors"]
    assert '"$first"' in error["message"] and "ten" in error["message"], error
    # No schema hints in PROD, from the validation (graphql-core 2 has two wordings).
    for query in ("{ locations { edgs { node { id } } } }",
                  "query($n: Strin) { locations { pageInfo { hasNextPage } } }"):
        status, body = admin.graphql(query)
        assert status == 400, body
        messages = " ".join(e["message"] for e in body["errors"])
        assert "Did you mean" not in messages and "Perhaps you meant" not in messages, messages
        assert '"edges"' not in messages and '"String"' not in messages, messages

    # A user without rights: no root field answers with a server error for want of rights.
    # (Some resolvers fail on made-up arguments whoever asks: the administrator's answer to
    # the same query tells those apart, and they are reported, not hidden.)
    nobody = login(server, "Norights", "norights1")
    refused, faults, answered = [], {}, 0
    for name, query in sorted(queries.items()):
        status, body = nobody.graphql(query)
        assert status in (200, 400), (name, status, body)
        errors = body.get("errors") or []
        answered += not errors
        codes = {(e.get("extensions") or {}).get("code") for e in errors}
        if "permission_denied" in codes:
            refused.append(name)
        if "server_error" in codes:
            faults[name] = query
    for_anyone = {name for name, query in faults.items()
                  if "server_error" in {(e.get("extensions") or {}).get("code")
                                        for e in admin.graphql(query)[1].get("errors") or []}}
    print(f"{len(queries)} root fields for a user without rights: {len(refused)} refused, "
          f"{answered} answered; failing for anyone on made-up arguments: {sorted(for_anyone)}")
    assert set(faults) == for_anyone, f"server errors for want of rights: {faults}"
    assert len(refused) >= 38, refused  # the 38 that were server errors are among them
    # Among them, those refused with the built-in PermissionError (were "internal server error").
    assert {"invoice", "invoiceEvent", "invoiceLineItem", "invoicePayment"} <= set(refused)

    # A user name longer than axes's column: the ordinary wrong-credentials answer, counted.
    long_name = "x" * 300
    status, body = Client(server.url).graphql(
        "mutation($u: String!) { tokenAuth(username: $u, password: \"nope\") { token } }",
        {"u": long_name})
    assert status == 200 and [e["message"] for e in body["errors"]] == ["INCORRECT_CREDENTIALS"], \
        body
    counted = cli("shell", "-c", "from axes.models import AccessAttempt; print('COUNT', sum("
                  "AccessAttempt.objects.filter(username='x' * 255).values_list("
                  "'failures_since_start', flat=True)))", env=env)
    assert "COUNT 1" in counted.stdout, counted.output

    server.stop()
    log = server.output
    assert "DataError" not in log and "ERROR django.request" not in log, log[-5000:]
    errors = [line for line in log.splitlines() if " ERROR " in line]
    # Only the faults for anyone, once for each user.
    assert all(re.search(r"unexpected exception in GraphQL field (\w+)", line)
               and re.search(r"field (\w+)", line)[1] in for_anyone for line in errors), errors
    assert re.search(r" INFO openimis_host.graphql: GraphQL field \w+ refused to user \S+: "
                     r"Unauthorized", log)

"""Login by default in PROD, through gunicorn on PostgreSQL, with a pip-installed module.

The ``gazette`` module has a private field (``gazetteSecret``), a field it opens to
anonymous requests through ``openimis_public_graphql_fields`` (``gazetteNotice``) and a
DRF view without permission classes. In PROD a request without a logged-in user
reaches only the public fields; anything else refuses the whole request with
"authentication required" and no data; DRF answers 401, JSON only.
"""

from __future__ import annotations

import pytest
from conftest import build_dist, pg_available, with_dists
from production_support import (
    bearer,
    call,
    dev,
    graphql,
    login,
    migrate_and_create_user,
    prod,
    token_of,
)

GAZETTE_FILES = {
    "openimis_gazette/__init__.py": "",
    "openimis_gazette/plugin.py": """\
        from plugins_spec import hookimpl


        @hookimpl
        def openimis_graphql_query():
            from .schema import Query
            return Query


        @hookimpl
        def openimis_public_graphql_fields():
            return ["gazetteNotice"]


        @hookimpl
        def openimis_urlpatterns():
            from .views import urlpatterns
            return urlpatterns
        """,
    "openimis_gazette/schema.py": """\
        import graphene


        class Query(graphene.ObjectType):
            gazette_notice = graphene.String()
            gazette_secret = graphene.String()

            def resolve_gazette_notice(root, info):
                return "the office opens at nine"

            def resolve_gazette_secret(root, info):
                return "salaries.xlsx"
        """,
    "openimis_gazette/views.py": """\
        from django.urls import path
        from rest_framework.decorators import api_view
        from rest_framework.response import Response


        @api_view(["GET"])
        def ledger(request):
            return Response({"ledger": [1, 2, 3]})


        urlpatterns = [path("ledger", ledger)]
        """,
}

#: A module that opens someone else's field (the host's revokeToken) to anonymous requests.
OPENER = build_dist("openimis-opener", "1.0.0", {
    "openimis_opener/__init__.py": "",
    "openimis_opener/plugin.py": """\
        from plugins_spec import hookimpl


        @hookimpl
        def openimis_public_graphql_fields():
            return ["revokeToken", "openerNothing"]
        """,
}, module="opener", entry_point="openimis_opener.plugin")


@pytest.fixture
def pg_env(host_env, pg_name):
    """host_env on a fresh PostgreSQL database, with the gazette module installed."""
    if not pg_available():
        pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 (run scripts/services)")
    gazette = build_dist("openimis-gazette", "1.0.0", GAZETTE_FILES, module="gazette",
                         entry_point="openimis_gazette.plugin")
    return with_dists({**host_env, "DB_NAME": pg_name, "DB_HOST": "127.0.0.1", "DB_PORT": "5432",
                       "DB_USER": "postgres"}, gazette)


#: What a browser sends: DRF's browsable API would answer it with an HTML page.
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def refused(reply) -> None:
    """The reply refuses the whole request for want of a login, with no data at all."""
    assert reply.status == 400, (reply.status, reply.body)
    body = reply.json()
    assert "data" not in body, body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["authentication_required"], body
    assert body["errors"][0]["message"].startswith("authentication required"), body
    assert b"salaries" not in reply.body


def test_in_prod_anonymous_requests_reach_only_public_fields_and_logged_in_ones_everything(
        pg_env, gunicorn, tmp_path):
    env = prod(pg_env)
    migrate_and_create_user(env, tmp_path)
    server = gunicorn(env, workers=1)

    refused(graphql(server, "{ gazetteSecret }"))
    # A public field next to a private one: nothing of either comes back.
    refused(graphql(server, "{ gazetteNotice gazetteSecret }"))
    # Aliases, fragments and inline fragments are followed to the field they name.
    refused(graphql(server, "{ notice: gazetteSecret }"))
    refused(graphql(server, "query { ...F } fragment F on Query { gazetteSecret }"))
    refused(graphql(server, "{ ... on Query { gazetteSecret } }"))
    refused(graphql(server, "query A { gazetteNotice } query B { gazetteSecret }"))
    # The schema is not mapped through validation errors either.
    unknown = graphql(server, "{ gazetteSecrets }")
    refused(unknown)
    assert b"Did you mean" not in unknown.body and b"Cannot query" not in unknown.body

    public = graphql(server, "{ gazetteNotice openimisHostVersion __typename }")
    assert public.status == 200, public.body
    assert public.json()["data"]["gazetteNotice"] == "the office opens at nine"

    token = token_of(login(server))  # tokenAuth is public: the login works
    allowed = graphql(server, "{ gazetteNotice gazetteSecret }", headers=bearer(token))
    assert allowed.status == 200, allowed.body
    assert allowed.json() == {"data": {"gazetteNotice": "the office opens at nine",
                                       "gazetteSecret": "salaries.xlsx"}}
    # revokeToken is public, and refuses an anonymous caller itself, saying what it expected.
    logout = graphql(server, "mutation { revokeToken { revoked } }").json()
    assert logout["errors"][0]["extensions"]["code"] == "not_authenticated", logout


def test_in_prod_drf_needs_a_login_and_answers_json_only(pg_env, gunicorn, tmp_path):
    env = prod(pg_env)
    migrate_and_create_user(env, tmp_path)
    server = gunicorn(env, workers=1)
    url = server.url + "/gazette/ledger"

    anonymous = call("GET", url, headers=BROWSER)
    assert anonymous.status == 401, anonymous.body
    assert anonymous.header("Content-Type") == "application/json", anonymous.header("Content-Type")
    assert b"ledger" not in anonymous.body and b"<html" not in anonymous.body.lower()

    token = token_of(login(server))
    # A browser asking for HTML gets JSON: the browsable API is not served in PROD.
    page = call("GET", url, headers={**bearer(token), **BROWSER})
    assert page.status == 200, page.body
    assert page.header("Content-Type") == "application/json"
    assert page.json() == {"ledger": [1, 2, 3]}


def test_the_operator_extends_the_public_fields_with_graphql_public_fields(pg_env, gunicorn,
                                                                             tmp_path):
    env = prod(pg_env, GRAPHQL_PUBLIC_FIELDS="gazetteSecret")
    migrate_and_create_user(env, tmp_path)
    server = gunicorn(env, workers=1)
    reply = graphql(server, "{ gazetteSecret }")
    assert reply.status == 200 and reply.json() == {"data": {"gazetteSecret": "salaries.xlsx"}}


def test_dev_keeps_every_field_open_to_anonymous_requests(pg_env, gunicorn, tmp_path):
    env = dev(pg_env)
    migrate_and_create_user(env, tmp_path)
    server = gunicorn(env, workers=1)
    reply = graphql(server, "{ gazetteSecret }")
    assert reply.status == 200 and reply.json() == {"data": {"gazetteSecret": "salaries.xlsx"}}
    page = call("GET", server.url + "/gazette/ledger", headers=BROWSER)
    assert page.status == 200 and page.header("Content-Type").startswith("text/html")  # browsable


def test_a_module_opening_fields_not_its_own_stops_the_boot_naming_them(host_env, cli):
    result = cli("check", env=with_dists(host_env, OPENER))
    assert result.returncode == 2, result.output
    assert ("module 'opener' (openimis-opener 1.0.0): its openimis_public_graphql_fields() lists "
            "openerNothing, revokeToken, which its own GraphQL Query and Mutation do not define"
            ) in result.stderr
    assert "[openimis.E022]" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_modules_listing_shows_each_modules_public_fields(pg_env, cli):
    listed = {m["name"]: m for m in cli("modules", "--json", env=pg_env).json()["modules"]}
    assert listed["gazette"]["contributions"]["public_graphql_fields"] == ["gazetteNotice"]
    assert listed["host"]["contributions"]["public_graphql_fields"] == [
        "openimisHostVersion", "revokeToken", "tokenAuth"]

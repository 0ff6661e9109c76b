"""Bad input gets a 4xx JSON error and no traceback; an unexpected exception gets a 500 JSON
body with nothing internal in PROD; the DEV profiler. Through gunicorn, in PROD and DEV,
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pstats

import pytest
from production_support import (
    INTERNAL,
    assert_json_error,
    bearer,
    call,
    graphql,
    login,
    migrate_and_create_user,
    mode_env,
    prod,
    token_of,
    with_probe,
)

from openimis_host.graphql.stack import LEGACY

LIMIT_BYTES = 4000
MAX_DEPTH = 5


def chain(depth: int) -> str:
    """A valid query ``depth`` fields deep: ``{ probeNode { child { ... name } } }``."""
    return "{ probeNode { " + "child { " * (depth - 2) + "name" + " }" * (depth - 1) + " }"


@pytest.fixture(params=["PROD", "DEV"])
def mode(request):
    return request.param


@pytest.fixture
def served(any_db_env, gunicorn, mode, tmp_path):
    env = with_probe(mode_env(mode, any_db_env, DJANGO_MIGRATE="true",
                              DATA_UPLOAD_MAX_MEMORY_SIZE=str(LIMIT_BYTES),
                              GRAPHQL_MAX_DEPTH=str(MAX_DEPTH)))
    migrate_and_create_user(env, tmp_path)  # PROD: the example modules' data needs a login
    return gunicorn(env, workers=2)


def logged_in(server) -> dict:
    """The headers of a logged-in client."""
    return bearer(token_of(login(server)))


def post(server, body, content_type="application/json", path="/graphql", headers=None):
    return call("POST", server.url + path, body, content_type=content_type, headers=headers)


def test_bad_graphql_input_gets_a_4xx_json_error(served, mode):
    big = '{"query": "{ insurees { name } }", "pad": "' + "x" * LIMIT_BYTES + '"}'
    cases = [
        ("malformed JSON", post(served, '{"query": '), 400),
        ("JSON that is not an object", post(served, "[1, 2]"), 400),
        ("not UTF-8", post(served, b'{"query": "\xff\xfe"}'), 400),
        ("wrong content type", post(served, "{ insurees { name } }", "text/plain"), 415),
        ("no content type", post(served, b"{}", None), 415),
        ("body over the limit", post(served, big), 413),
        ("body over the limit, GraphQL", post(served, "#" * (LIMIT_BYTES + 1),
                                              "application/graphql"), 413),
        ("body over the limit, form", post(served, "query=" + "x" * LIMIT_BYTES,
                                           "application/x-www-form-urlencoded"), 413),
        ("no query", post(served, {"variables": {}}), 400),
        ("query not a string", post(served, {"query": ["{ insurees { name } }"]}), 400),
        ("query a number", post(served, {"query": 5}), 400),
        ("variables not an object", post(served, {"query": "{ insurees { name } }",
                                                  "variables": [1]}), 400),
        ("variables invalid JSON", post(served, {"query": "{ insurees { name } }",
                                                 "variables": "{oops"}), 400),
        ("operationName not a string", post(served, {"query": "{ insurees { name } }",
                                                     "operationName": 7}), 400),
        ("variables of the wrong type", graphql(served, "query($s: Float) { probePid(sleep: $s) }",
                                                {"s": "ten"}), 400),
        ("an unknown variable type", graphql(served, "query($s: Flot) { probePid(sleep: $s) }"),
         400),
        ("unparsable query", graphql(served, "{ insurees { name }"), 400),
        ("unknown field", graphql(served, "{ insurees { nam } }"), 400),
        ("unknown fragment", graphql(served, "{ ...Missing }"), 400),
        ("fragment cycle", graphql(served, "{ ...A } fragment A on Query { ...A }"), 400),
        ("too deep", graphql(served, chain(MAX_DEPTH + 1)), 400),
        ("too deep through fragments", graphql(
            served, "{ probeNode { ...A } } fragment A on ProbeNode { child { ...B } } "
            "fragment B on ProbeNode { child { child { child { child { name } } } } }"), 400),
        ("mutation over GET", call("GET", served.url + "/graphql?query=mutation%20%7B%20"
                                   "tokenAuth(username%3A%22a%22%2C%20password%3A%22b%22)"
                                   "%20%7B%20token%20%7D%20%7D"), 405),
        ("PUT", call("PUT", served.url + "/graphql", {"query": "{ insurees { name } }"}), 405),
    ]
    for name, reply, status in cases:
        body = assert_json_error(reply, status, graphql_shape=True)
        assert body["errors"][0]["message"], name

    wrong = graphql(served, "query($s: Float) { probePid(sleep: $s) }", {"s": "ten"})
    assert "$s" in wrong.json()["errors"][0]["message"]  # names the variable
    deep = graphql(served, chain(MAX_DEPTH + 1)).json()["errors"]
    assert [e["extensions"]["code"] for e in deep] == ["max_depth_exceeded"]
    assert graphql(served, chain(MAX_DEPTH)).status == 200

    introspection = graphql(served, "{ __schema { queryType { name } } }")
    typename = graphql(served, "{ __typename }")
    assert typename.status == 200  # clients add __typename everywhere; never refused
    unknown = graphql(served, "{ insurees { nam } }").json()["errors"][0]["message"]
    # graphql-core 2 words its hint on an unknown type "Perhaps you meant".
    unknown_type = graphql(served, "query($s: Flot) { probePid(sleep: $s) }").json()["errors"]
    if mode == "PROD":
        assert_json_error(introspection, 400, graphql_shape=True)
        assert "Did you mean" not in unknown  # suggestions would reveal the schema
        assert "Float" not in " ".join(e["message"] for e in unknown_type), unknown_type
    else:
        assert introspection.status == 200
        # graphql-core 2 (the legacy stack) quotes names with ", graphql-core 3 with '.
        assert ('Did you mean "name"?' if LEGACY else "Did you mean 'name'?") in unknown
    served.stop()
    assert "Traceback" not in served.output  # every one of them is the client's mistake


def test_other_endpoints_answer_bad_input_with_json(served, mode):
    auth = logged_in(served)  # PROD: DRF views need a login by default
    malformed = post(served, '{"number": ', path="/insuree/insurees/", headers=auth)
    assert_json_error(malformed, 400, graphql_shape=False)
    if mode == "PROD":  # DEV answers with Django's debug pages
        big = post(served, {"number": "1" * LIMIT_BYTES}, path="/insuree/insurees/", headers=auth)
        assert assert_json_error(big, 413, graphql_shape=False)["code"] == "body_too_large"
        assert assert_json_error(call("GET", served.url + "/nowhere"), 404, False)


def test_an_unexpected_exception_is_hidden_in_prod_and_logged(served, mode):
    field = graphql(served, "{ probeBoom insurees { name } }", headers=logged_in(served))
    assert field.status == 200
    error = field.json()["errors"][0]
    assert error["path"] == ["probeBoom"]
    assert field.json()["data"]["insurees"] == []  # the rest of the query still answers
    # A message written for the client (Django's ValidationError) goes through in both modes.
    invalid = graphql(served, "{ probeInvalid }").json()["errors"][0]["message"]
    assert "the number must have 8 digits" in invalid
    # A refusal is the client's answer in both modes, and one INFO line without a traceback.
    [refused] = graphql(served, "{ probeRefused }").json()["errors"]
    assert (refused["message"], refused["extensions"]["code"]) == ("Unauthorized",
                                                                   "permission_denied")
    if mode == "PROD":
        assert error["message"] == "internal server error"
        assert INTERNAL not in field.body.decode()
        for path in ("/probe/boom", "/probe/drf-boom"):
            body = assert_json_error(call("GET", served.url + path), 500, graphql_shape=False)
            assert body["code"] == "server_error"
    else:
        assert INTERNAL in error["message"]  # DEBUG: the developer sees it
    served.stop()
    assert "unexpected exception in GraphQL field probeBoom" in served.output
    assert f"RuntimeError: {INTERNAL}" in served.output and "Traceback" in served.output
    assert "GraphQL field probeRefused refused to anonymous: Unauthorized" in served.output
    assert "PermissionError" not in served.output


def test_introspection_can_be_switched_on_in_prod(host_env, gunicorn):
    server = gunicorn(prod(host_env, GRAPHQL_INTROSPECTION="true"), workers=1)
    reply = graphql(server, "{ __schema { queryType { name } } }")
    assert reply.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


def test_the_profiler_reports_in_dev_and_is_refused_in_prod(host_env, gunicorn, tmp_path):
    dev = gunicorn({**host_env, "DJANGO_MIGRATE": "true"}, workers=1)
    query = {"query": "{ insurees { name } }"}
    report = call("POST", dev.url + "/graphql?prof=True", query)
    assert report.status == 200
    assert report.header("Content-Type").startswith("text/plain")
    text = report.body.decode()
    assert "function calls" in text and "cumulative" in text and "execute" in text

    download = call("POST", dev.url + "/graphql?prof=True&download=True", query)
    assert download.status == 200
    assert "profile.prof" in download.header("Content-Disposition")
    (tmp_path / "profile.prof").write_bytes(download.body)
    stats = pstats.Stats(str(tmp_path / "profile.prof"))  # what snakeviz reads
    assert any(name == "execute_graphql_request" for (_, _, name) in stats.stats)

    production = gunicorn(prod(host_env, DJANGO_MIGRATE="true"), workers=1)
    refused = call("POST", production.url + "/graphql?prof=True&download=True", query)
    assert assert_json_error(refused, 403, graphql_shape=True)["errors"][0]["extensions"][
        "code"] == "profiler_disabled"
    # Without ?prof the same request runs (insurees need a login there: the public version here).
    assert call("POST", production.url + "/graphql", {"query": "{ openimisHostVersion }"}).status == 200

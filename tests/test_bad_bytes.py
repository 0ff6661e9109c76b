"""Bytes no parser expects: invalid UTF-8 and JSON nested 100,000 deep get a 400 JSON error, not
a 500, on the GraphQL endpoint and on a module's DRF view. Through gunicorn in PROD.
"""

from __future__ import annotations

from production_support import assert_json_error, call, prod, with_probe

DEEP = 100_000


def test_undecodable_and_deeply_nested_bodies_get_400_json(host_env, gunicorn):
    server = gunicorn(with_probe(prod(host_env, DJANGO_MIGRATE="true")), workers=1)
    graphql = server.url + "/graphql"

    reply = call("POST", graphql, b"{ probeWhoami \xff\xfe }", content_type="application/graphql")
    body = assert_json_error(reply, 400, graphql_shape=True)
    assert "not valid UTF-8" in body["errors"][0]["message"], body

    nested = '{"query": "{ probeWhoami }", "variables": {"x": ' + "[" * DEEP + "]" * DEEP + "}}"
    body = assert_json_error(call("POST", graphql, nested), 400, graphql_shape=True)
    assert "nested too deeply" in body["errors"][0]["message"], body
    # The same inside the variables sent as a JSON string (a form or a GET sends them so).
    as_string = {"query": "{ probeWhoami }", "variables": "[" * DEEP + "]" * DEEP}
    assert_json_error(call("POST", graphql, as_string), 400, graphql_shape=True)

    drf = server.url + "/probe/whoami"
    body = assert_json_error(call("POST", drf, "[" * DEEP + "]" * DEEP), 400, graphql_shape=False)
    assert "nested too deeply" in body["detail"], body
    assert_json_error(call("POST", drf, b'{"x": "\xff"}'), 400, graphql_shape=False)
    # Still answering, with the same worker.
    assert call("POST", drf, {"x": 1}).json() == {"user": None, "data": {"x": 1}}

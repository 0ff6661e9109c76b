"""The cost limits on one GraphQL query (tokens, aliases, fields, root fields), through gunicorn in
PROD with the default limits: each refusal is a 400 with its ``extensions.code``, before any
resolver runs; 0 turns a limit off.
"""

from __future__ import annotations

from production_support import assert_json_error, graphql, prod, with_probe


def aliases(count: int, field: str = "name") -> str:
    return " ".join(f"a{i}: {field}" for i in range(count))


def fragment_bomb(levels: int) -> str:
    """Under probeNode, fragments that each spread the next twice: 2**levels fields."""
    fragments = " ".join(f"fragment F{i} on ProbeNode {{ ...F{i + 1} ...F{i + 1} }}"
                         for i in range(levels))
    return f"{{ probeNode {{ ...F0 }} }} {fragments} fragment F{levels} on ProbeNode {{ name }}"


def refused(server, query: str) -> tuple[str, str]:
    """The (code, message) of a query refused with 400 before execution."""
    body = assert_json_error(graphql(server, query), 400, graphql_shape=True)
    assert body.get("data") is None, body  # nothing was executed
    [error] = body["errors"]
    return error["extensions"]["code"], error["message"]


def test_costly_operations_are_refused_before_any_resolver_runs(host_env, gunicorn):
    server = gunicorn(with_probe(prod(host_env, DJANGO_MIGRATE="true")), workers=1)

    # 10,000 aliases of a field whose resolver raises: had one run, the log would say so.
    # 30,000 tokens: the parser stops at 10,000.
    code, message = refused(server, "{ " + aliases(10_000, "probeBoom") + " }")
    assert code == "max_tokens_exceeded", message
    assert "more than 10000 tokens" in message and "GRAPHQL_MAX_TOKENS=10000" in message
    # 3,000 aliases: under the token limit, over the root-field limit.
    code, message = refused(server, "{ " + aliases(3000, "probeBoom") + " }")
    assert code == "max_root_fields_exceeded", message
    assert "3000 root fields; the limit is 20" in message
    # 9,000 copies of one field, no alias: the standard overlap rule is quadratic in them.
    assert refused(server, "{ " + "probePid " * 9000 + "}")[0] == "max_root_fields_exceeded"

    assert refused(server, "{ probeNode { " + aliases(31) + " } }")[0] == "max_aliases_exceeded"
    ok = graphql(server, "{ probeNode { " + aliases(30) + " } }")
    assert ok.status == 200 and ok.json()["data"]["probeNode"]["a29"] == "node"

    # Fragments count where they are spread: 2**11 fields from a few hundred bytes.
    code, message = refused(server, fragment_bomb(11))
    assert code == "max_fields_exceeded" and "2049 fields; the limit is 2000" in message, message
    # 2**60 fields: counted without expanding anything.
    assert refused(server, fragment_bomb(60))[0] == "max_fields_exceeded"
    assert graphql(server, fragment_bomb(10)).status == 200

    assert refused(server, "{ " + "probePid " * 21 + "}")[0] == "max_root_fields_exceeded"
    assert graphql(server, "{ " + "probePid " * 20 + "}").status == 200

    introspection = graphql(server, "{ __schema { queryType { name } } }")
    errors = assert_json_error(introspection, 400, graphql_shape=True)["errors"]
    assert {e["extensions"]["code"] for e in errors} == {"introspection_disabled"}, errors
    server.stop()
    assert "unexpected exception in GraphQL field" not in server.output


def test_zero_turns_each_limit_off(host_env, gunicorn):
    server = gunicorn(with_probe(prod(host_env, DJANGO_MIGRATE="true", GRAPHQL_MAX_ALIASES="0",
                                      GRAPHQL_MAX_FIELDS="0", GRAPHQL_MAX_ROOT_FIELDS="0",
                                      GRAPHQL_MAX_TOKENS="0")),
                      workers=1)
    assert graphql(server, "{ probeNode { " + aliases(4000) + " } }").status == 200  # 12,000 tokens
    assert graphql(server, "{ probeNode { " + aliases(40) + " } }").status == 200
    assert graphql(server, fragment_bomb(12)).status == 200
    assert graphql(server, "{ " + "probePid " * 25 + "}").status == 200

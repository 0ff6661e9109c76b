"""The limits on one GraphQL query, through gunicorn in PROD with the default limits: its cost
(tokens, aliases, fields, root fields), each refusal a 400 with its ``extensions.code`` before
any resolver runs; its size in bytes (query, variables), each refusal a 413 before anything is
parsed, fast enough to leave the workers free. 0 turns a limit off.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from production_support import assert_json_error, call, graphql, prod, with_probe


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

    # 4,000 aliases of a field whose resolver raises: had one run, the log would say so.
    # 12,000 tokens (68 kB, under GRAPHQL_MAX_QUERY_BYTES): the parser stops at 10,000.
    code, message = refused(server, "{ " + aliases(4000, "probeBoom") + " }")
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
                                      GRAPHQL_MAX_TOKENS="0", GRAPHQL_MAX_QUERY_BYTES="0",
                                      GRAPHQL_MAX_VARIABLES_BYTES="0")),
                      workers=1)
    assert graphql(server, "{ probeNode { " + aliases(4000) + " } }").status == 200  # 12,000 tokens
    assert graphql(server, "{ probeNode { " + aliases(40) + " } }").status == 200
    assert graphql(server, fragment_bomb(12)).status == 200
    assert graphql(server, "{ " + "probePid " * 25 + "}").status == 200
    big = graphql(server, "{ probePid } #" + "x" * 200_000, {"s": "x" * 1_100_000})
    assert big.status == 200, big.body[:300]


QUERY_LIMIT, VARIABLES_LIMIT = 128 * 1024, 1024 * 1024  # the defaults
BIG_LITERAL = 9_500_000  # the string literal that took seconds to lex, before the byte limits


def timed_post(server, body: bytes, content_type: str = "application/json",
               path: str = "/graphql") -> tuple[float, int, dict]:
    """(seconds from connecting to the whole answer read, status, JSON body) of one POST."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("POST", path, body, {"Content-Type": content_type})
        response = connection.getresponse()
        status, raw = response.status, response.read()
    finally:
        connection.close()
    return time.perf_counter() - start, status, json.loads(raw)


def big_literal_query() -> bytes:
    return json.dumps({"query": '{ probeNode { name(x: "' + "x" * BIG_LITERAL + '") } }'}).encode()


def test_six_huge_queries_at_once_get_413_fast_and_liveness_stays_fast(host_env, gunicorn):
    server = gunicorn(with_probe(prod(host_env, DJANGO_MIGRATE="true")))  # the default 2 workers
    body = big_literal_query()
    for _ in range(4):  # the first request a worker serves is slower (lazy imports)
        assert timed_post(server, body)[1] == 413
    live: list[float] = []
    replies: list[tuple[float, int, dict]] = []
    for _ in range(3):
        burst_done = threading.Event()

        def poll_liveness(done=burst_done):
            while not done.is_set():
                start = time.perf_counter()
                status = call("GET", server.url + "/health/live").status
                live.append(time.perf_counter() - start)
                assert status == 200

        poller = threading.Thread(target=poll_liveness)
        poller.start()
        with ThreadPoolExecutor(6) as pool:
            replies += list(pool.map(lambda _: timed_post(server, body), range(6)))
        burst_done.set()
        poller.join()
    print("413 ms:", sorted(round(r[0] * 1000) for r in replies),
          "live ms:", sorted(round(t * 1000) for t in live))
    for seconds, status, reply in replies:
        assert status == 413, reply
        [error] = reply["errors"]
        assert error["extensions"]["code"] == "body_too_large", error
        assert "GRAPHQL_MAX_QUERY_BYTES" in error["message"], error
        assert "GRAPHQL_MAX_VARIABLES_BYTES" in error["message"], error
        assert seconds < 0.2, f"a 413 took {seconds * 1000:.0f} ms"
    assert len(live) >= 3, live
    # The refused body was read to its end: the same connection serves the next request.
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    for request_body, status in ((body, 413), (json.dumps({"query": "{ probePid }"}).encode(), 200)):
        connection.request("POST", "/graphql", request_body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        assert (response.status, json.loads(response.read()).get("errors", [{}])[0].get(
            "extensions", {}).get("code", "none")) == (status, "body_too_large" if status == 413
                                                        else "none")
    connection.close()
    assert statistics.median(live) < 0.1, f"/health/live median {statistics.median(live) * 1000:.0f} ms"
    server.stop()
    assert "Traceback" not in server.output


def test_the_query_and_the_variables_each_have_a_byte_limit(host_env, gunicorn):
    server = gunicorn(with_probe(prod(host_env, DJANGO_MIGRATE="true")), workers=1)
    assert graphql(server, "{ probePid }").status == 200  # the worker's first request is slower

    def refused(body: bytes, content_type: str = "application/json") -> dict:
        seconds, status, reply = timed_post(server, body, content_type)
        assert status == 413 and seconds < 0.2, (status, seconds, reply)
        [error] = reply["errors"]
        return error

    # Within the whole-body bound, over the query's own: refused after JSON decoding, unparsed.
    over = "{ probePid } #" + "x" * QUERY_LIMIT
    error = refused(json.dumps({"query": over}).encode())
    assert error["extensions"]["code"] == "query_too_large"
    assert error["message"] == (f"the query is {len(over)} bytes; the limit is {QUERY_LIMIT} "
                                "bytes (GRAPHQL_MAX_QUERY_BYTES)")
    assert refused(over.encode(), "application/graphql")["extensions"]["code"] == "query_too_large"
    # Multi-byte characters count as their UTF-8 bytes.
    wide = "{ probePid } #" + "é" * (QUERY_LIMIT // 2)
    assert refused(json.dumps({"query": wide}).encode())["extensions"]["code"] == "query_too_large"

    variables = {"s": "x" * VARIABLES_LIMIT}
    error = refused(json.dumps({"query": "{ probePid }", "variables": variables}).encode())
    assert error["extensions"]["code"] == "variables_too_large"
    assert "GRAPHQL_MAX_VARIABLES_BYTES" in error["message"], error
    as_text = json.dumps({"query": "{ probePid }", "variables": json.dumps(variables)}).encode()
    assert refused(as_text)["extensions"]["code"] == "variables_too_large"

    # Under the limits: parsed and run.
    under = "{ probePid } #" + "x" * (QUERY_LIMIT - 100)
    ok = graphql(server, under, {"s": "x" * (VARIABLES_LIMIT - 100)})
    assert ok.status == 200 and ok.json()["data"]["probePid"], ok.body[:300]
    server.stop()
    assert "Traceback" not in server.output

"""The GraphQL rate limit (RATELIMIT_*), through gunicorn: one count for all workers on the
local Redis, 429 with a JSON error over the limit, and the key, method, group, cache
and skip-timeout semantics. In PROD and DEV.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import on_current_stack_only
from production_support import assert_json_error, call, graphql, mode_env, with_probe

REDIS = {"CACHE_BACKEND": "redis", "CACHE_URL": "redis://127.0.0.1:6379/0"}
# A day-long window: a window boundary cannot fall in the middle of a test.
LIMIT = 6
RATE = f"{LIMIT}/d"
# gthread accepts up to worker_connections (1000) connections whatever its threads, so one
# worker could take them all; with one at a time a busy worker leaves the rest to the others.
ONE_AT_A_TIME = ("--worker-connections", "1")


def limited_env(env: dict, mode: str = "PROD", **extra) -> dict:
    # A group of its own per test: Redis keeps counts between tests and runs.
    return with_probe(mode_env(mode, env, RATELIMIT_RATE=RATE,
                               RATELIMIT_GROUP=f"test-{uuid.uuid4().hex}", **extra))


def pids(server, n: int, headers=None, parallel: int = 1) -> tuple[list[int], list]:
    """``n`` GraphQL requests, each on a new connection: the pids that answered, the refusals.

    With ``parallel`` > 1 each request holds its worker a moment, so that the
    requests are spread over the workers: start the server with ``args=ONE_AT_A_TIME``
    and GUNICORN_THREADS=1, or one worker would accept every connection and queue them.
    """
    query = "{ probePid(sleep: %s) }" % (0.3 if parallel > 1 else 0)
    with ThreadPoolExecutor(parallel) as pool:
        replies = list(pool.map(lambda _: graphql(server, query, headers=headers), range(n)))
    answered = [r.json()["data"]["probePid"] for r in replies if r.status == 200]
    return answered, [r for r in replies if r.status != 200]


@pytest.mark.parametrize("mode", ["PROD", "DEV"])
def test_the_count_is_shared_by_all_workers_on_redis(host_env, gunicorn, mode):
    server = gunicorn(limited_env(host_env, mode, GUNICORN_THREADS="1", **REDIS), workers=3,
                      args=ONE_AT_A_TIME)
    answered, refused = pids(server, LIMIT * 3, parallel=3)
    assert len(answered) == LIMIT, answered
    assert len(set(answered)) >= 2, "every request went to one worker; the test proves nothing"
    assert len(refused) == LIMIT * 2
    body = assert_json_error(refused[0], 429, graphql_shape=True)
    assert body["errors"][0]["extensions"]["code"] == "rate_limited"
    assert 1 <= int(refused[0].header("Retry-After")) <= 86400
    # The rest of the host is not limited.
    assert call("GET", server.url + "/health").status == 200


def test_with_the_in_process_cache_each_worker_counts_alone(host_env, gunicorn):
    server = gunicorn(limited_env(host_env, GUNICORN_THREADS="1"), workers=3, args=ONE_AT_A_TIME)
    answered, _ = pids(server, LIMIT * 3, parallel=3)
    assert len(set(answered)) >= 2, "every request went to one worker; the test proves nothing"
    assert len(answered) > LIMIT  # what the check --deploy warning (openimis.W003) is about


def test_method_key_and_group(host_env, gunicorn):
    env = limited_env(host_env, RATELIMIT_METHOD="POST", RATELIMIT_KEY="header:x-client", **REDIS)
    server = gunicorn(env, workers=2)
    # GET is not limited when RATELIMIT_METHOD=POST.
    for _ in range(LIMIT + 2):
        assert call("GET", server.url + "/graphql?query={probePid}").status == 200
    # Each value of the key header has its own count.
    alice, refused_alice = pids(server, LIMIT + 1, {"X-Client": "alice"})
    bob, refused_bob = pids(server, LIMIT + 1, {"X-Client": "bob"})
    assert (len(alice), len(refused_alice), len(bob), len(refused_bob)) == (LIMIT, 1, LIMIT, 1)
    # Another group (another deployment sharing the Redis) has its own count too.
    other = gunicorn({**env, "RATELIMIT_GROUP": f"other-{uuid.uuid4().hex}"}, workers=1)
    assert len(pids(other, 1, {"X-Client": "alice"})[0]) == 1


@pytest.mark.parametrize("skip", [True, False])
def test_an_unreachable_cache_is_skipped_or_refused_as_configured(host_env, gunicorn, skip):
    env = limited_env(host_env, CACHE_BACKEND="redis", CACHE_URL="redis://127.0.0.1:1/0",
                      RATELIMIT_SKIP_TIMEOUT=str(skip).lower())
    server = gunicorn(env, workers=1)
    reply = graphql(server, "{ probePid }")
    if skip:
        assert reply.status == 200
    else:
        body = assert_json_error(reply, 503, graphql_shape=True)
        assert body["errors"][0]["extensions"]["code"] == "rate_limit_unavailable"
    assert "Traceback" not in server.output


@on_current_stack_only("reading the environment")
@pytest.mark.parametrize("variable, value", [
    ("RATELIMIT_RATE", "150 per minute"),
    ("RATELIMIT_KEY", "address"),
    ("RATELIMIT_METHOD", "FETCH"),
    ("RATELIMIT_CACHE", "ratelimit"),
])
def test_a_bad_ratelimit_variable_stops_the_boot(host_env, cli, variable, value):
    result = cli("check", env={**host_env, variable: value})
    assert result.returncode == 2, result.output
    assert result.stderr.startswith(f"openimis-host: {variable}="), result.stderr
    assert "Traceback" not in result.output


def test_ratelimit_enable_false_turns_it_off(host_env, gunicorn):
    server = gunicorn(limited_env(host_env, RATELIMIT_ENABLE="false", **REDIS), workers=1)
    assert len(pids(server, LIMIT + 2)[0]) == LIMIT + 2

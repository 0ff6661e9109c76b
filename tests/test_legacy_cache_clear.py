"""A module's cache.clear() erases only that cache's own keys (issue 15, part 1).

openIMIS's location module calls ``cache.clear()`` on its ``location`` alias in every
createLocation. Legacy stack, PostgreSQL, real Redis (databases 11 and 12, this test's own),
a real backlog of queued mutations on a Redis broker, real gunicorn and a real worker.
"""

from __future__ import annotations

import pytest
import redis
from scheduler_support import wait_for
from test_legacy import logged_in
from test_legacy_async import (  # noqa: F401
    RECEIVED,
    SUCCESS,
    create_region,
    migrate_with_admin,
    mutation_logs,
    procs,
    prod_env,
    regions,
    worker_args,
)
from test_legacy_durability import log_status

from openimis_host.graphql.stack import LEGACY

pytestmark = pytest.mark.skipif(not LEGACY, reason="openIMIS modules need graphene 2 (legacy venv)")

CACHE_DB, BROKER_DB = 11, 12


@pytest.fixture
def redis_env(prod_env):  # noqa: F811 (fixtures)
    """prod_env with the Redis cache in database 11 and the broker in database 12, emptied after."""
    env = {**prod_env, "CACHE_BACKEND": "redis", "CACHE_URL": f"redis://127.0.0.1:6379/{CACHE_DB}",
           "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{BROKER_DB}", "RATELIMIT_RATE": "1000/h"}
    yield env
    for number in (CACHE_DB, BROKER_DB):  # this test's databases: every key is its own
        db = redis.Redis(db=number)
        keys = list(db.scan_iter(count=1000))
        if keys:
            db.delete(*keys)


def counters(db: redis.Redis) -> dict[bytes, int]:
    return {key: int(db.get(key)) for key in db.scan_iter(match="ratelimit:*")}


@pytest.mark.parametrize("any_db_env", ["postgres"], indirect=True)
def test_location_clearing_its_cache_keeps_the_queued_mutations_and_rate_limit_counters(
        redis_env, cli, gunicorn, procs):  # noqa: F811 (fixtures)
    env = redis_env
    migrate_with_admin(cli, env)
    server = gunicorn(env, workers=1)
    client = logged_in(server)
    cache, broker = redis.Redis(db=CACHE_DB), redis.Redis(db=BROKER_DB)
    # Eight createLocation queued while no worker runs: the backlog is in the broker's database.
    codes = [f"C{n}" for n in range(1, 9)]
    sent = []
    for code in codes:
        mutation_id, status, body = create_region(client, code, f"Cached {code}")
        assert status == 200 and "errors" not in body, body
        sent.append(mutation_id)
    assert broker.llen(env["CELERY_QUEUE"]) == 8
    before = counters(cache)
    assert before and max(before.values()) >= 10, before  # the requests so far, counted
    # Keys of the location cache, the default cache, and someone else's, in the cache's database.
    cache.set("loc:1:probe", b"1")
    cache.set(":1:default-probe", b"1")
    cache.set("someone-else:key", b"1")

    worker = procs("worker", *worker_args(env), env=env)
    for mutation_id in sent:  # each ran location's cache.clear() on the 'location' alias
        wait_for(lambda m=mutation_id: log_status(env, m) != RECEIVED, 120,
                 "the queued mutations to run", [worker, server])
        assert mutation_logs(client, mutation_id) == [{"status": SUCCESS, "error": None}]
    assert regions(client) == [(code, f"Cached {code}") for code in codes]

    assert cache.get("loc:1:probe") is None  # location's clear() did clear its own keys
    assert cache.get(":1:default-probe") == b"1" and cache.get("someone-else:key") == b"1"
    after = counters(cache)
    # Not reset: every counter is still there, and has only gone up.
    assert all(after.get(key, -1) >= value for key, value in before.items()), (before, after)


@pytest.mark.parametrize("any_db_env", ["sqlite"], indirect=True)
def test_the_cache_and_the_broker_in_one_redis_database_are_refused_with_a_problem_id(
        prod_env, cli):  # noqa: F811 (fixtures)
    env = {**prod_env, "CACHE_BACKEND": "redis", "CACHE_URL": "redis://127.0.0.1:6379/13",
           "CELERY_BROKER_URL": "redis://localhost/13"}
    refused = cli("check", env=env, timeout=300)
    assert refused.returncode != 0, refused.output
    assert ("CACHE_URL and CELERY_BROKER_URL name the same Redis database (127.0.0.1:6379/13) "
            "[openimis.E023]") in refused.stderr, refused.output
    assert "CELERY_BROKER_URL=redis://127.0.0.1:6379/14" in refused.stderr, refused.output
    assert "Traceback" not in refused.output, refused.output
    # Another database on the same server is fine.
    separate = cli("check", env={**env, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14"},
                   timeout=300)
    assert separate.returncode == 0, separate.output

"""The Celery backend over real RabbitMQ and real Redis: each tick once, across workers and beats.

The same ``ticker`` module as the embedded tests, unchanged. Every test has a
queue of its own, so parallel tests (and leftovers of earlier runs) never
share messages. The database is PostgreSQL, as in a deployment on several machines.
"""

import signal
import time
import uuid

import pytest
from conftest import _psql, clean_environ, on_current_stack_only, pg_available, run_cli
from scheduler_support import (
    SLACK,
    TAKEOVER,
    Procs,
    assert_once_per_tick,
    runs,
    ticker_env,
    wait_for,
)

pytestmark = on_current_stack_only(
    "the Celery backend: Celery, kombu, RabbitMQ, Redis, PostgreSQL")

BROKERS = {
    "rabbitmq": "amqp://guest:guest@127.0.0.1:5672//",
    "redis": "redis://127.0.0.1:6379/0",
}
WORKER = ("celery", "worker", "--concurrency", "2", "--loglevel", "INFO",
          "--without-mingle", "--without-gossip")
BEAT = ("celery", "beat", "--loglevel", "INFO")


@pytest.fixture
def pg_env(tmp_path):
    if not pg_available():
        pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 (run scripts/services)")
    name = f"openimis_test_{uuid.uuid4().hex[:12]}"
    _psql(f'CREATE DATABASE "{name}"')
    yield {**clean_environ(), "DB_NAME": name, "DB_HOST": "127.0.0.1", "DB_PORT": "5432",
           "DB_USER": "postgres"}
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def procs(tmp_path, queue_cleanup):
    # Depends on queue_cleanup so the queues are deleted after every process stopped.
    started = Procs(tmp_path)
    yield started
    started.stop_all()


def celery_env(pg_env, tmp_path, broker: str, tasks: str = "tick") -> dict:
    env = {**ticker_env(pg_env, tmp_path, tasks), "SCHEDULER_BACKEND": "celery",
           "CELERY_BROKER_URL": BROKERS[broker], "CELERY_QUEUE": f"test-{uuid.uuid4().hex[:10]}"}
    result = run_cli("migrate", "-v0", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.output
    return env


def node(env: dict, i: int) -> str:
    """A worker's node name of its own: two workers of one name collide on RabbitMQ's control
    (pidbox) queue, and tests running in parallel on one machine would share ``w1@host``."""
    return f"w{i}-{env['CELERY_QUEUE']}@%h"


@pytest.fixture
def queue_cleanup():
    """Register a test's env; its queue is deleted from the broker afterwards."""
    envs = []
    yield envs.append
    import redis
    from kombu import Connection

    for env in envs:
        url, queue = env["CELERY_BROKER_URL"], env["CELERY_QUEUE"]
        if url.startswith("redis://"):  # kombu's queue_delete leaves Redis keys behind
            redis.Redis.from_url(url).delete(queue, f"_kombu.binding.{queue}",
                                             f"_kombu.binding_permanent.{queue}")
        else:
            with Connection(url) as conn:
                conn.default_channel.queue_delete(queue)


@pytest.mark.parametrize("broker", ["rabbitmq", "redis"])
def test_two_workers_and_two_beats_run_each_tick_once(broker, pg_env, tmp_path, procs,
                                                      queue_cleanup):
    env = celery_env(pg_env, tmp_path, broker)
    queue_cleanup(env)
    workers = [procs(f"worker{i}", *WORKER, "--hostname", node(env, i), env=env) for i in (1, 2)]
    beats = [procs(f"beat{i}", *BEAT, env=env) for i in (1, 2)]
    everyone = workers + beats
    wait_for(lambda: len(runs(env)) >= 3, 60, "the first ticks", everyone)
    start = time.time()
    time.sleep(5)
    window = assert_once_per_tick(env, start, time.time())
    assert len({pid for pid, _ in window}) >= 1

    sending = [b for b in beats if "holds the scheduler lock" in b.output]
    assert len(sending) == 1, "exactly one beat holds the lock"
    waiting = next(b for b in beats if b is not sending[0])
    killed = time.time()
    sending[0].signal(signal.SIGKILL)
    # A tick the dead beat sent just before the kill may still run after it, so the takeover
    # is the moment the waiting beat says it holds the lock, then a tick of its own follows.
    wait_for(lambda: "holds the scheduler lock" in waiting.output, TAKEOVER["postgres"] + SLACK,
             "the waiting beat to take the lock", everyone)
    took = time.time()
    print(f"{broker}: beat SIGKILL takeover after {took - killed:.2f}s")
    after = wait_for(lambda: [r for r in runs(env) if r[1] > took], 30, "a tick of the new holder",
                     everyone)
    resumed = after[0][1]
    time.sleep(4)
    assert_once_per_tick(env, resumed, time.time())


def test_celery_failure_isolation_no_pile_up_and_run_now(pg_env, tmp_path, procs, queue_cleanup,
                                                         cli):
    env = celery_env(pg_env, tmp_path, "redis", tasks="tick,boom,slow")
    queue_cleanup(env)
    workers = [procs(f"worker{i}", *WORKER, "--hostname", node(env, i), env=env) for i in (1, 2)]
    beat = procs("beat", *BEAT, env=env)
    everyone = workers + [beat]
    wait_for(lambda: len(runs(env, "slow-end")) >= 2, 60, "two slow runs", everyone)
    start = time.time()
    time.sleep(3)
    assert_once_per_tick(env, start, time.time())

    # Four pool processes take the slow task's ticks; still only one runs at a time.
    starts, ends = runs(env, "slow-start"), runs(env, "slow-end")
    for (_, began), (_, ended), (_, next_began) in zip(starts, ends, starts[1:], strict=False):
        assert began < ended <= next_began
    assert any("ticker.slow: not started" in w.output for w in workers)

    assert any("RuntimeError: boom from the ticker" in w.output for w in workers)
    listed = {t["id"]: t for t in cli("tasks", "--json", env=env).json()["tasks"]}
    assert listed["ticker.boom"]["last_run"]["outcome"] == "failed"
    assert listed["ticker.tick"]["last_run"]["outcome"] == "succeeded"

    # Run now, in the foreground, on the Celery backend too (with nothing else running it).
    for proc in everyone:
        proc.stop()
    ran = cli("tasks", "run", "ticker.tick", env=env)
    assert ran.returncode == 0, ran.output


def test_broker_problems_are_clear_messages(pg_env, tmp_path, cli):
    env = ticker_env(pg_env, tmp_path)
    assert run_cli("migrate", "-v0", env=env, cwd=tmp_path).returncode == 0
    env["SCHEDULER_BACKEND"] = "celery"

    missing = cli("celery", "worker", env=env)
    assert missing.returncode == 2
    assert "SCHEDULER_BACKEND=celery needs CELERY_BROKER_URL" in missing.stderr

    not_url = cli("celery", "worker", env={**env, "CELERY_BROKER_URL": "rabbitmq"})
    assert not_url.returncode == 2
    assert "CELERY_BROKER_URL='rabbitmq' is not valid: expected a URL" in not_url.stderr

    scheme = cli("celery", "beat", env={**env, "CELERY_BROKER_URL": "rabbit://host//"})
    assert scheme.returncode == 2
    assert "CELERY_BROKER_URL='rabbit://host//' is not valid: No such transport: rabbit" \
        in scheme.stderr

    started = time.monotonic()
    down = cli("celery", "worker", env={**env, "CELERY_BROKER_URL": "amqp://guest:secret@127.0.0.1:1//"})
    assert down.returncode == 2
    assert time.monotonic() - started < 30
    assert "cannot reach the Celery broker at amqp://guest:**@127.0.0.1:1//" in down.stderr
    assert "secret" not in down.stderr and "Traceback" not in down.stderr

    embedded = cli("celery", "worker", env={**env, "SCHEDULER_BACKEND": "embedded"})
    assert embedded.returncode == 2
    assert "set SCHEDULER_BACKEND=celery" in embedded.stderr

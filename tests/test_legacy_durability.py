"""openIMIS core's queued mutations survive a Celery worker killed with kill -9 (issue 15, part 2).

Legacy stack, PostgreSQL, real RabbitMQ, real gunicorn and real `openimis-host celery worker`
processes, as in test_legacy_async.py (whose fixtures these tests use). The worker is caught in
the middle of a mutation by a real lock: the test holds PostgreSQL's SHARE lock on location's
table, so the worker's INSERT waits there, inside its transaction, until the worker is killed.
"""

from __future__ import annotations

import signal
import time

import psycopg
import pytest
from scheduler_support import wait_for
from test_legacy import logged_in
from test_legacy_async import (  # noqa: F401
    ERROR,
    RECEIVED,
    SUCCESS,
    amqp,
    create_region,
    log_id,
    migrate_with_admin,
    mutation_logs,
    procs,
    prod_env,
    regions,
    worker_args,
)

from openimis_host.graphql.stack import LEGACY

pytestmark = pytest.mark.skipif(not LEGACY, reason="openIMIS modules need graphene 2 (legacy venv)")

TASK = "core.tasks.openimis_mutation_async"
LOGS = 'SELECT "id"::text, "status", "error" FROM "core_Mutation_Log" ORDER BY "request_date_time"'


def connect(env: dict) -> psycopg.Connection:
    return psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={env['DB_NAME']}",
                           autocommit=True)


def waiting_on_a_lock(env: dict, table: str) -> bool:
    """Whether a session of the test database is waiting for a lock in a statement on ``table``."""
    with connect(env) as conn:
        return bool(conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
            " AND query LIKE %s", (env["DB_NAME"], f'%"{table}"%')).fetchone()[0])


def log_status(env: dict, client_mutation_id: str) -> int:
    """The log's status, read from the database (polling through GraphQL would meet the rate limit)."""
    with connect(env) as conn:
        return conn.execute('SELECT "status" FROM "core_Mutation_Log" WHERE "client_mutation_id" = %s',
                            (client_mutation_id,)).fetchone()[0]


def logs(env: dict) -> list[tuple[str, int, str | None]]:
    with connect(env) as conn:
        return conn.execute(LOGS).fetchall()


@pytest.mark.parametrize("any_db_env", ["postgres"], indirect=True)
def test_a_worker_killed_mid_mutation_loses_none_and_runs_none_twice(
        prod_env, cli, gunicorn, procs):  # noqa: F811 (fixtures)
    migrate_with_admin(cli, prod_env)
    server = gunicorn(prod_env, workers=1)
    client = logged_in(server)
    # A backlog of ten, queued while no worker runs.
    codes = [f"K{n:02d}" for n in range(1, 11)]
    sent = []
    for code in codes:
        mutation_id, status, body = create_region(client, code, f"Region {code}")
        assert status == 200 and "errors" not in body, body
        sent.append(mutation_id)
    ids = [log_id(client, m) for m in sent]
    assert [status for _, status, _ in logs(prod_env)] == [RECEIVED] * 10

    with connect(prod_env) as held:
        # The fourth log locked by the test: the worker runs three, then waits on the fourth.
        held.execute("BEGIN")
        held.execute('SELECT 1 FROM "core_Mutation_Log" WHERE "id" = %s FOR UPDATE', (ids[3],))
        worker = procs("worker", *worker_args(prod_env), env=prod_env)
        wait_for(lambda: waiting_on_a_lock(prod_env, "core_Mutation_Log"), 120,
                 "the worker to wait for the fourth mutation's log", [worker, server])
        done = [s for _, s, _ in logs(prod_env)]
        assert done == [SUCCESS] * 3 + [RECEIVED] * 7, done
        # Now caught inside the fourth mutation: it has its log, its INSERT waits for the table.
        with connect(prod_env) as table:
            table.execute("BEGIN")
            table.execute('LOCK TABLE "tblLocations" IN SHARE MODE')
            held.execute("ROLLBACK")
            wait_for(lambda: waiting_on_a_lock(prod_env, "tblLocations"), 60,
                     "the worker's INSERT to wait for the table lock", [worker])
            worker.signal(signal.SIGKILL)  # kill -9, the worker and its pool process
            worker.proc.wait(timeout=30)
            table.execute("ROLLBACK")
    assert [s for _, s, _ in logs(prod_env)] == [SUCCESS] * 3 + [RECEIVED] * 7

    restarted = time.monotonic()
    worker = procs("worker-2", *worker_args(prod_env), env=prod_env)
    wait_for(lambda: all(s != RECEIVED for _, s, _ in logs(prod_env)), 120,
             "every mutation log to leave status 0 after the restart", [worker])
    settled = time.monotonic() - restarted
    print(f"all ten logs final {settled:.1f} s after the worker's restart")
    assert [(s, e) for _, s, e in logs(prod_env)] == [(SUCCESS, None)] * 10
    assert regions(client) == [(code, f"Region {code}") for code in codes]  # each once
    assert settled < 60, settled

    # A message delivered again after its mutation committed (a worker killed between the
    # commit and the ack): only its log is looked at, nothing runs twice.
    from celery import Celery

    sender = Celery("redeliver", broker=amqp())
    for mutation in ids:
        sender.send_task(TASK, args=[mutation, "location", "CreateLocationMutation"],
                         queue=prod_env["CELERY_QUEUE"])
    for mutation in ids:
        refused = (f"mutation {mutation} (location.CreateLocationMutation) not run: its "
                   "mutationLog is already at status 2")
        wait_for(lambda refused=refused: refused in worker.output, 60,
                 "the worker to leave the repeated message alone", [worker])
    assert regions(client) == [(code, f"Region {code}") for code in codes]
    assert [(s, e) for _, s, e in logs(prod_env)] == [(SUCCESS, None)] * 10
    assert mutation_logs(client, sent[0]) == [{"status": SUCCESS, "error": None}]


@pytest.mark.parametrize("any_db_env", ["postgres"], indirect=True)
def test_a_mutation_log_pending_past_the_bound_is_failed_unless_a_worker_is_running_it(
        prod_env, cli, gunicorn, procs):  # noqa: F811 (fixtures)
    env = {**prod_env, "MUTATION_PENDING_SECONDS": "3"}
    migrate_with_admin(cli, env)
    server = gunicorn(env, workers=1)
    client = logged_in(server)
    lost, _, body = create_region(client, "L1", "Lost")
    assert "errors" not in body, body
    received = time.monotonic()
    # The message is lost (a queue purged by hand): nothing will ever run it.
    from kombu import Connection

    with Connection(amqp()) as conn:
        assert conn.default_channel.queue_purge(env["CELERY_QUEUE"]) == 1
    running, _, body = create_region(client, "L2", "Running")
    assert "errors" not in body, body

    with connect(env) as table:
        table.execute("BEGIN")
        table.execute('LOCK TABLE "tblLocations" IN SHARE MODE')
        worker = procs("worker", *worker_args(env), env=env)
        wait_for(lambda: waiting_on_a_lock(env, "tblLocations"), 120,
                 "the worker to be inside the second mutation", [worker, server])
        # The host's scheduler runs the reaper every 60 s.
        scheduler = procs("scheduler", "scheduler", env=env)
        wait_for(lambda: log_status(env, lost) != RECEIVED, 3 + 60 + 30,
                 "the reaper to fail the lost mutation", [scheduler])
        reaped = time.monotonic() - received
        print(f"the lost mutation's log failed {reaped:.1f} s after it was received")
        assert "1 mutation log(s) still at status 0 after 3 s marked failed" in scheduler.output
        # Older than the bound too, but a worker holds it: not failed under the worker.
        assert mutation_logs(client, running) == [{"status": RECEIVED, "error": None}]
        table.execute("ROLLBACK")

    [log] = mutation_logs(client, lost)
    assert log["status"] == ERROR, log
    assert log["error"].startswith("not run: still waiting 3 s after it was received "
                                   "(MUTATION_PENDING_SECONDS)"), log
    assert "send the mutation again" in log["error"], log
    # The one the worker was running finishes.
    wait_for(lambda: log_status(env, running) != RECEIVED, 60,
             "the running mutation to finish", [worker])
    assert mutation_logs(client, running) == [{"status": SUCCESS, "error": None}]
    assert regions(client) == [("L2", "Running")]
    # By hand, the same task: nothing left to fail.
    again = cli("tasks", "run", "core.fail_pending_mutations", env=env, timeout=120)
    assert again.returncode == 0 and "marked failed" not in again.output, again.output

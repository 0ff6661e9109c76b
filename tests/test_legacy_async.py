"""openIMIS core's mutations in PROD: queued on real RabbitMQ, run by `openimis-host celery worker`.

Legacy stack only, like test_legacy.py (scripts/test puts the pinned wheels in the directory
OPENIMIS_LEGACY_MODULES names). Real gunicorn with the shipped config, SITE_ROOT=api,
MODE=PROD, and a real worker subprocess. Each test has a queue of its own (CELERY_QUEUE),
deleted afterwards, so parallel runs never take each other's messages. The broker outage is
played by a TCP proxy between gunicorn and RabbitMQ; RabbitMQ itself is never stopped.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from pathlib import Path

import pytest
from production_support import prod
from scheduler_support import Procs, wait_for
from tcp_proxy import TcpProxy
from test_legacy import MODULES_DIR, Client, create_admin, logged_in

from openimis_host.graphql.stack import LEGACY

pytestmark = pytest.mark.skipif(
    not LEGACY, reason="openIMIS modules need graphene 2: scripts/test runs this file in the "
                       "legacy venv (.venv-test-legacy, pip install '.[test,legacy]')")

RABBITMQ = ("127.0.0.1", 5672)
WORKER = ("celery", "worker", "--concurrency", "1", "--loglevel", "INFO",
          "--without-mingle", "--without-gossip")


def worker_args(env: dict) -> tuple[str, ...]:
    """A worker with a node name of its own: two on one machine under one name collide
    (RabbitMQ refuses the second one's exclusive control queue, and it exits)."""
    return (*WORKER, "--hostname", f"{env['CELERY_QUEUE']}@%h")
CREATE = ("mutation($id: String, $code: String!, $name: String!) { createLocation(input: "
          "{clientMutationId: $id, code: $code, name: $name, type: \"R\"}) "
          "{ clientMutationId internalId } }")
LOG = "query($id: String) { mutationLogs(clientMutationId: $id) { edges { node { status error } } } }"
REGIONS = '{ locations(type: "R") { edges { node { code name } } } }'
RECEIVED, ERROR, SUCCESS = 0, 1, 2  # core's MutationLog statuses


def amqp(port: int = RABBITMQ[1]) -> str:
    return f"amqp://guest:guest@127.0.0.1:{port}//"


@pytest.fixture
def prod_env(any_db_env):
    """core, location, medical and medical_pricelist in PROD under SITE_ROOT=api, with a queue of
    its own on RabbitMQ (deleted after the test)."""
    if not MODULES_DIR or not Path(MODULES_DIR, "core").is_dir():
        pytest.fail("OPENIMIS_LEGACY_MODULES must name a directory holding the wheels of "
                    "tests/legacy-requirements.txt (scripts/test installs them)")
    queue = f"test-mutations-{uuid.uuid4().hex[:10]}"
    yield prod({**any_db_env, "PYTHONPATH": MODULES_DIR, "SITE_ROOT": "api",
                "OPENIMIS_MODULES": "core,location,medical,medical_pricelist",
                "CELERY_BROKER_URL": amqp(), "CELERY_QUEUE": queue})
    from kombu import Connection

    with Connection(amqp()) as conn:
        conn.default_channel.queue_delete(queue)


@pytest.fixture
def procs(tmp_path):
    started = Procs(tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def rabbitmq_proxy():
    proxy = TcpProxy(*RABBITMQ)
    yield proxy
    proxy.close()


def migrate_with_admin(cli, env) -> None:
    migrated = cli("migrate", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.output
    create_admin(cli, env)


def create_region(client: Client, code: str, name: str) -> tuple[str, int, dict]:
    """Send createLocation; returns (clientMutationId, HTTP status, body)."""
    mutation_id = str(uuid.uuid4())
    status, body = client.graphql(CREATE, {"id": mutation_id, "code": code, "name": name})
    return mutation_id, status, body


def mutation_logs(client: Client, mutation_id: str) -> list[dict]:
    status, body = client.graphql(LOG, {"id": mutation_id})
    assert status == 200 and "errors" not in body, body
    return [e["node"] for e in body["data"]["mutationLogs"]["edges"]]


def log_id(client: Client, mutation_id: str) -> str:
    """The MutationLog's own id (what the logs name), from its relay id."""
    status, body = client.graphql("query($id: String) { mutationLogs(clientMutationId: $id) "
                                  "{ edges { node { id } } } }", {"id": mutation_id})
    assert status == 200 and "errors" not in body, body
    [edge] = body["data"]["mutationLogs"]["edges"]
    return base64.b64decode(edge["node"]["id"]).decode().split(":", 1)[1]


def settled_log(client: Client, mutation_id: str, procs=(), timeout: float = 60) -> dict:
    """Poll mutationLogs(clientMutationId) until its one log leaves status 0 (received)."""
    deadline = time.monotonic() + timeout
    logs = []
    while time.monotonic() < deadline:
        logs = mutation_logs(client, mutation_id)
        assert len(logs) == 1, logs  # saved before it was queued: never lost, never doubled
        if logs[0]["status"] != RECEIVED:
            return logs[0]
        if any(p.proc.poll() is not None for p in procs):
            break  # the worker (or gunicorn) died: no use waiting
        time.sleep(1)  # well under the GraphQL rate limit (150/m)
    output = "\n".join(f"--- {getattr(p, 'name', 'gunicorn')}\n{p.output[-3000:]}" for p in procs)
    raise AssertionError(f"mutation {mutation_id} still at status 0: {logs}\n{output}")


def regions(client: Client) -> list[tuple[str, str]]:
    status, body = client.graphql(REGIONS)
    assert status == 200 and "errors" not in body, body
    return sorted((e["node"]["code"], e["node"]["name"]) for e in body["data"]["locations"]["edges"])


def test_in_prod_core_mutations_run_on_the_celery_worker_and_their_logs_show_success_or_the_error(
        prod_env, cli, gunicorn, procs):
    migrate_with_admin(cli, prod_env)
    worker = procs("worker", *worker_args(prod_env), env=prod_env)
    server = gunicorn(prod_env, workers=1)
    client = logged_in(server)

    mutation_id, status, body = create_region(client, "R9", "Queued Region")
    assert status == 200 and "errors" not in body, body
    assert body["data"]["createLocation"]["clientMutationId"] == mutation_id
    log = settled_log(client, mutation_id, [worker, server])
    assert log == {"status": SUCCESS, "error": None}, log
    assert regions(client) == [("R9", "Queued Region")]
    # The worker ran it (gunicorn only queued it): Celery logs each task it receives.
    assert "Task core.tasks.openimis_mutation_async[" in worker.output, worker.output[-3000:]

    # The same code again: location's async_mutate raises in the worker; core records the error.
    mutation_id, status, body = create_region(client, "R9", "Twice")
    assert status == 200 and "errors" not in body, body
    log = settled_log(client, mutation_id, [worker, server])
    assert log["status"] == ERROR, log
    assert "Location with this code already exists." in log["error"], log
    assert "ValidationError" in worker.output  # Celery's own record of the task that raised
    assert regions(client) == [("R9", "Queued Region")]


@pytest.mark.parametrize("any_db_env", ["sqlite"], indirect=True)
def test_a_broker_down_when_a_mutation_is_sent_is_a_clear_error_and_a_failed_mutation_log(
        prod_env, cli, gunicorn, procs, rabbitmq_proxy):
    migrate_with_admin(cli, prod_env)
    worker = procs("worker", *worker_args(prod_env), env=prod_env)  # straight to RabbitMQ
    served = {**prod_env, "CELERY_BROKER_URL": amqp(rabbitmq_proxy.port)}  # through the proxy
    server = gunicorn(served, workers=1)
    client = logged_in(server)
    mutation_id, _, body = create_region(client, "R1", "Before")
    assert "errors" not in body, body
    assert settled_log(client, mutation_id, [worker, server])["status"] == SUCCESS

    assert rabbitmq_proxy.connections >= 1  # gunicorn's connection, open and in the pool
    rabbitmq_proxy.cut()  # the broker goes away under gunicorn's open connection
    wait_for(lambda: rabbitmq_proxy.connections == 0, 30, "the proxy to cut its connections")
    mutation_id, status, body = create_region(client, "R2", "While down")
    text = json.dumps(body)
    assert status == 200 and body["data"]["createLocation"] is None, body
    [error] = body["errors"]
    assert error["message"].startswith("createLocation was not run: task "
                                       "core.tasks.openimis_mutation_async was not sent: the "
                                       f"Celery broker at amqp://guest:**@127.0.0.1:"
                                       f"{rabbitmq_proxy.port}// cannot be reached"), error
    assert "send the mutation again once the broker is back" in error["message"], error
    assert "internal server error" not in text and "Traceback" not in text, body
    # Not lost silently: its log says it failed, and why.
    log = settled_log(client, mutation_id)
    assert log["status"] == ERROR and "was not sent: the Celery broker at" in log["error"], log
    # The operator's log: one line with the reason, not a traceback per mutation.
    assert re.search(r"ERROR core.schema: Exception while processing mutation id [0-9a-f-]+: task "
                     r"core.tasks.openimis_mutation_async was not sent: the Celery broker at ",
                     server.output), server.output[-3000:]
    assert "Traceback" not in server.output, server.output[-3000:]

    rabbitmq_proxy.restore()  # back: the next mutation is queued and run, no restart needed
    mutation_id, _, body = create_region(client, "R3", "After")
    assert "errors" not in body, body
    assert settled_log(client, mutation_id, [worker, server])["status"] == SUCCESS

    # A frozen broker (it takes the bytes, never answers): the send gives up, it does not hang.
    rabbitmq_proxy.freeze()
    started = time.monotonic()
    frozen_id, status, body = create_region(client, "R4", "While frozen")
    assert time.monotonic() - started < 45, "the send is bounded (about 17 s)"
    assert status == 200 and body["data"]["createLocation"] is None, body
    assert "cannot be reached (timed out)" in body["errors"][0]["message"], body
    assert settled_log(client, frozen_id)["status"] == ERROR
    # When it wakes up, the message it was holding reaches the worker, which does not run it:
    # the client was told it had not been run.
    frozen_log = log_id(client, frozen_id)
    rabbitmq_proxy.restore()
    wait_for(lambda: f"mutation {frozen_log} " in worker.output, 60,
             "the worker to refuse the late message", [worker])
    assert "not run: its mutationLog is already at status 1" in worker.output
    mutation_id, _, body = create_region(client, "R5", "Woken")
    assert settled_log(client, mutation_id, [worker, server])["status"] == SUCCESS
    assert settled_log(client, frozen_id)["status"] == ERROR
    assert regions(client) == [("R1", "Before"), ("R3", "After"), ("R5", "Woken")]


@pytest.mark.parametrize("any_db_env", ["sqlite"], indirect=True)
def test_prod_without_a_broker_runs_mutations_in_the_request_with_a_warning(prod_env, cli, gunicorn):
    env = {k: v for k, v in prod_env.items() if k not in ("CELERY_BROKER_URL", "CELERY_QUEUE")}
    migrate_with_admin(cli, env)

    checked = cli("check", "--deploy", env=env, timeout=300)
    assert checked.returncode != 0, checked.output
    assert ("openimis.W004" in checked.output and "MODE=PROD without CELERY_BROKER_URL" in
            checked.output), checked.output
    assert "openimis.W004" not in cli("check", "--deploy", env={**env, "ASYNC": "false"},
                                      timeout=300).output

    # Asking for queued mutations with nowhere to queue them stops the boot, saying what to set.
    refused = cli("check", env={**env, "ASYNC": "true"}, timeout=300)
    assert refused.returncode != 0
    assert "ASYNC=true but CELERY_BROKER_URL is not set" in refused.stderr, refused.output
    assert "Traceback" not in refused.output, refused.output
    # And a worker has nothing to run.
    worker = cli("celery", "worker", env=env, timeout=300)
    assert worker.returncode != 0 and "SCHEDULER_BACKEND is not celery" in worker.stderr, worker.output

    server = gunicorn(env, workers=1)
    assert "MODE=PROD without CELERY_BROKER_URL" in server.output
    client = logged_in(server)
    mutation_id, status, body = create_region(client, "R5", "In the request")
    assert status == 200 and "errors" not in body, body
    # Run before the answer: the first look finds it done.
    assert mutation_logs(client, mutation_id) == [{"status": SUCCESS, "error": None}]
    assert regions(client) == [("R5", "In the request")]

"""``openimis-host start``, the container entrypoint: wait for the database, migrate
under a lock (replicas start together), then gunicorn with the shipped config."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

import pytest
from conftest import BIN, free_port, http, on_current_stack_only
from tcp_proxy import TcpProxy

pytestmark = on_current_stack_only(
    "the entrypoint: the database wait, the migration lock, gunicorn")


class Started:
    """An ``openimis-host start`` process (gunicorn once it has exec'd) on its own port."""

    def __init__(self, env: dict, cwd, name: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = cwd / f"start-{name}.log"
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "1",
               "GUNICORN_THREADS": "4", "GUNICORN_ACCESS_LOG": ""}
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([str(BIN / "openimis-host"), "start"], env=env, cwd=cwd,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def serving(self, timeout: float = 240) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                if http("GET", self.url + "/health", timeout=5).status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.5)
        return False

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture
def start(tmp_path):
    started = []

    def run(env: dict, name: str) -> Started:
        process = Started(env, tmp_path, name)
        started.append(process)
        return process

    yield run
    for process in started:
        process.stop()


def pg_env(host_env: dict, name: str, port: int = 5432) -> dict:
    return {**host_env, "DB_NAME": name, "DB_HOST": "127.0.0.1", "DB_PORT": str(port),
            "DB_USER": "postgres"}


def test_three_replicas_started_together_on_one_empty_database_all_migrate_and_serve(
        start, host_env, pg_name):
    env = {**pg_env(host_env, pg_name), "DJANGO_MIGRATE": "true"}
    replicas = [start(env, f"replica{i}") for i in range(3)]
    up = [r.serving() for r in replicas]
    assert all(up), "\n\n".join(f"--- replica {i} (exit {r.proc.poll()}):\n{r.output[-3000:]}"
                                for i, r in enumerate(replicas))
    logs = [r.output for r in replicas]
    # Exactly one replica applied the migrations; the others waited for it or found none to do.
    applied = [log for log in logs if "Applying openimis_host.0001_initial... OK" in log]
    assert len(applied) == 1, logs
    assert all("Traceback" not in log for log in logs), logs
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={pg_name}") as conn:
        rows = conn.execute("SELECT app, name, count(*) FROM django_migrations "
                            "GROUP BY app, name HAVING count(*) > 1").fetchall()
    assert rows == []
    # Each replica is a gunicorn master that serves with the shipped config (one worker each).
    for replica in replicas:
        assert "Using worker: openimis_host.server.worker.HeaderDeadlineWorker" in replica.output


def test_start_gives_up_after_db_wait_seconds_in_one_line_naming_host_and_port(start, host_env):
    closed = free_port()  # nothing listens there
    began = time.monotonic()
    process = start({**pg_env(host_env, "openimis", closed), "DB_WAIT_SECONDS": "3"}, "nodb")
    assert process.proc.wait(timeout=60) == 2
    took = time.monotonic() - began
    errors = [line for line in process.output.splitlines() if line.startswith("openimis-host: ")]
    assert len(errors) == 1, process.output
    assert f"127.0.0.1:{closed}" in errors[0] and "within 3 s (DB_WAIT_SECONDS)" in errors[0]
    assert "Traceback" not in process.output
    assert 3 <= took < 30, took


def test_start_waits_for_a_database_that_comes_up_later_then_serves(start, host_env, pg_name):
    with TcpProxy("127.0.0.1", 5432) as proxy:
        proxy.cut()  # every connection is closed at once, as while the server starts
        process = start({**pg_env(host_env, pg_name, proxy.port), "DB_WAIT_SECONDS": "120",
                         "DJANGO_MIGRATE": "true"}, "late")
        deadline = time.monotonic() + 60
        while "waiting up to 120 s" not in process.output and time.monotonic() < deadline:
            time.sleep(0.2)
        assert f"PostgreSQL at 127.0.0.1:{proxy.port}" in process.output, process.output
        threading.Timer(2, proxy.restore).start()
        assert process.serving(), process.output
        assert "is up" in process.output


def test_start_refuses_a_database_that_does_not_exist_at_once(start, host_env):
    process = start({**pg_env(host_env, "openimis_no_such_database_here"),
                     "DB_WAIT_SECONDS": "120"}, "missing")
    assert process.proc.wait(timeout=60) == 2
    assert "does not exist" in process.output and "createdb" in process.output
    assert "Traceback" not in process.output

"""The embedded scheduler: each tick runs once, whoever runs the scheduler, and outlives its holder.

Real processes throughout: gunicorn workers with SCHEDULER_AUTOSTART, and
``openimis-host scheduler`` processes, on SQLite (a lease row) and on
PostgreSQL (an advisory lock). The ``ticker`` module's one-second task logs
each run with its pid, so the tests count runs per tick.
"""

import json
import os
import signal
import time

import pytest
from conftest import on_current_stack_only, run_cli
from scheduler_support import (
    RETRY,
    SLACK,
    TAKEOVER,
    Procs,
    assert_once_per_tick,
    holder,
    runs,
    ticker_env,
    wait_for,
)

pytestmark = on_current_stack_only(
    "the embedded scheduler: APScheduler, its lock on SQLite and PostgreSQL, processes")


@pytest.fixture
def procs(tmp_path):
    started = Procs(tmp_path)
    yield started
    started.stop_all()


def migrate(env, cwd):
    result = run_cli("migrate", "-v0", env=env, cwd=cwd)
    assert result.returncode == 0, result.output


def db_kind(env) -> str:
    return "postgres" if "DB_NAME" in env else "sqlite"


def test_four_gunicorn_workers_with_autostart_run_each_tick_once(any_db_env, tmp_path, gunicorn):
    env = {**ticker_env(any_db_env, tmp_path), "SCHEDULER_AUTOSTART": "true",
           "DJANGO_MIGRATE": "true"}
    server = gunicorn(env, workers=4)
    wait_for(lambda: len(runs(env)) >= 2, 30, "the first ticks")
    start = time.time()
    time.sleep(5)
    window = assert_once_per_tick(env, start, time.time())
    assert len({pid for pid, _ in window}) == 1, "one worker runs the tasks"

    victim = holder(env)
    killed = time.time()
    os.kill(victim, signal.SIGKILL)
    after = wait_for(lambda: [r for r in runs(env) if r[1] > killed], 30, "a tick after the kill")
    assert after[0][0] != victim
    gap = after[0][1] - killed
    print(f"{db_kind(env)}: gunicorn worker SIGKILL takeover after {gap:.2f}s")
    assert gap <= TAKEOVER[db_kind(env)] + SLACK, f"took over after {gap:.1f}s"
    resumed = after[0][1]
    time.sleep(4)
    assert_once_per_tick(env, resumed, time.time())
    assert server.proc.poll() is None


def test_two_scheduler_processes_run_each_tick_once_and_hand_over(any_db_env, tmp_path, procs):
    env = ticker_env(any_db_env, tmp_path)
    migrate(env, tmp_path)
    first, second = procs("a", "scheduler", env=env), procs("b", "scheduler", env=env)
    wait_for(lambda: len(runs(env)) >= 2, 30, "the first ticks", [first, second])
    start = time.time()
    time.sleep(5)
    assert_once_per_tick(env, start, time.time())

    # SIGKILL: nothing is handed over; the other process takes over within the bound.
    victim = procs.by_pid(holder(env))
    other = second if victim is first else first
    killed = time.time()
    victim.signal(signal.SIGKILL)
    after = wait_for(lambda: [r for r in runs(env) if r[1] > killed], 30, "a tick after the kill",
                     [other])
    assert after[0][0] == other.pid
    print(f"{db_kind(env)}: SIGKILL takeover after {after[0][1] - killed:.2f}s")
    assert after[0][1] - killed <= TAKEOVER[db_kind(env)] + SLACK
    assert "holds the scheduler lock" in other.output

    # SIGTERM: the holder gives the lock up as it stops; a waiting process takes it at once.
    third = procs("c", "scheduler", env=env)
    wait_for(lambda: "waiting for the scheduler lock" in third.output, 30, "c to start", [third])
    time.sleep(1)
    stopped = time.time()
    other.signal(signal.SIGTERM)
    assert other.proc.wait(15) == 0
    after = wait_for(lambda: [r for r in runs(env) if r[1] > stopped and r[0] == third.pid], 30,
                     "c to take over", [third])
    print(f"{db_kind(env)}: SIGTERM handover after {after[0][1] - stopped:.2f}s")
    assert after[0][1] - stopped <= RETRY + 1 + SLACK
    resumed = after[0][1]
    time.sleep(3)
    assert_once_per_tick(env, resumed, time.time())


def test_a_scheduler_process_and_autostarting_workers_share_the_lock(host_env, tmp_path, procs,
                                                                     gunicorn):
    env = ticker_env(host_env, tmp_path)
    migrate(env, tmp_path)
    scheduler = procs("scheduler", "scheduler", env=env)
    gunicorn({**env, "SCHEDULER_AUTOSTART": "true"}, workers=2)
    wait_for(lambda: len(runs(env)) >= 2, 30, "the first ticks", [scheduler])
    start = time.time()
    time.sleep(5)
    assert_once_per_tick(env, start, time.time())


def test_a_failing_task_is_recorded_and_the_others_go_on_without_piling_up(host_env, tmp_path,
                                                                           procs, gunicorn, cli):
    env = ticker_env(host_env, tmp_path, tasks="tick,boom,slow")
    migrate(env, tmp_path)
    scheduler = procs("scheduler", "scheduler", env=env)
    # "False" is false: these workers serve health but run no task.
    server = gunicorn({**env, "SCHEDULER_AUTOSTART": "False"}, workers=2)
    wait_for(lambda: len(runs(env, "slow-end")) >= 2, 30, "two slow runs", [scheduler])
    start = time.time()
    time.sleep(3)
    assert_once_per_tick(env, start, time.time())
    assert {pid for pid, _ in runs(env)} == {scheduler.pid}

    # The slow task (2.5s, every second) never overlaps itself.
    starts, ends = runs(env, "slow-start"), runs(env, "slow-end")
    for (_, began), (_, ended), (_, next_began) in zip(starts, ends, starts[1:], strict=False):
        assert began < ended <= next_began
    assert "maximum number of running instances reached" in scheduler.output

    # The failing task: logged with its traceback, recorded as failed, every tick.
    assert "Traceback" in scheduler.output
    assert "RuntimeError: boom from the ticker" in scheduler.output

    def between_runs():
        # boom and tick run every second: a listing may come while one of them is under way
        # (its last run "running"; seen on a loaded machine), so list again until neither is.
        listed = {t["id"]: t for t in cli("tasks", "--json", env=env).json()["tasks"]}
        running = [i for i in ("ticker.boom", "ticker.tick")
                   if listed[i]["last_run"]["outcome"] == "running"]
        return None if running else listed

    listed = wait_for(between_runs, 30, "a listing between two runs of boom and tick", [scheduler])
    assert listed["ticker.boom"]["last_run"]["outcome"] == "failed"
    assert "RuntimeError: boom from the ticker" in listed["ticker.boom"]["last_run"]["error"]
    assert listed["ticker.tick"]["last_run"]["outcome"] == "succeeded"
    assert listed["ticker.tick"]["last_run"]["runner"].endswith(f"pid {scheduler.pid}")

    health = server.get("/health")
    assert health.status == 503
    assert "tasks failed on their last run: ticker.boom" in health.json()["problems"]
    tasks = {t["id"]: t for t in health.json()["tasks"]}
    assert tasks["ticker.boom"]["error"] == "RuntimeError: boom from the ticker"
    assert tasks["ticker.tick"]["outcome"] == "succeeded"
    # Readiness shows the failed task but stays 200: a probe must not restart the web over it.
    ready = server.get("/health/ready")
    assert ready.status == 200, ready.body
    assert ready.json()["warnings"] == ["tasks"]
    assert [t["id"] for t in ready.json()["tasks"]] == ["ticker.boom"]


def test_tasks_lists_every_task_with_schedule_next_and_last_run(host_env, tmp_path, cli):
    migrate(host_env, tmp_path)  # the example modules: insuree every 30s, claim hourly
    before = cli("tasks", "--json", env=host_env)
    assert before.returncode == 0, before.output
    tasks = {t["id"]: t for t in before.json()["tasks"]}
    assert tasks["insuree.count_insurees"]["module"] == "insuree"
    assert tasks["insuree.count_insurees"]["schedule"] == "every 30s"
    assert tasks["claim.close_stale_claims"]["schedule"] == "cron 0 * * * *"
    assert tasks["claim.close_stale_claims"]["next_run"].endswith(":00:00+00:00")
    assert tasks["insuree.count_insurees"]["next_run"][17:19] in ("00", "30")
    assert tasks["insuree.count_insurees"]["last_run"] is None

    ran = cli("tasks", "run", "insuree.count_insurees", env=host_env)
    assert ran.returncode == 0, ran.output
    assert "insuree.count_insurees: succeeded" in ran.stdout

    table = cli("tasks", env=host_env)
    header, *rows = table.stdout.splitlines()
    assert header.split() == ["MODULE", "TASK", "SCHEDULE", "NEXT", "RUN", "LAST", "RUN", "OUTCOME"]
    row = next(r for r in rows if "insuree.count_insurees" in r)
    assert row.split()[0] == "insuree" and row.split()[-1] == "succeeded"
    last = {t["id"]: t for t in cli("tasks", "--json", env=host_env).json()["tasks"]}
    assert last["insuree.count_insurees"]["last_run"]["trigger"] == "manual"


def test_tasks_run_exits_with_the_task_status(host_env, tmp_path, cli):
    env = ticker_env(host_env, tmp_path, tasks="tick,boom")
    migrate(env, tmp_path)
    ok = cli("tasks", "run", "ticker.tick", env=env)
    assert ok.returncode == 0, ok.output
    assert len(runs(env)) == 1

    failed = cli("tasks", "run", "ticker.boom", env=env)
    assert failed.returncode == 1
    assert "Traceback" in failed.stderr and "RuntimeError: boom from the ticker" in failed.stderr
    assert "ticker.boom: failed" in failed.stderr
    table = cli("tasks", env=env).stdout
    assert "ticker.boom: failed: RuntimeError: boom from the ticker" in table

    unknown = cli("tasks", "run", "ticker.nope", env=env)
    assert unknown.returncode == 2
    assert "no task 'ticker.nope'; tasks: ticker.tick, ticker.boom" in unknown.stderr


def test_run_now_never_overlaps_a_running_instance(host_env, tmp_path, cli,
                                                                        procs):
    # The scheduler's run goes on until the test releases it: `tasks run` starts while it goes
    # on however long the command takes to boot (a fixed 10 s run ended first on a busy machine).
    release = tmp_path / "release-slow"
    env = {**ticker_env(host_env, tmp_path, tasks="slow"), "TICKER_SLOW_UNTIL": str(release)}
    migrate(env, tmp_path)
    procs("scheduler", "scheduler", env=env)
    wait_for(lambda: len(runs(env, "slow-start")) > len(runs(env, "slow-end")), 30,
             "a slow run to be going")
    busy = cli("tasks", "run", "ticker.slow", env=env)
    assert len(runs(env, "slow-end")) == 0, "the scheduler's run was still going"
    release.touch()
    assert busy.returncode == 1, busy.output
    assert "ticker.slow: not started: it is already running (max_instances=1)" in busy.stderr


@pytest.mark.parametrize("task, message", [
    ("badcron", "task 'ticker.badcron': cron '61 * * * *' is not valid"),
    ("noimport", "task 'ticker.noimport': func 'ticker_mod.nowhere.tick' cannot be imported"),
])
def test_a_task_that_cannot_be_scheduled_is_reported_at_boot(host_env, tmp_path, cli, task,
                                                              message):
    env = ticker_env(host_env, tmp_path, tasks=f"tick,{task}")
    for command in (["tasks"], ["scheduler"]):
        result = cli(*command, env=env, timeout=60)
        assert result.returncode == 2
        assert message in result.stderr and "module 'ticker'" in result.stderr
        assert "Traceback" not in result.stderr
    skipped = cli("tasks", "--json", env={**env, "OPENIMIS_MODULE_ERRORS": "skip"})
    assert skipped.returncode == 0
    assert skipped.json()["tasks"] == []
    modules = cli("modules", "--json", env=env).json()["modules"]
    assert message in next(m for m in modules if m["name"] == "ticker")["error"]


def test_scheduler_configuration_errors_are_one_line(host_env, tmp_path, cli):
    bad_backend = cli("tasks", env={**host_env, "SCHEDULER_BACKEND": "cron"})
    assert bad_backend.returncode == 2
    assert bad_backend.stderr.strip() == ("openimis-host: SCHEDULER_BACKEND='cron' is not valid: "
                                          "expected one of embedded, celery")
    autostart = cli("tasks", env={**host_env, "SCHEDULER_AUTOSTART": "maybe"})
    assert autostart.returncode == 2 and "SCHEDULER_AUTOSTART='maybe'" in autostart.stderr
    lock = cli("tasks", env={**host_env, "SCHEDULER_LOCK_SECONDS": "1"})
    assert lock.returncode == 2 and "SCHEDULER_LOCK_SECONDS=1 is not valid" in lock.stderr

    unmigrated = cli("scheduler", env=host_env)
    assert unmigrated.returncode == 2
    assert "run `openimis-host migrate` first" in unmigrated.stderr
    assert "Traceback" not in unmigrated.stderr

    celery = {**host_env, "SCHEDULER_BACKEND": "celery", "CELERY_BROKER_URL": "redis://127.0.0.1/0"}
    on_celery = cli("scheduler", env=celery)
    assert on_celery.returncode == 2
    assert "start `openimis-host celery beat` and `openimis-host celery worker`" in on_celery.stderr
    both = cli("tasks", env={**celery, "SCHEDULER_AUTOSTART": "true"})
    assert both.returncode == 2 and "unset SCHEDULER_AUTOSTART" in both.stderr


def test_tasks_json_is_valid_without_history(host_env, cli):
    # Before `migrate`: the tasks are listed, with a note instead of their history.
    result = cli("tasks", "--json", env=host_env)
    assert result.returncode == 0
    assert json.loads(result.stdout)["tasks"]
    assert "openimis-host migrate" in result.stderr


def test_the_scheduler_and_tasks_work_with_use_tz_false(any_db_env, tmp_path, procs, cli):
    # openIMIS runs with USE_TZ=False: naive times in the database, aware ones in the triggers.
    env = {**ticker_env(any_db_env, tmp_path), "USE_TZ": "false"}
    migrate(env, tmp_path)
    scheduler = procs("a", "scheduler", env=env)
    wait_for(lambda: len(runs(env)) >= 2, 30, "two ticks with USE_TZ=false", [scheduler])
    listed = cli("tasks", "--json", env=env)
    assert listed.returncode == 0, listed.output
    tick = {t["id"]: t for t in listed.json()["tasks"]}["ticker.tick"]
    assert tick["next_run"] and tick["last_run"]["outcome"] == "succeeded", tick
    table = cli("tasks", env=env)
    assert table.returncode == 0, table.output
    row = next(r for r in table.stdout.splitlines() if "ticker.tick" in r)
    assert row.split()[-1] == "succeeded"
    assert "offset-naive" not in scheduler.output + table.output

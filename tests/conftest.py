"""Fixtures that drive the host through its real surfaces.

- ``cli``: the ``openimis-host`` console script as a subprocess.
- ``gunicorn``: a real gunicorn (with the shipped config) on a free loopback port.
- ``dist``: a throwaway module distribution, really built and pip-installed
  (``pip install --target``) into its own directory, put on PYTHONPATH per test.
- ``host_env``: a clean environment for one host, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from openimis_host.graphql.stack import LEGACY

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Variables a developer's shell may carry that would change what a test host does.
HOST_VARS = ("MODE", "SITE_ROOT", "SECRET_KEY", "NO_DATABASE", "SCHEDULER_AUTOSTART",
             "DJANGO_MIGRATE", "DJANGO_SETTINGS_MODULE", "PYTHONPATH", "WEB_CONCURRENCY")


def clean_environ() -> dict:
    return {k: v for k, v in os.environ.items()
            if not (k.startswith(("OPENIMIS_", "DB_", "RATELIMIT_", "CACHE_", "JWT_",
                                  "SCHEDULER_", "CELERY_"))
                    or k in HOST_VARS)}


#: Files whose tests are the longest (minutes of pip, openIMIS's migrations, scheduler
#: windows of seconds), started first: in collection order they came last (alphabetical),
#: so one xdist worker ended the run on them while the other had nothing left to do.
SLOW_FIRST = ("test_deploy.py", "test_serve_script.py", "test_module_suites.py",
              "test_legacy_sql_objects.py",
              "test_legacy_distribution.py", "test_legacy_errors.py",
              "test_legacy_login_required.py", "test_legacy_frontend.py", "test_legacy.py",
              "test_scheduler.py", "test_scheduler_celery.py", "test_faults.py")


def pytest_collection_modifyitems(items):
    """Start the files of SLOW_FIRST first; the rest keep their order (a stable sort, the
    same in every xdist worker, as xdist requires)."""
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def on_current_stack_only(exercises: str) -> pytest.MarkDecorator:
    """Mark a test file (``pytestmark = ...``), a test function (a decorator) or a
    parameter (``pytest.param(..., marks=...)``) that runs on the current stack only.

    For tests that exercise no GraphQL, no login (axes, JWT) and no openIMIS module, and
    no package that differs between .venv-test and .venv-test-legacy: on the legacy stack
    they would run the very same code a second time (scripts/test runs both). ``exercises``
    names what they exercise instead: the judgment, written down where it applies.
    tests/fast/test_one_stack.py checks that marked files and functions stay clear of the
    stack's parts (stack_parts.py); a parameter is marked from its own text.
    """
    return pytest.mark.skipif(
        LEGACY, reason=f"the same code on both stacks ({exercises}): the current stack's run")


def pg_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture
def host_env(tmp_path):
    """Environment for a host on SQLite in tmp_path; tests add their own variables."""
    return {**clean_environ(), "SQLITE_PATH": str(tmp_path / "db.sqlite3")}


@pytest.fixture(params=["sqlite", "postgres"])
def any_db_env(request, tmp_path):
    """host_env, once on SQLite and once on a fresh PostgreSQL database."""
    env = {**clean_environ(), "SQLITE_PATH": str(tmp_path / "db.sqlite3")}
    if request.param == "postgres":
        if not pg_available():
            pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 (run scripts/services)")
        name = f"openimis_test_{uuid.uuid4().hex[:12]}"
        _psql(f'CREATE DATABASE "{name}"')
        env.update(DB_NAME=name, DB_HOST="127.0.0.1", DB_PORT="5432", DB_USER="postgres")
        yield env
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield env


@pytest.fixture
def pg_name():
    """A fresh PostgreSQL database, dropped after the test."""
    name = f"openimis_faults_{uuid.uuid4().hex[:12]}"
    _psql(f'CREATE DATABASE "{name}"')
    yield name
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres",
                         autocommit=True) as conn:
        conn.execute(sql)


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self):
        return json.loads(self.stdout)


def run_cli(*args, env: dict, cwd=None, timeout: float = 120) -> Result:
    proc = subprocess.run([str(BIN / "openimis-host"), *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli(tmp_path):
    """Run ``openimis-host ARGS`` with ``env`` in tmp_path; returns a Result."""
    def run(*args, env: dict, timeout: float = 120) -> Result:
        return run_cli(*args, env=env, cwd=tmp_path, timeout=timeout)
    run.cwd = tmp_path  # where the commands run (migrated_db reads its .env)
    return run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


def http(method: str, url: str, body=None, headers: dict | None = None,
         timeout: float = 30) -> Response:
    data = body
    headers = dict(headers or {})
    if body is not None and not isinstance(body, (bytes, str)):
        data = json.dumps(body)
        headers.setdefault("Content-Type", "application/json")
    if isinstance(data, str):
        data = data.encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return Response(resp.status, dict(resp.headers), resp.read())
    except urllib.error.HTTPError as err:
        return Response(err.code, dict(err.headers), err.read())


class Gunicorn:
    """A gunicorn master started with the shipped config; ``url`` is its base URL."""

    def __init__(self, env: dict, cwd: Path, workers: int = 2, args=()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = cwd / f"gunicorn-{self.port}.log"
        env = {**env, "WEB_CONCURRENCY": str(workers), "GUNICORN_ACCESS_LOG": ""}
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", "python:openimis_host.server.gunicorn_conf",
                 "--bind", f"127.0.0.1:{self.port}", *args],
                env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self, timeout: float = 60) -> Gunicorn:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.output}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not listen within {timeout}s:\n{self.output}")

    def exit_code(self, timeout: float = 60) -> int:
        """Wait for the master to exit by itself (e.g. a boot error) and return its code."""
        return self.proc.wait(timeout=timeout)

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def get(self, path: str, **kw) -> Response:
        return http("GET", self.url + path, **kw)

    def post(self, path: str, body=None, **kw) -> Response:
        return http("POST", self.url + path, body, **kw)

    def graphql(self, query: str, variables=None, **kw) -> Response:
        return self.post("/graphql", {"query": query, "variables": variables or {}}, **kw)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture
def gunicorn(tmp_path):
    """Start gunicorn: ``gunicorn(env, workers=2, wait=True)``; stopped after the test."""
    started = []

    def start(env: dict, workers: int = 2, wait: bool = True, args=()) -> Gunicorn:
        server = Gunicorn(env, tmp_path, workers, args)
        started.append(server)
        return server.wait() if wait else server

    yield start
    for server in started:
        server.stop()


# --- throwaway distributions -------------------------------------------------

_DIST_CACHE = Path(os.environ.get("OPENIMIS_TEST_DISTS", "/tmp/openimis-test-dists"))


def build_dist(name: str, version: str, files: dict[str, str], *, module: str | None = None,
               entry_point: str | None = None, requires: tuple[str, ...] = (),
               extra_entry_points: dict[str, str] | None = None,
               providers: dict[str, str] | None = None) -> Path:
    """Build and pip-install a module distribution into its own directory; return the directory.

    ``files`` maps paths (relative to the project) to source text. The entry
    point is ``module = entry_point`` in group openimis.modules; ``providers``
    are entry points in openimis.module_providers. Installs are cached by
    content, so repeated runs cost nothing.
    """
    eps = dict(extra_entry_points or {})
    if module:
        eps[module] = entry_point
    deps = ", ".join(json.dumps(r) for r in requires)
    packages = sorted({p.split("/")[0] for p in files if "/" in p})
    pyproject = textwrap.dedent(f"""\
        [build-system]
        requires = ["setuptools>=68"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "{name}"
        version = "{version}"
        dependencies = [{deps}]

        [project.entry-points."openimis.modules"]
        """) + "".join(f'{k} = "{v}"\n' for k, v in eps.items()) + (
        '\n[project.entry-points."openimis.module_providers"]\n'
        + "".join(f'{k} = "{v}"\n' for k, v in providers.items()) if providers else "") + textwrap.dedent(f"""
        [tool.setuptools]
        packages = {json.dumps(packages)}
        """)
    all_files = {"pyproject.toml": pyproject, **{k: textwrap.dedent(v) for k, v in files.items()}}
    digest = hashlib.sha256(json.dumps(all_files, sort_keys=True).encode()).hexdigest()[:16]
    target = _DIST_CACHE / f"{name}-{digest}"
    if (target / ".done").exists():
        return target
    source = _DIST_CACHE / f"src-{name}-{digest}-{os.getpid()}"
    shutil.rmtree(source, ignore_errors=True)
    for rel, text in all_files.items():
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        (source / rel).write_text(text)
    staging = Path(f"{target}.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "--no-deps", "--no-build-isolation", "--target", str(staging), str(source)],
                   check=True, capture_output=True)
    (staging / ".done").touch()
    try:
        staging.rename(target)
    except OSError:  # another test process built it meanwhile
        shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(source, ignore_errors=True)
    return target


def with_dists(env: dict, *dirs: Path) -> dict:
    """``env`` with the given installed-distribution directories on PYTHONPATH."""
    paths = [str(d) for d in dirs] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    return {**env, "PYTHONPATH": os.pathsep.join(paths)}

"""Migrated databases made once per test process and copied, instead of migrated per test.

A test that needs a migrated database (and a user) paid a CLI process for it: ``migrate``
and ``create_user`` cost ~1 s of CPU each time, for the same database most tests ask for.
``made_once`` runs that process once per environment, into a template, and gives each
later test a copy: SQLite, the file; PostgreSQL, ``CREATE DATABASE ... TEMPLATE`` (a block
copy on the server, ~0.1 s). A copy is given only where the process would have made the
same database:

- the template was made by the same process, with the same environment (the database's own
  path or name aside), the same ``.env`` in the working directory, the same arguments;
- the test's database is fresh: a SQLite file not there yet, a PostgreSQL database on the
  local server with no table in it.

Anything else (a database a test has written to, a server behind a test's proxy) runs the
process itself, as before.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from conftest import _psql

#: Where a host's database is; the rest of the environment decides what migrate makes,
#: but for the name of the running test, which pytest sets in every test's environment.
NOT_IN_KEY = ("SQLITE_PATH", "DB_NAME", "PYTEST_CURRENT_TEST")
LOCAL_SERVER = {"DB_HOST": "127.0.0.1", "DB_PORT": "5432", "DB_USER": "postgres"}

_templates: dict[str, str] = {}  # key -> SQLite file or PostgreSQL database name
_sqlite_dir: Path | None = None


def made_once(env: dict, cwd, args, make: Callable[[dict], None]) -> None:
    """Give ``env``'s database what ``make(env)`` would make in it: a copy of a template
    made by ``make`` with the same environment and ``args``, or ``make(env)`` itself."""
    kind = _kind(env)
    if kind is None or not _fresh(kind, env):
        make(env)
        return
    key = _key(env, cwd, args)
    if key not in _templates:
        template = _new_template(kind)
        make({**env, **template})
        _templates[key] = template["SQLITE_PATH" if kind == "sqlite" else "DB_NAME"]
    _copy(kind, _templates[key], env)


def _kind(env: dict) -> str | None:
    if "DB_NAME" in env:
        local = all(env.get(k) == v for k, v in LOCAL_SERVER.items())
        return "postgres" if local and not env.get("DB_ENGINE") else None
    return "sqlite" if env.get("SQLITE_PATH") else None


def _fresh(kind: str, env: dict) -> bool:
    if kind == "sqlite":
        return not Path(env["SQLITE_PATH"]).exists()
    with _connect(env["DB_NAME"]) as conn:
        tables = conn.execute("SELECT count(*) FROM information_schema.tables "
                              "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')")
        return tables.fetchone()[0] == 0


def _key(env: dict, cwd, args) -> str:
    dotenv = Path(cwd) / ".env"
    material = {"env": {k: v for k, v in env.items() if k not in NOT_IN_KEY},
                "dotenv": dotenv.read_text() if dotenv.is_file() else None, "args": repr(args)}
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def _new_template(kind: str) -> dict:
    global _sqlite_dir
    if kind == "sqlite":
        if _sqlite_dir is None:
            _sqlite_dir = Path(tempfile.mkdtemp(prefix="openimis-test-templates-"))
            atexit.register(shutil.rmtree, _sqlite_dir, True)
        return {"SQLITE_PATH": str(_sqlite_dir / f"{uuid.uuid4().hex}.sqlite3")}
    name = f"openimis_template_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    _psql(f'CREATE DATABASE "{name}"')
    atexit.register(_psql, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return {"DB_NAME": name}


def _copy(kind: str, template: str, env: dict) -> None:
    if kind == "sqlite":
        for suffix in ("", "-wal"):  # a WAL file, if one was left, holds committed pages
            if Path(template + suffix).exists():
                shutil.copyfile(template + suffix, env["SQLITE_PATH"] + suffix)
        return
    name = env["DB_NAME"]
    _psql(f'DROP DATABASE "{name}" WITH (FORCE)')
    # The template's last client (the CLI process) may still be leaving the server.
    for attempt in range(50):
        try:
            _psql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return
        except Exception as exc:  # psycopg's ObjectInUse: "being accessed by other users"
            if "other users" not in str(exc) or attempt == 49:
                raise
            time.sleep(0.1)


def _connect(dbname: str):
    import psycopg

    return psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={dbname}",
                           autocommit=True)

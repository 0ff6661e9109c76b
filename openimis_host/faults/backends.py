"""The database and cache backends: their libraries are there, and their timeouts are short.

Checked while the settings load, so that a missing library stops ``check``,
``migrate`` and gunicorn at boot with one line naming the extra that brings it,
rather than a 69-line traceback (PostgreSQL) or a 503 on every GraphQL request
(Redis, which used to pass ``check --deploy``).
"""

from __future__ import annotations

import importlib

from ..errors import ConfigError


def _importable(*names: str) -> bool:
    for name in names:
        try:
            importlib.import_module(name)
            return True
        except ImportError:
            continue
    return False


def require_driver(engine: str) -> None:
    """The PostgreSQL engine needs psycopg (3, or 2); SQL Server needs mssql-django."""
    if "postgresql" in engine and not _importable("psycopg", "psycopg2"):
        raise ConfigError("DB_NAME is set (PostgreSQL) but no PostgreSQL driver is installed: "
                          "pip install 'openimis-host[postgres]' (or unset DB_NAME for SQLite)")
    if engine == "mssql" and not _importable("mssql"):
        raise ConfigError("DB_ENGINE is SQL Server (mssql) but mssql-django is not installed: "
                          "pip install mssql-django")


def require_cache_library(backend: str, name: str) -> None:
    """The Redis and memcached caches need their client libraries."""
    if backend.endswith(".RedisCache") and not _importable("redis"):
        raise ConfigError(f"CACHE_BACKEND={name} needs the redis package, which is not installed: "
                          "pip install 'openimis-host[redis]'")
    if backend.endswith(".PyMemcacheCache") and not _importable("pymemcache"):
        raise ConfigError(f"CACHE_BACKEND={name} needs the pymemcache package, which is not "
                          "installed: pip install pymemcache")


def postgresql_timeouts(databases: dict, connect: int, statement: int) -> None:
    """Default connect_timeout and statement_timeout on PostgreSQL; DB_OPTIONS wins."""
    for config in databases.values():
        if "postgresql" not in config.get("ENGINE", ""):
            continue
        options = config.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", connect)
        if statement:
            # Sent in the startup packet: no extra round trip per connection. A later
            # "-c statement_timeout" in DB_OPTIONS' own "options" overrides this one.
            ours = f"-c statement_timeout={statement * 1000}"
            options["options"] = f"{ours} {options.get('options', '')}".strip()


def cache_timeouts(caches: dict, seconds: float) -> None:
    """Connect and read timeouts on Redis and memcached, and no retries; CACHE_OPTIONS wins.

    redis-py 6+ retries three times with backoff by default: with a 1 s timeout a
    frozen Redis cost 15 s per request (measured), a closed port 4 s.
    """
    for config in caches.values():
        backend, options = config["BACKEND"], config.setdefault("OPTIONS", {})
        if backend.endswith(".RedisCache"):
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            options.setdefault("socket_connect_timeout", seconds)
            options.setdefault("socket_timeout", seconds)
            options.setdefault("retry", Retry(NoBackoff(), 0))
        elif backend.endswith(".PyMemcacheCache"):
            options.setdefault("connect_timeout", seconds)
            options.setdefault("timeout", seconds)

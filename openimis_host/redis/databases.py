"""Which Redis database a URL names, and the rule that the cache and the broker never share one.

Imported by the settings (``settings/scheduler.py``) before Django is set up: no Django imports here.

The cache's ``clear()`` is scoped to its own keys (cache.py), but a database is
also what ``redis-cli FLUSHDB``, an operator's "empty the cache", or a module talking to
Redis directly wipes as a whole. Celery's queued messages (openIMIS core's mutations) must
not be in it, so the host refuses ``CACHE_URL`` and ``CELERY_BROKER_URL`` naming one Redis
database (docs/operators.md: Redis databases).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from ..errors import ConfigError

#: The problem id of a cache and a broker in one Redis database (docs/problems.md).
SHARED_DATABASE = "openimis.E023"
REDIS_SCHEMES = ("redis", "rediss")
LOOPBACK = {"localhost": "127.0.0.1", "::1": "127.0.0.1", "": "127.0.0.1"}


def database(url: str) -> tuple[str, int, int] | None:
    """(host, port, database number) of a ``redis://`` or ``rediss://`` URL; None for another
    scheme or a URL whose database is not a number."""
    try:
        parts = urlsplit(url.strip())
        if parts.scheme not in REDIS_SCHEMES:
            return None
        host = (parts.hostname or "").lower()
        port = parts.port or 6379
        number = parse_qs(parts.query).get("db", [parts.path.strip("/") or "0"])[0]
        return LOOPBACK.get(host, host), port, int(number)
    except ValueError:
        return None


def refuse_shared(cache_backend: str, cache_url: str, broker_url: str | None) -> None:
    """Raise ConfigError when the Redis cache and the Celery broker are one Redis database."""
    if not broker_url or not cache_backend.endswith("RedisCache"):
        return
    broker = database(broker_url)
    if broker is None:
        return
    for location in filter(None, (u.strip() for u in cache_url.split(","))):
        if database(location) == broker:
            host, port, number = broker
            raise ConfigError(
                f"CACHE_URL and CELERY_BROKER_URL name the same Redis database "
                f"({host}:{port}/{number}) [{SHARED_DATABASE}]: emptying the cache would also "
                "empty the queue of openIMIS's mutations; give the broker a database of its own, "
                f"e.g. CELERY_BROKER_URL=redis://{host}:{port}/{(number + 1) % 16} "
                "(docs/operators.md: Redis databases)")

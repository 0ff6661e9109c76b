"""The host's Redis cache: Django's, except that ``clear()`` deletes only this cache's own keys.

Django's RedisCache clears with FLUSHDB: every key of the Redis database goes, whoever
wrote it. openIMIS's location module calls ``cache.clear()`` on every createLocation (on
its ``location`` alias), and with the Celery broker, the rate-limit counters or another
alias in the same database, one such call lost queued mutations and reset the counters.
Here ``clear()`` deletes the keys under this cache's ``KEY_PREFIX`` (``<prefix>:<version>:<key>``,
Django's key layout), found with SCAN, in batches, and leaves every other key alone.
``CACHE_BACKEND=redis`` names this class (``settings/cache.py``).
"""

from __future__ import annotations

import re

from django.core.cache.backends.base import default_key_func
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

#: Keys deleted per UNLINK (and asked for per SCAN step).
BATCH = 1000


def key_pattern(prefix: str) -> str:
    """The SCAN pattern of every key a cache with ``prefix`` writes (glob characters escaped)."""
    return re.sub(r"([\\*?\[\]])", r"\\\1", prefix) + ":*"


class RedisCache(DjangoRedisCache):
    """Django's RedisCache whose ``clear()`` is scoped to its own key prefix."""

    def clear(self) -> bool:
        """Delete this cache's keys (those under its KEY_PREFIX), not the whole Redis database."""
        if self.key_func is not default_key_func:
            # Another key layout: no pattern finds exactly this cache's keys.
            raise NotImplementedError(
                "cache.clear() on a Redis cache with its own KEY_FUNCTION: the host clears only "
                "keys '<KEY_PREFIX>:<version>:<key>'; remove KEY_FUNCTION or clear the keys yourself")
        client = self._cache.get_client(None, write=True)
        batch = []
        for key in client.scan_iter(match=key_pattern(self.key_prefix), count=BATCH):
            batch.append(key)
            if len(batch) >= BATCH:
                client.unlink(*batch)
                batch = []
        if batch:
            client.unlink(*batch)
        return True

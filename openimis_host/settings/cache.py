"""The cache: CACHE_BACKEND (``redis`` is the host's Redis cache, openimis_host/redis/), with a timeout."""

from openimis_host.errors import ConfigError
from openimis_host.faults import backends

from .core import env

# --- cache -----------------------------------------------------------------
CACHE_BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    # Django's, with clear() scoped to the cache's own keys (redis/cache.py).
    "redis": "openimis_host.redis.cache.RedisCache",
    "django.core.cache.backends.redis.rediscache": "openimis_host.redis.cache.RedisCache",
    "pymemcache": "django.core.cache.backends.memcached.PyMemcacheCache",
    "db": "django.core.cache.backends.db.DatabaseCache",
    "file": "django.core.cache.backends.filebased.FileBasedCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
}
_cache_backend = env.str("CACHE_BACKEND", "locmem")
CACHES = {"default": {
    "BACKEND": CACHE_BACKENDS.get(_cache_backend.lower(), _cache_backend),
    "LOCATION": env.str("CACHE_URL", ""),
    "OPTIONS": env.dict("CACHE_OPTIONS", {}),
}}
backends.require_cache_library(CACHES["default"]["BACKEND"], _cache_backend)
# A frozen or unreachable cache costs at most this many seconds per request (CACHE_OPTIONS wins).
CACHE_TIMEOUT = env.float("CACHE_TIMEOUT", 1.0)
if CACHE_TIMEOUT <= 0:
    raise ConfigError(f"CACHE_TIMEOUT={CACHE_TIMEOUT} is not valid: expected seconds > 0, e.g. 1")
backends.cache_timeouts(CACHES, CACHE_TIMEOUT)

"""Which Redis database a URL names, and the refusal of a cache and a broker in one (no services)."""

import pytest

from openimis_host.errors import ConfigError
from openimis_host.redis.cache import key_pattern
from openimis_host.redis.databases import database, refuse_shared

REDIS = "openimis_host.redis.cache.RedisCache"


@pytest.mark.parametrize(("url", "expected"), [
    ("redis://127.0.0.1:6379/0", ("127.0.0.1", 6379, 0)),
    ("redis://localhost/3", ("127.0.0.1", 6379, 3)),
    ("redis://:secret@redis.internal:6380?db=2", ("redis.internal", 6380, 2)),
    ("rediss://user:pw@Redis.Example.org:6390/1", ("redis.example.org", 6390, 1)),
    ("redis://redis", ("redis", 6379, 0)),
    ("amqp://guest:guest@127.0.0.1:5672//", None),
    ("redis://127.0.0.1/notanumber", None),
])
def test_a_redis_url_names_host_port_and_database(url, expected):
    assert database(url) == expected


def test_the_cache_and_the_broker_in_one_database_are_refused_naming_the_problem_id():
    with pytest.raises(ConfigError, match=r"same Redis database \(127.0.0.1:6379/0\) \[openimis.E023\]"):
        refuse_shared(REDIS, "redis://localhost:6379", "redis://127.0.0.1:6379/0")
    # One of several cache servers is enough.
    with pytest.raises(ConfigError, match="CELERY_BROKER_URL=redis://redis:6379/2"):
        refuse_shared(REDIS, "redis://replica:6379/1,redis://redis:6379/1", "redis://redis/1")


@pytest.mark.parametrize(("backend", "cache_url", "broker"), [
    (REDIS, "redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"),  # another database
    (REDIS, "redis://127.0.0.1:6379/0", "redis://127.0.0.1:6380/0"),  # another server
    (REDIS, "redis://127.0.0.1:6379/0", "amqp://guest:guest@127.0.0.1:5672//"),
    (REDIS, "redis://127.0.0.1:6379/0", None),
    ("django.core.cache.backends.locmem.LocMemCache", "", "redis://127.0.0.1:6379/0"),
])
def test_separate_databases_servers_or_brokers_are_accepted(backend, cache_url, broker):
    refuse_shared(backend, cache_url, broker)


@pytest.mark.parametrize(("prefix", "pattern"), [
    ("", ":*"), ("loc", "loc:*"), ("ratelimit", "ratelimit:*"), ("a*b[c]?", r"a\*b\[c\]\?:*"),
])
def test_clear_matches_only_the_keys_under_the_caches_own_prefix(prefix, pattern):
    assert key_pattern(prefix) == pattern

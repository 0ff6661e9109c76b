"""Checking the RATELIMIT_* variables at boot, so a typo is a ConfigError and not a 500 later.

Imported by the settings (``settings/security.py``) before Django is set up: no Django imports here.
"""

from __future__ import annotations

import re

import django_ratelimit

from ..errors import ConfigError

RATE = re.compile(r"^\d+/\d*[smhd]$")
SIMPLE_KEYS = ("ip", "user", "user_or_ip")
ACCESSORS = ("header", "get", "post")
HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def methods(name: str, value: str):
    """RATELIMIT_METHOD as django-ratelimit wants it: ``ALL``, ``UNSAFE`` or a list of methods."""
    if value.upper() == "ALL":
        return django_ratelimit.ALL
    if value.upper() == "UNSAFE":
        return list(django_ratelimit.UNSAFE)
    chosen = [m.strip().upper() for m in value.split(",") if m.strip()]
    unknown = [m for m in chosen if m not in HTTP_METHODS]
    if not chosen or unknown:
        raise ConfigError(f"{name}={value!r} is not valid: expected ALL, UNSAFE or HTTP methods "
                          "separated by commas, e.g. POST or GET,POST")
    return chosen


def check(*, rate: str, key: str, cache: str, caches: dict) -> None:
    """Raise ConfigError for a RATELIMIT_RATE, RATELIMIT_KEY or RATELIMIT_CACHE django-ratelimit
    would refuse."""
    if not RATE.match(rate):
        raise ConfigError(f"RATELIMIT_RATE={rate!r} is not valid: expected <count>/<period>, "
                          "the period in s, m, h or d, optionally multiplied: 150/m, 10/5s, 1000/h")
    accessor, colon, _ = key.partition(":")
    if not (key in SIMPLE_KEYS or (colon and accessor in ACCESSORS) or "." in key):
        raise ConfigError(f"RATELIMIT_KEY={key!r} is not valid: expected ip, user, user_or_ip, "
                          "header:<name>, get:<name>, post:<name> or a dotted path to a function")
    if cache not in caches:
        raise ConfigError(f"RATELIMIT_CACHE={cache!r} is not a configured cache: "
                          f"expected one of {', '.join(caches)}")


#: The KEY_PREFIX of the rate-limit counters, and the locmem store they get to themselves.
COUNTERS_PREFIX = "ratelimit"


def counters_cache(config: dict) -> dict:
    """The ``ratelimit`` cache alias: RATELIMIT_CACHE's configuration with a key prefix of its own.

    The host's Redis cache clears only its own prefix, so a module's ``cache.clear()`` on the
    cache the counters share leaves them alone; locmem keeps one store per LOCATION, so the
    counters get a store of their own there.
    """
    counters = {**config, "KEY_PREFIX": COUNTERS_PREFIX}
    if config["BACKEND"].endswith(".LocMemCache"):
        counters["LOCATION"] = f"openimis-{COUNTERS_PREFIX}"
    return counters

"""The rate limit on the GraphQL endpoint: django-ratelimit with the RATELIMIT_* settings.

django-ratelimit counts in a Django cache (``RATELIMIT_CACHE``). With Redis or
memcached every gunicorn worker adds to the same count; with the default
in-process cache each worker counts alone (``check --deploy`` warns).
"""

from __future__ import annotations

import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django_ratelimit.core import get_usage

from ..web.json_errors import error_response

log = logging.getLogger("openimis_host.ratelimit")


def verify_key() -> None:
    """At boot: a RATELIMIT_KEY given as a dotted path must import.

    Otherwise every GraphQL request would fail inside django-ratelimit, and be
    answered as if the cache were down.
    """
    from django.utils.module_loading import import_string

    from ..errors import ConfigError

    key = settings.RATELIMIT_KEY
    if settings.RATELIMIT_ENABLE and ":" not in key and "." in key:
        try:
            import_string(key)
        except ImportError as exc:
            raise ConfigError(f"RATELIMIT_KEY={key!r} cannot be imported ({exc}): "
                              "expected a dotted path to a function (group, request) -> key") from None


def limited(view):
    """Wrap ``view``: over the rate it answers 429 with a JSON error and ``Retry-After``."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.RATELIMIT_ENABLE:
            refusal = _check(request)
            if refusal is not None:
                return refusal
        return view(request, *args, **kwargs)

    return wrapped


def _check(request):
    try:
        usage = get_usage(request, group=settings.RATELIMIT_GROUP, key=settings.RATELIMIT_KEY,
                          rate=settings.RATELIMIT_RATE, method=settings.RATELIMIT_METHODS,
                          increment=True)
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # the cache is down or timed out (redis, memcached, ... errors)
        cache = settings.RATELIMIT_CACHE
        if settings.RATELIMIT_SKIP_TIMEOUT:
            log.warning("rate limit not applied: cache %r failed: %s", cache, exc)
            return None
        log.error("request refused: the rate-limit cache %r failed: %s "
                  "(RATELIMIT_SKIP_TIMEOUT=true lets requests through instead)", cache, exc)
        return error_response(request, 503, "rate_limit_unavailable",
                              "the rate limit cannot be checked right now; try again later",
                              headers={"Retry-After": "5"})
    if usage is None or not usage["should_limit"]:
        return None
    retry = max(int(usage["time_left"]), 1)
    return error_response(request, 429, "rate_limited",
                          f"too many requests (limit {settings.RATELIMIT_RATE}); "
                          f"retry in {retry} s", headers={"Retry-After": str(retry)})

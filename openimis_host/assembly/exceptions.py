"""``openimis_exception_handler`` -> DRF's EXCEPTION_HANDLER, chosen per module.

The handler is picked from the module mount the request resolved through
(:func:`~openimis_host.assembly.urls.module_of`), whatever the URL namespace
of its patterns; unlike splitting the path, this keeps working when SITE_ROOT changes.
"""

import logging

from ..host import get_host, where
from .urls import module_of

log = logging.getLogger("openimis_host")

HOOK = "openimis_exception_handler"
HOOKS = (HOOK,)


def _check(value):
    return None if callable(value) else "expected a callable handler(exc, context)"


def collect(host) -> None:
    """Call ``openimis_exception_handler`` of each loaded module."""
    host.collect(HOOK, _check)


def apply(host) -> None:
    """Make the loaded modules' handlers the ones :func:`handle` dispatches to."""
    host.handlers = {module.name: handler for module, handler in host.results(HOOK)}


def show(hook, result, module):
    return "exception_handler", where(result).split(" (")[0]


def handle(exc, context):
    """DRF EXCEPTION_HANDLER: the owning module's handler, else DRF's default."""
    request = context.get("request")
    module = module_of(getattr(request, "resolver_match", None))
    handler = get_host().handlers.get(module)
    if handler is not None:
        try:
            response = handler(exc, context)
        except Exception:
            # The module's handler is broken; answer with DRF's default rather
            # than a 500, and say so loudly.
            log.exception("exception handler of module '%s' raised while handling %r; "
                          "DRF's default handler answered instead", module, exc)
        else:
            if response is not None:
                return response
    # Imported here: rest_framework.views reads Django's settings when imported,
    # and this file is imported while the settings module itself is running.
    from rest_framework.views import exception_handler as drf_default

    return drf_default(exc, context)

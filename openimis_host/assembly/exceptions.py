"""``openimis_exception_handler`` -> DRF's EXCEPTION_HANDLER, chosen per module.

The handler is picked from the URL namespace the request resolved in, which
the host sets to the module name when it mounts the module's URLs. Unlike
splitting the path, this keeps working when SITE_ROOT changes.
"""

import logging

from rest_framework.views import exception_handler as drf_default

log = logging.getLogger("openimis_host")

_handlers: dict = {}


def _check(value):
    return None if callable(value) else "expected a callable handler(exc, context)"


def collect(host) -> None:
    """Call ``openimis_exception_handler`` of each loaded module."""
    for module in host.loaded:
        handler = host.call(module, "openimis_exception_handler", _check)
        if handler is not None:
            module.results["openimis_exception_handler"] = handler


def install(host) -> None:
    """Make the loaded modules' handlers the ones :func:`handle` dispatches to."""
    _handlers.clear()
    for module in host.loaded:
        handler = module.results.get("openimis_exception_handler")
        if handler is not None:
            _handlers[module.name] = handler
            module.contributions["exception_handler"] = (
                f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', handler)}")


def handle(exc, context):
    """DRF EXCEPTION_HANDLER: the owning module's handler, else DRF's default."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    module = match.namespaces[0] if match is not None and match.namespaces else None
    handler = _handlers.get(module)
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
    return drf_default(exc, context)

"""``ExceptionHandlerRegistry``: where openIMIS modules register their DRF exception handler.

Each module calls ``register_exception_handler(<module name>, handler)`` in its
``ready()``. The host's legacy plugin then returns that handler from the
module's ``openimis_exception_handler`` hook, and the host uses it for the DRF
views that module mounts (chosen by URL namespace, not by path).
"""

from __future__ import annotations


class ExceptionHandlerRegistry:
    """Module name -> DRF exception handler, as in openimis-be_py."""

    exception_handlers: dict = {}

    @classmethod
    def register_exception_handler(cls, module_name, exception_handler):
        """Record ``exception_handler(exc, context)`` as module ``module_name``'s."""
        cls.exception_handlers[module_name] = exception_handler

    @classmethod
    def get_exception_handler(cls, module_name):
        """The handler ``module_name`` registered, or None."""
        return cls.exception_handlers.get(module_name)

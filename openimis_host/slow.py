"""Name the module that makes the boot slow: a WARNING for any import or hook over a threshold.

A module whose import took 30 s delayed the boot without a word. The threshold
is ``OPENIMIS_SLOW_MODULE_SECONDS`` (default 5; 0 turns the warning off), read
from the environment directly: imports happen while the settings load.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager

from .env import Environment

log = logging.getLogger("openimis_host.modules")

_threshold: float | None = None


def threshold() -> float:
    """Seconds above which an import or hook is logged (read once per process)."""
    global _threshold
    if _threshold is None:
        _threshold = Environment().float("OPENIMIS_SLOW_MODULE_SECONDS", 5.0)
    return _threshold


@contextmanager
def warn_if_slow(what: str, module_name: str):
    """Log a WARNING naming ``module_name`` if the block takes longer than :func:`threshold`."""
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        limit = threshold()
        if limit > 0 and elapsed > limit:
            log.warning("module '%s': %s took %.1f s (over OPENIMIS_SLOW_MODULE_SECONDS=%g)",
                        module_name, what, elapsed, limit)

"""Name the module that makes the boot slow: a WARNING for any import or hook over a threshold.

A module whose import took 30 s delayed the boot without a word. The threshold
is ``OPENIMIS_SLOW_MODULE_SECONDS`` (default 5; 0 turns the warning off), which
discovery reads and keeps on the Host (``host.slow_seconds``).
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager

log = logging.getLogger("openimis_host.modules")


@contextmanager
def warn_if_slow(what: str, module_name: str, limit: float):
    """Log a WARNING naming ``module_name`` if the block takes longer than ``limit`` seconds (0: never)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        if limit > 0 and elapsed > limit:
            log.warning("module '%s': %s took %.1f s (over OPENIMIS_SLOW_MODULE_SECONDS=%g)",
                        module_name, what, elapsed, limit)

"""Say which modules' reports openIMIS's report module left out, and what to install.

report's ready() imports ``<module>.report`` of every openIMIS module in use and,
when that import fails, logs it at DEBUG and goes on: the reports are then
missing from ``reports`` without a word. claim's, insuree's and policy's import
``tools.utils``, so without openimis-be-tools their reports are left out. The
host says so once, at WARNING, with the distribution to install.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging

from .order import STANDARD_ORDER

log = logging.getLogger("openimis_host.legacy")


def warn_unregistered(modules: list[str]) -> list[str]:
    """Import each ``<module>.report`` of ``modules`` (report has tried already); log each
    that fails, naming what to pip install. Returns the modules whose reports are missing."""
    missing = []
    for module in modules:
        try:
            if importlib.util.find_spec(f"{module}.report") is None:
                continue
            importlib.import_module(f"{module}.report")
        except Exception as exc:  # whatever report's own loop swallowed
            missing.append(module)
            log.warning("openIMIS module '%s': its reports are not registered with report "
                        "(%s: %s)%s", module, type(exc).__name__, exc, _fix(exc))
    return missing


def _fix(exc: Exception) -> str:
    name = getattr(exc, "name", None) if isinstance(exc, ModuleNotFoundError) else None
    if not name:
        return ""
    top = name.split(".")[0]
    dist = f"openimis-be-{top.replace('_', '-')}" if top in STANDARD_ORDER else top
    return f": pip install {dist}"

"""The errors the host reports to people. Each one is a message, not a traceback."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import NoReturn


class HostError(Exception):
    """Base class: the CLI, gunicorn and the test helpers print ``str(exc)`` and exit non-zero."""


def exit_with(message) -> NoReturn:
    """Print ``message`` (a HostError, usually) as people read it, without a traceback; exit 2."""
    print(f"openimis-host: {message}", file=sys.stderr, flush=True)
    raise SystemExit(2)


class ConfigError(HostError):
    """An environment variable or setting has a value the host cannot use."""


@dataclass
class Problem:
    """One thing wrong with one module: what went wrong and how to fix it."""

    module: str
    distribution: str | None
    version: str | None
    what: str
    fix: str

    @property
    def origin(self) -> str:
        if not self.distribution:
            return f"module '{self.module}'"
        return f"module '{self.module}' ({self.distribution} {self.version or '?'})"

    def __str__(self) -> str:
        return f"{self.origin}: {self.what}\n    fix: {self.fix}"


class BootError(HostError):
    """One or more modules could not be loaded under ``OPENIMIS_MODULE_ERRORS=fail``."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        # exit_with() adds the "openimis-host: " prefix.
        lines = [f"cannot start: {len(self.problems)} module problem(s)"]
        lines += [f"  - {p}" for p in self.problems]
        lines.append(
            "  (set OPENIMIS_MODULE_ERRORS=skip to start without the broken modules, "
            "or OPENIMIS_DISABLED_MODULES=<name> to leave one out)"
        )
        super().__init__("\n".join(lines))

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


#: Every kind of module problem, by its stable id (like Django's system check ids).
#: The id appears in the boot error, ``openimis-host modules --json`` and ``check``;
#: docs/problems.md explains each one.
PROBLEM_IDS = {
    "openimis.E001": "two distributions claim one module name",
    "openimis.E002": "the module requires another openimis-host version",
    "openimis.E003": "the module name is not a Python identifier",
    "openimis.E004": "the module's plugin cannot be imported",
    "openimis.E005": "the entry point names an attribute the plugin module lacks",
    "openimis.E006": "the hooks do not match the contract (unknown hook, wrong signature)",
    "openimis.E007": "a hook function lacks @hookimpl",
    "openimis.E008": "a hook uses a pluggy option the host gives no meaning (tryfirst, wrapper...)",
    "openimis.E009": "a hook raised an exception",
    "openimis.E010": "a hook returned a value of the wrong type",
    "openimis.E011": "a dependency cycle between modules",
    "openimis.E012": "the module requires a module that is not in use",
    "openimis.E013": "the module's URL mount is served by the host",
    "openimis.E014": "a GraphQL field is defined by two modules",
    "openimis.E015": "a GraphQL type name is defined by two modules",
    "openimis.E016": "the module's GraphQL schema is invalid",
    "openimis.E017": "a scheduled task does not hold together",
    "openimis.E018": "two modules give different defaults for one setting",
    "openimis.E019": "the module defaults a setting that Django or the host owns",
    "openimis.E020": "a middleware path cannot be imported",
    "openimis.E021": "a module provider failed",
    "openimis.E022": "the module opens GraphQL fields that are not its own to anonymous requests",
}
#: What the host warns a module author about; the module stays in use (Host.warn).
WARNING_IDS = {
    "openimis.W005": "a function named openimis_* is neither a hook nor marked @hookimpl",
}
#: The deployment's problems, not a module's: a boot error (E) or a system check (W).
#: Listed here with the others, so that no id is ever given two meanings.
DEPLOYMENT_IDS = {
    "openimis.W002": "MODE is DEV (check --deploy)",
    "openimis.W003": "the rate limit counts in a cache the workers do not share (check --deploy)",
    "openimis.W004": "openIMIS core's mutations run in the request: no broker (check --deploy)",
    "openimis.W007": "an openimis.json where openimis-be_py read it, which the host ignores",
    "openimis.W008": "a module's pins downgraded a package of openIMIS's stack",
    "openimis.W009": "a distribution's files were written over by another (report's fpdf)",
    "openimis.E023": "CACHE_URL and CELERY_BROKER_URL name one Redis database",
}


@dataclass
class Problem:
    """One thing wrong with one module: its id, what went wrong and how to fix it."""

    module: str
    distribution: str | None
    version: str | None
    what: str
    fix: str
    id: str

    def __post_init__(self):
        if self.id not in PROBLEM_IDS and self.id not in WARNING_IDS:
            raise ValueError(f"unknown problem id {self.id!r}")  # a host bug, caught by tests

    @property
    def origin(self) -> str:
        if not self.distribution:
            return f"module '{self.module}'"
        return f"module '{self.module}' ({self.distribution} {self.version or '?'})"

    def __str__(self) -> str:
        return f"{self.origin}: {self.what} [{self.id}]\n    fix: {self.fix}"

    def as_dict(self) -> dict:
        """The problem as ``openimis-host modules --json`` shows it."""
        return {"id": self.id, "module": self.module, "what": self.what, "fix": self.fix}


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

"""Records that hooks and module providers return."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class TaskError(ValueError):
    """A ScheduledTask record that does not hold together."""


@dataclass(frozen=True)
class ScheduledTask:
    """A periodic job a module asks the host to run.

    ``name``
        identifier, unique within the module; the task id is ``<module>.<name>``.
    ``func``
        a callable, or a dotted path ``"package.module.function"`` (or
        ``"package.module:function"``) imported when the task is registered.
    ``cron``
        a five-field crontab string (``"*/5 * * * *"``); exactly one of
        ``cron`` and ``every`` is given.
    ``every``
        a positive ``timedelta``.
    ``args`` / ``kwargs``
        passed to ``func`` on every run.
    ``max_instances``
        how many runs of this task may overlap; 1 (the default) means a run
        that is still going makes the next tick skip, so runs never pile up.
    """

    name: str
    func: Callable[..., Any] | str
    cron: str | None = None
    every: timedelta | None = None
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    max_instances: int = 1

    def __post_init__(self):
        problems = []
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            problems.append(f"name {self.name!r} must be a Python identifier")
        if not (callable(self.func) or (isinstance(self.func, str) and self.func.strip())):
            problems.append(f"func {self.func!r} must be a callable or a dotted path")
        if (self.cron is None) == (self.every is None):
            problems.append("give exactly one of cron= (a crontab string) and every= (a timedelta)")
        if self.cron is not None and (not isinstance(self.cron, str) or len(self.cron.split()) != 5):
            problems.append(f"cron {self.cron!r} must have five fields, like '*/5 * * * *'")
        if self.every is not None and (
            not isinstance(self.every, timedelta) or self.every <= timedelta(0)
        ):
            problems.append(f"every {self.every!r} must be a positive datetime.timedelta")
        if not isinstance(self.args, (tuple, list)):
            problems.append("args must be a tuple")
        if not isinstance(self.kwargs, dict):
            problems.append("kwargs must be a dict")
        if not isinstance(self.max_instances, int) or self.max_instances < 1:
            problems.append("max_instances must be a positive int")
        if problems:
            raise TaskError(f"ScheduledTask {self.name!r}: " + "; ".join(problems))


@dataclass(frozen=True)
class ProvidedModule:
    """One module supplied by a module provider (entry point group ``openimis.module_providers``).

    ``name``
        the module's logical name, a Python identifier, exactly as an
        ``openimis.modules`` entry point name would be.
    ``plugin``
        the object holding the module's hook implementations (``@hookimpl``).
    ``distribution`` / ``version``
        the installed distribution the module really comes from, shown by
        ``openimis-host modules`` and in every message about the module.
    ``after``
        names of modules this one must load after, and needs in use (if one is
        disabled or failed, so is this one). Requires-Dist is not read for provided
        modules, since the provider knows their real dependencies better than their
        metadata. Where ``after`` leaves the order open, the host keeps the order of
        the provider's list.
    """

    name: str
    plugin: Any
    distribution: str | None = None
    version: str | None = None
    after: tuple[str, ...] = ()

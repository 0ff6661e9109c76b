"""The Host: the modules of this process, what their hooks returned, and what assembly built.

It plays the part Django's ``apps`` registry plays for app configs and pluggy's
``PluginManager`` for plugins: all state lives on it. Discovery fills
:attr:`Host.modules`; the files of ``assembly/`` call hooks through
:meth:`Host.collect` and store what they build (``schema``, ``handlers``,
``tasks``, ``routes``) on it. There is one Host per process, reached through
:func:`get_host`.
"""

from __future__ import annotations

import inspect
import logging
import re
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pluggy

import plugins_spec
from plugins_spec import hookspecs

from .errors import BootError, Problem
from .faults.slow import warn_if_slow

log = logging.getLogger("openimis_host")

POLICIES = ("fail", "skip")
LOADED, DISABLED, FAILED = "loaded", "disabled", "failed"

#: The hooks of the contract, by name.
HOOK_NAMES = tuple(sorted(n for n in vars(hookspecs) if n.startswith("openimis_")))


@dataclass
class Module:
    """One discovered module: where it comes from, whether it is used, and what its hooks returned."""

    name: str
    distribution: str | None
    version: str | None
    #: Where the host found it: an entry point ("claim = openimis_claim.plugin"),
    #: "provider <name>", "built-in" or "registered in-process".
    source: str
    plugin: Any = None
    #: Canonical names of the distributions it requires (Requires-Dist), for ordering.
    requires: frozenset = frozenset()
    #: Names of modules it must come after (a provider's ``ProvidedModule.after``).
    after: tuple[str, ...] = ()
    #: Its position in its provider's list (0 for any other module): the tie-break before the
    #: name, so that a provider's modules keep the provider's order where nothing else decides.
    rank: int = 0
    builtin: bool = False
    summary: str | None = None
    home_page: str | None = None
    status: str = LOADED
    error: str | None = None
    #: hook name -> pluggy's HookImpl of this module, taken from the plugin manager.
    impls: dict = field(default_factory=dict, repr=False)
    #: hook name -> what the hook returned (accepted by its check). The one record
    #: of a module's contributions: assembly reads it, ``modules --json`` shows it.
    results: dict = field(default_factory=dict, repr=False)
    #: The entry point to import, for a module installed with one.
    ep: Any = field(default=None, repr=False)
    requires_dist: tuple[str, ...] = field(default=(), repr=False)

    def problem(self, id: str, what: str, fix: str) -> Problem:
        """A Problem about this module."""
        return Problem(self.name, self.distribution, self.version, what, fix, id)


class Host:
    """The modules of this process and the error policy that governs them.

    Modules are kept in load order. ``pm`` is pluggy's manager, which holds the
    plugins of the modules in use and checks them against the hookspecs.
    """

    def __init__(self, modules: list[Module], policy: str, *, quiet: bool = False,
                 slow_seconds: float = 5.0):
        self.modules = modules
        self.policy = policy
        # An import or hook slower than this is logged, naming its module (faults/slow.py).
        self.slow_seconds = slow_seconds
        # The ``modules`` command prints each problem itself: no log line too.
        self.quiet = quiet
        self.pm = _PluginManager(plugins_spec.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self.problems: list[Problem] = []
        # Not failures: what a module author should hear about (openimis.W005, checks.py).
        self.warnings: list[Problem] = []
        self._pending: list[Problem] = []
        # What assembly builds from the modules (assembly/*.py apply()).
        self.schema = None  # the merged graphene Schema
        # (root type, field) pairs anonymous requests reach (assembly/public.py)
        self.public_fields: frozenset[tuple[str, str]] = frozenset()
        self.handlers: dict[str, Callable] = {}  # module name -> DRF exception handler
        self.tasks: dict = {}  # task id -> assembly.tasks.Task
        self.routes = None  # the URL resolver of every module mount
        self.scheduler = None  # the embedded scheduler a gunicorn worker autostarted

    @property
    def loaded(self) -> list[Module]:
        """Modules in use, in load order."""
        return [m for m in self.modules if m.status == LOADED]

    def get(self, name: str) -> Module | None:
        """The module called ``name``, whatever its status."""
        return next((m for m in self.modules if m.name == name), None)

    def fail(self, module: Module, id: str, what: str, fix: str) -> None:
        """Record problem ``id`` with ``module``; it takes no further part in assembly."""
        problem = module.problem(id, what, fix)
        if module.status == FAILED:
            module.error += f"; {what}"
        else:
            module.status, module.error = FAILED, what
        if module.plugin is not None and self.pm.is_registered(module.plugin):
            self.pm.unregister(module.plugin)  # pm holds the modules in use, nothing else
        self.problems.append(problem)
        self._pending.append(problem)
        if self.policy == "skip" and not self.quiet:
            log.error("module left out (OPENIMIS_MODULE_ERRORS=skip): %s", problem)

    def warn(self, module: Module, id: str, what: str, fix: str) -> None:
        """Record warning ``id`` about ``module``, which stays in use; logged unless quiet."""
        problem = module.problem(id, what, fix)
        self.warnings.append(problem)
        if not self.quiet:
            log.warning("%s", problem)

    def settle(self) -> None:
        """End of a phase: under ``fail``, stop the boot if anything went wrong in it."""
        pending, self._pending = self._pending, []
        if pending and self.policy == "fail":
            raise BootError(pending)

    def collect(self, hook: str, check: Callable[[Any], str | None] | None = None) -> dict[str, Any]:
        """Call ``hook`` of every loaded module, in module order; ``{module name: result}``.

        ``check`` returns what is wrong with a result, or None. A module whose hook
        raises or returns something ``check`` refuses fails (with the hook's file
        and line), and is absent from the answer. Accepted results are also kept in
        ``module.results[hook]``.
        """
        found = {}
        for module in self.loaded:
            impl = module.impls.get(hook)
            if impl is None:
                continue
            func = impl.function
            try:
                with warn_if_slow(f"hook {hook}()", module.name, self.slow_seconds):
                    result = func()
            except Exception as exc:  # a module's bug must not become a host traceback
                log.debug("hook %s of %s raised", hook, module.name, exc_info=True)
                self.fail(module, "openimis.E009", f"hook {hook}() raised {type(exc).__name__}: {exc}",
                          f"fix the exception in {where(func)}")
                continue
            wrong = check(result) if check else None
            if wrong:
                self.fail(module, "openimis.E010", f"hook {hook}() returned {_short(result)}, {wrong}",
                          f"change the return value of {where(func)}")
                continue
            module.results[hook] = found[module.name] = result
        return found

    def results(self, hook: str) -> list[tuple[Module, Any]]:
        """``(module, result)`` for each loaded module whose ``hook`` gave a result, in order."""
        return [(m, m.results[hook]) for m in self.loaded if hook in m.results]


class _PluginManager(pluggy.PluginManager):
    """pluggy's manager, reading a plugin module's attributes from its namespace.

    pluggy asks :meth:`parse_hookimpl_opts` about every attribute of a plugin (and the
    host asks again for its own checks), looking each one up with
    ``inspect.getattr_static`` so that no property runs: with 200 modules, that was half
    of pluggy's registration time (31 ms, now 15). A module's attributes are plain values
    in its namespace: reading that runs nothing, and for a function it finds what pluggy's
    lookup finds, so the marker's options are read from it directly. Any other kind of
    attribute, and any plugin that is not a module, gets pluggy's own lookup.
    """

    def parse_hookimpl_opts(self, plugin, name):
        if isinstance(plugin, types.ModuleType):
            value = vars(plugin).get(name)
            if inspect.isfunction(value):
                opts = getattr(value, self.project_name + "_impl", None)
                return opts if isinstance(opts, dict) else None
            if not isinstance(value, (staticmethod, classmethod, types.MethodType)):
                return None
        return super().parse_hookimpl_opts(plugin, name)


def canonical_name(distribution: str) -> str:
    """A distribution name as pip compares them (PEP 503): ``Openimis_Be.Core`` -> ``openimis-be-core``."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def where(func) -> str:
    """``package.module.function (file:line)``, to point a module author at their code."""
    code = getattr(func, "__code__", None)
    name = f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', func)}"
    return f"{name} ({code.co_filename}:{code.co_firstlineno})" if code else name


def _short(value) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:60] + '...' if len(text) > 60 else text}"


# The one piece of process state: the Host that the settings module made.
_process_host: Host | None = None


def get_host() -> Host:
    """The Host of this process, built when Django's settings were loaded."""
    if _process_host is None:
        raise RuntimeError("openimis_host.settings has not been loaded yet")
    return _process_host


def set_host(host: Host | None) -> None:
    """Make ``host`` the Host of this process (discovery does; tests may reset it)."""
    global _process_host
    _process_host = host


def current_host() -> Host | None:
    """The Host of this process if one was made already (by ``testing.setup_host``), else None."""
    return _process_host

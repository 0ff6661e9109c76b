"""Discovery: entry points -> Module records, selection, order, compatibility, pluggy manager.

This is the only place that reads the ``openimis.modules`` entry point group.
Everything in ``assembly/`` works from the :class:`Host` built here.
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import plugins_spec
from plugins_spec import hookspecs

from . import __version__, ordering
from .errors import BootError, ConfigError, Problem
from .slow import warn_if_slow

log = logging.getLogger("openimis_host")

HOST_DISTRIBUTION = "openimis-host"
POLICIES = ("fail", "skip")

LOADED, DISABLED, FAILED = "loaded", "disabled", "failed"

#: The attribute pluggy's hookimpl marker sets on a function.
IMPL_MARKER = f"{plugins_spec.PROJECT_NAME}_impl"

#: The hooks of the contract, by name.
HOOK_NAMES = tuple(sorted(n for n in vars(hookspecs) if n.startswith("openimis_")))


@dataclass
class Module:
    """One discovered module: where it comes from, whether it is used, and what it gave."""

    name: str
    distribution: str | None
    version: str | None
    entry_point: str
    plugin: Any = None
    requires: frozenset = frozenset()
    status: str = LOADED
    error: str | None = None
    hooks: dict = field(default_factory=dict)
    contributions: dict = field(default_factory=dict)  # what it gave, for people (JSON)
    results: dict = field(default_factory=dict)  # what its hooks returned, for assembly
    # Where an installed module comes from (None for one registered in-process).
    ep: metadata.EntryPoint | None = field(default=None, repr=False)
    requires_dist: tuple[str, ...] = field(default=(), repr=False)  # its Requires-Dist lines

    def problem(self, what: str, fix: str) -> Problem:
        """A Problem about this module."""
        return Problem(self.name, self.distribution, self.version, what, fix)

    def as_dict(self) -> dict:
        """What ``openimis-host modules --json`` shows of this module."""
        return {
            "name": self.name,
            "distribution": self.distribution,
            "version": self.version,
            "entry_point": self.entry_point,
            "status": self.status,
            "error": self.error,
            "contributions": self.contributions,
        }


# Plugins registered in-process (tests, notebooks): name -> Module.
_registered: dict[str, Module] = {}
_host: Host | None = None


def register(name: str, plugin: Any, *, distribution: str | None = None,
             version: str | None = None, requires: tuple[str, ...] = ()) -> None:
    """Register a plugin object as module ``name`` without installing a distribution.

    Call it before Django settings are loaded (see :mod:`openimis_host.testing`).
    ``requires`` lists distribution names this module comes after, as
    ``Requires-Dist`` would for an installed one.
    """
    _registered[name] = Module(
        name=name,
        distribution=distribution,
        version=version,
        entry_point=f"<registered {plugin!r}>",
        plugin=plugin,
        requires=frozenset(canonicalize_name(r) for r in requires),
    )


class Host:
    """The modules of this process and the error policy that governs them."""

    def __init__(self, modules: list[Module], policy: str):
        self.modules = modules
        self.policy = policy
        # pluggy checks each plugin against the hookspecs when it registers, and
        # holds the modules in use. Hooks are called one module at a time through
        # Module.hooks, in module order, so each failure is blamed on its module.
        self.pm = pluggy.PluginManager(plugins_spec.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self._pending: list[Problem] = []
        self.problems: list[Problem] = []

    @property
    def loaded(self) -> list[Module]:
        """Modules in use, in load order."""
        return [m for m in self.modules if m.status == LOADED]

    def get(self, name: str) -> Module | None:
        """The module called ``name``, whatever its status."""
        return next((m for m in self.modules if m.name == name), None)

    def fail(self, module: Module, what: str, fix: str) -> None:
        """Record a problem with ``module``; it takes no further part in assembly."""
        problem = module.problem(what, fix)
        if module.status == FAILED:
            module.error += f"; {what}"
        else:
            module.status, module.error = FAILED, what
        if module.plugin is not None and self.pm.is_registered(module.plugin):
            self.pm.unregister(module.plugin)  # pm holds the modules in use, nothing else
        self.problems.append(problem)
        self._pending.append(problem)
        if self.policy == "skip":
            log.error("module left out (OPENIMIS_MODULE_ERRORS=skip): %s", problem)

    def settle(self) -> None:
        """End of a phase: under ``fail``, stop the boot if anything went wrong in it."""
        pending, self._pending = self._pending, []
        if pending and self.policy == "fail":
            raise BootError(pending)

    def call(self, module: Module, hook: str, check: Callable[[Any], str | None] | None = None):
        """Call one module's implementation of ``hook``; ``None`` if it has none or it failed.

        ``check`` returns a description of what is wrong with the result, or None.
        """
        func = module.hooks.get(hook)
        if func is None or module.status != LOADED:
            return None
        try:
            with warn_if_slow(f"hook {hook}()", module.name):
                result = func()
        except Exception as exc:  # a module's bug must not become a host traceback
            log.debug("hook %s of %s raised", hook, module.name, exc_info=True)
            self.fail(module, f"hook {hook}() raised {type(exc).__name__}: {exc}",
                      f"fix the exception in {_where(func)}")
            return None
        wrong = check(result) if check else None
        if wrong:
            self.fail(module, f"hook {hook}() returned {_short(result)}, {wrong}",
                      f"change the return value of {_where(func)}")
            return None
        return result


def _where(func) -> str:
    code = getattr(func, "__code__", None)
    name = f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', func)}"
    return f"{name} ({code.co_filename}:{code.co_firstlineno})" if code else name


def _short(value) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:60] + '...' if len(text) > 60 else text}"


def get_host() -> Host:
    """The Host built for this process by the settings module."""
    if _host is None:
        raise RuntimeError("openimis_host.settings has not been loaded yet")
    return _host


def discover(*, only: list[str] | None = None, disabled: list[str] = (),
             policy: str = "fail", host_version: str = __version__) -> Host:
    """Find, select, check and load every module; order them; return the Host.

    Raises :class:`BootError` under ``policy="fail"`` if any module is broken,
    and :class:`ConfigError` when ``only``/``disabled`` name unknown modules.
    """
    global _host
    if policy not in POLICIES:
        raise ConfigError(f"OPENIMIS_MODULE_ERRORS={policy!r} is not valid: expected 'fail' or 'skip'")
    found, clashes = _from_entry_points()
    for name, module in _registered.items():
        clashes.pop(name, None)
        installed = found.pop(name, None)
        if installed is not None:
            # A module author testing their own, also pip-installed, module: the
            # registered object is the one under test; the metadata stays real.
            module.distribution, module.version = installed.distribution, installed.version
            module.requires_dist = installed.requires_dist
        found[name] = module

    known = set(found) | set(clashes)
    for var, names in (("OPENIMIS_MODULES", only or []), ("OPENIMIS_DISABLED_MODULES", disabled)):
        unknown = sorted(set(names) - known)
        if unknown:
            raise ConfigError(
                f"{var} names {', '.join(unknown)}, which is not installed; installed modules: "
                f"{', '.join(sorted(known)) or '(none)'}. Fix the name or pip install the module."
            )

    def unselected(name: str) -> str | None:
        if name in disabled:
            return "disabled by OPENIMIS_DISABLED_MODULES"
        if only is not None and name not in only:
            return "disabled by OPENIMIS_MODULES"
        return None

    host = Host([], policy)
    for name, claimants in sorted(clashes.items()):
        for module in claimants:
            host.modules.append(module)
            # A name left out by the operator is no conflict: the boot error
            # itself suggests OPENIMIS_DISABLED_MODULES as the way out.
            if reason := unselected(name):
                module.status, module.error = DISABLED, reason
                continue
            others = ", ".join(f"{m.distribution} {m.version}" for m in claimants if m is not module)
            host.fail(module, f"the module name '{name}' is also claimed by {others}",
                      "pip uninstall one of the distributions, or rename one entry point")

    for name, module in sorted(found.items()):
        host.modules.append(module)
        if reason := unselected(name):
            module.status, module.error = DISABLED, reason

    for module in host.loaded:
        _check_compatibility(host, module, host_version)
    for module in host.loaded:
        _load(host, module)
    host.modules = ordering.ordered(host)
    ordering.check_dependencies(host)
    host.settle()
    _host = host
    return host


def _from_entry_points() -> tuple[dict[str, Module], dict[str, list[Module]]]:
    found: dict[str, Module] = {}
    clashes: dict[str, list[Module]] = {}
    for ep in metadata.entry_points(group=plugins_spec.ENTRY_POINT_GROUP):
        dist = ep.dist
        # Each .metadata access parses the METADATA file again: read it once.
        meta = dist.metadata if dist else None
        module = Module(
            name=ep.name,
            distribution=meta["Name"] if meta else None,
            version=meta["Version"] if meta else None,
            entry_point=f"{ep.name} = {ep.value}",
            ep=ep,
            requires_dist=tuple((meta.get_all("Requires-Dist") or dist.requires or []) if meta
                                else ()),
        )
        if ep.name in found and found[ep.name].distribution == module.distribution:
            continue  # the same distribution seen twice on sys.path
        if ep.name in clashes:
            clashes[ep.name].append(module)
        elif ep.name in found:
            clashes[ep.name] = [found.pop(ep.name), module]
        else:
            found[ep.name] = module
    return found, clashes


def _requirements(module: Module) -> list[Requirement]:
    reqs = []
    for line in module.requires_dist:
        try:
            req = Requirement(line)
        except InvalidRequirement as exc:
            # pip would not have installed it; a hand-made one gets a word, not a failure.
            log.warning("module '%s' (%s): ignoring the Requires-Dist line %r: %s",
                        module.name, module.distribution, line, exc)
            continue
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            reqs.append(req)
    return reqs


def _check_compatibility(host: Host, module: Module, host_version: str) -> None:
    reqs = _requirements(module)
    if reqs:
        module.requires = frozenset(canonicalize_name(r.name) for r in reqs)
    for req in reqs:
        if canonicalize_name(req.name) != HOST_DISTRIBUTION:
            continue
        if not req.specifier.contains(Version(host_version), prereleases=True):
            host.fail(
                module,
                f"requires openimis-host{req.specifier}, but this host is {host_version}",
                f"install a release of {module.distribution} made for openimis-host "
                f"{host_version}, or pip install 'openimis-host{req.specifier}'",
            )


def _load(host: Host, module: Module) -> None:
    if not module.name.isidentifier():
        host.fail(module, f"the entry point name '{module.name}' is not a Python identifier",
                  "rename the entry point in [project.entry-points.\"openimis.modules\"]")
        return
    ep = module.ep
    if ep is not None:
        # Import, then look the attribute up, as ep.load() does; done in two steps so
        # that an AttributeError raised by the module's own code is not blamed on
        # the entry point value.
        try:
            with warn_if_slow(f"importing '{ep.module}'", module.name):
                plugin = importlib.import_module(ep.module)
        except SystemExit as exc:  # would end the host silently
            host.fail(module, f"importing '{ep.module}' called sys.exit({exc.code!r})",
                      f"remove the sys.exit() from {module.distribution}'s import-time code")
            return
        except Exception as exc:
            # No module of that name at all: the entry point value is wrong, not the code.
            missing = (isinstance(exc, ModuleNotFoundError)
                       and f"{ep.module}.".startswith(f"{exc.name}."))
            host.fail(module, f"importing '{ep.module}' failed: {type(exc).__name__}: {exc}",
                      f"fix the entry point value in {module.distribution}'s pyproject.toml"
                      if missing else
                      f"fix the import error in {module.distribution}, or pip install what it needs")
            return
        try:
            module.plugin = functools.reduce(getattr, filter(None, (ep.attr or "").split(".")),
                                             plugin)
        except AttributeError:
            host.fail(module, f"entry point '{ep.value}' names '{ep.attr}', which '{ep.module}' "
                              "does not define",
                      f"fix the entry point value in {module.distribution}'s pyproject.toml")
            return
    try:
        host.pm.register(module.plugin, name=module.name)
    except Exception as exc:  # pluggy's PluginValidationError, or the same object twice
        host.fail(module, f"its hooks do not match the contract: {exc}",
                  "compare the hook signatures with plugins_spec.hookspecs (hooks take no arguments)")
        return
    # pluggy accepted the plugin; look its hooks up directly (get_hookcallers
    # walks every hook of every plugin, quadratic over hundreds of modules).
    for attr in dir(module.plugin):
        # The marker pluggy's register() has just accepted (parse_hookimpl_opts
        # would look each attribute up a second time, slowly).
        is_impl = getattr(getattr(module.plugin, attr, None), IMPL_MARKER, None) is not None
        if is_impl and attr in HOOK_NAMES:
            module.hooks[attr] = getattr(module.plugin, attr)
        elif is_impl:
            host.fail(module, f"it implements '{attr}', which is not a hook of the contract",
                      "rename it to one of: " + ", ".join(HOOK_NAMES))
        elif attr in HOOK_NAMES:
            host.fail(module, f"'{attr}' is defined without @hookimpl, so it would never be called",
                      "decorate it with @plugins_spec.hookimpl")

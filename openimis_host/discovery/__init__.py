"""Discovery: installed distributions -> Module records, selected, checked, loaded and ordered.

This is the only place that reads the entry point groups ``openimis.modules``
and ``openimis.module_providers``. It returns a :class:`~openimis_host.host.Host`
whose modules are in load order, each registered with pluggy; assembly works
from that Host alone.
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
from importlib import metadata

from pluggy import PluginValidationError

import plugins_spec

from .. import __version__, builtin
from ..errors import ConfigError
from ..faults.slow import warn_if_slow
from ..host import DISABLED, HOOK_NAMES, LOADED, POLICIES, Host, Module, set_host
from . import distributions, hints, ordering

log = logging.getLogger("openimis_host")

HOST_DISTRIBUTION = "openimis-host"
#: pluggy options that would reorder or wrap calls; modules are called one by one in
#: module order (Requires-Dist), so these would silently mean nothing.
REFUSED_OPTIONS = ("tryfirst", "trylast", "hookwrapper", "wrapper")


def from_environment(env, *, registered: dict | None = None) -> Host:
    """:func:`discover` with OPENIMIS_MODULES, OPENIMIS_DISABLED_MODULES and OPENIMIS_MODULE_ERRORS.

    The ``modules`` command (which sets ``_OPENIMIS_INSPECT``) boots under skip
    whatever the policy, so it can list what is broken.
    """
    policy = env.choice("OPENIMIS_MODULE_ERRORS", "fail", POLICIES)
    inspect = bool(os.environ.get("_OPENIMIS_INSPECT"))
    return discover(
        only=env.list("OPENIMIS_MODULES", []) or None,
        disabled=env.list("OPENIMIS_DISABLED_MODULES", []),
        policy="skip" if inspect else policy, quiet=inspect,
        registered=registered, slow_seconds=env.float("OPENIMIS_SLOW_MODULE_SECONDS", 5.0),
    )


def discover(*, only: list[str] | None = None, disabled=(), policy: str = "fail",
             host_version: str = __version__, registered: dict | None = None,
             path: list[str] | None = None, quiet: bool = False, slow_seconds: float = 5.0) -> Host:
    """Find, select, check and load every module; order them; make and return the process Host.

    ``registered`` maps names to Module records made in-process (see
    :mod:`openimis_host.testing`); ``path`` limits the search to those folders
    (sys.path by default). Raises :class:`BootError` under ``policy="fail"`` if
    any module is broken, and :class:`ConfigError` when ``only``/``disabled``
    name unknown modules.
    """
    if policy not in POLICIES:
        raise ConfigError(f"OPENIMIS_MODULE_ERRORS={policy!r} is not valid: expected 'fail' or 'skip'")
    host = Host([], policy, quiet=quiet, slow_seconds=slow_seconds)
    eps = _entry_points(path)
    found = ([builtin.module()] + _from_entry_points(eps[plugins_spec.ENTRY_POINT_GROUP])
             + _from_providers(host, eps[plugins_spec.PROVIDER_GROUP]))
    for module in (registered or {}).values():
        installed = next((m for m in found if m.name == module.name and not m.builtin), None)
        if installed is not None:
            # A module author testing their own, also pip-installed, module: the
            # registered object is the one under test; the metadata stays real.
            found.remove(installed)
            module.distribution, module.version = installed.distribution, installed.version
            module.requires_dist, module.summary = installed.requires_dist, installed.summary
        found.append(module)

    known = {m.name for m in found if not m.builtin}
    for var, names in (("OPENIMIS_MODULES", only or []), ("OPENIMIS_DISABLED_MODULES", disabled)):
        unknown = sorted(set(names) - known)
        if unknown:
            raise ConfigError(
                f"{var} names {', '.join(unknown)}, which is not installed; installed modules: "
                f"{', '.join(sorted(known)) or '(none)'}. Fix the name or pip install the module."
            )
    for module in sorted(found, key=lambda m: (not m.builtin, m.name)):
        host.modules.append(module)
        if module.builtin or module.status != LOADED:
            continue
        if module.name in disabled:
            module.status, module.error = DISABLED, "disabled by OPENIMIS_DISABLED_MODULES"
        elif only is not None and module.name not in only:
            module.status, module.error = DISABLED, "disabled by OPENIMIS_MODULES"
    _check_names(host)
    for module in host.loaded:
        _check_compatibility(host, module, host_version)
    for module in host.loaded:
        _register(host, module)
    _take_impls(host)
    host.modules = ordering.ordered(host)
    ordering.check_dependencies(host)
    set_host(host)
    host.settle()
    return host


def _entry_points(path) -> dict[str, list]:
    """The entry points of both groups, from one scan of the installed distributions."""
    groups = (plugins_spec.ENTRY_POINT_GROUP, plugins_spec.PROVIDER_GROUP)
    if path is None:
        everything = metadata.entry_points()  # one pass over every dist-info; select() filters it
        return {group: list(everything.select(group=group)) for group in groups}
    eps = [ep for dist in metadata.distributions(path=path) for ep in dist.entry_points]
    return {group: [ep for ep in eps if ep.group == group] for group in groups}


def _from_entry_points(eps) -> list[Module]:
    modules: dict[tuple, Module] = {}
    for ep in eps:
        dist = ep.dist
        meta = distributions.read_headers(dist) if dist else None
        module = Module(
            name=ep.name,
            distribution=meta["Name"] if meta else None,
            version=meta["Version"] if meta else None,
            source=f"{ep.name} = {ep.value}",
            ep=ep,
            requires_dist=tuple(meta.get_all("Requires-Dist") or ()) if meta else (),
            summary=meta["Summary"] if meta else None,
            home_page=distributions.home_page(meta) if meta else None,
        )
        # The same distribution seen twice on sys.path counts once.
        modules.setdefault((ep.name, module.distribution), module)
    return list(modules.values())


def _from_providers(host: Host, eps) -> list[Module]:
    """The modules each ``openimis.module_providers`` callable supplies."""
    modules = []
    for ep in eps:
        meta = distributions.read_headers(ep.dist) if ep.dist else None
        # A failed provider is shown as a failed module named after itself.
        provider = Module(name=ep.name, distribution=meta["Name"] if meta else None,
                          version=meta["Version"] if meta else None,
                          source=f"provider {ep.name} = {ep.value}")
        try:
            provided = ep.load()()
        except Exception as exc:
            modules.append(provider)
            host.fail(provider, "openimis.E021",
                      f"the module provider '{ep.value}' raised {type(exc).__name__}: {exc}",
                      f"fix {provider.distribution}, or pip uninstall it")
            continue
        wrong = _provided_wrong(provided)
        if wrong:
            modules.append(provider)
            host.fail(provider, "openimis.E021", f"the module provider '{ep.value}' returned {wrong}",
                      f"make it return a list of plugins_spec.ProvidedModule ({provider.distribution})")
            continue
        for rank, record in enumerate(provided):
            modules.append(Module(
                name=record.name, distribution=record.distribution, version=record.version,
                source=f"provider {ep.name}", plugin=record.plugin, after=tuple(record.after),
                rank=rank,
            ))
    return modules


def _provided_wrong(provided) -> str | None:
    if not isinstance(provided, (list, tuple)):
        return f"a {type(provided).__name__}, not a list"
    for record in provided:
        if not isinstance(record, plugins_spec.ProvidedModule):
            return f"{record!r}, which is not a plugins_spec.ProvidedModule"
        if not isinstance(record.name, str) or record.plugin is None:
            return f"{record!r}, which lacks a name or a plugin"
    return None


def _check_names(host: Host) -> None:
    """Two distributions claiming one module name: each is refused, naming the others."""
    by_name: dict[str, list[Module]] = {}
    for module in host.loaded:
        by_name.setdefault(module.name, []).append(module)
    for name, claimants in by_name.items():
        if len(claimants) < 2:
            continue
        for module in claimants:
            if module.builtin:
                continue
            rivals = [m for m in claimants if m is not module]
            others = ", ".join(f"{m.distribution} {m.version}" + (" (built-in)" if m.builtin else "")
                               for m in rivals)
            # One fix for this distribution: OPENIMIS_DISABLED_MODULES=<name> would leave
            # out every claimant, the one to keep too.
            rename = (f"rename the entry point '{name}' in {module.distribution}'s pyproject.toml, "
                      + hints.reinstall(module.distribution))
            host.fail(module, "openimis.E001", f"the module name '{name}' is also claimed by {others}",
                      rename + f" ('{name}' is the host's built-in module)"
                      if any(m.builtin for m in rivals) else
                      f"to keep {rivals[0].distribution} as module '{name}': pip uninstall "
                      f"{module.distribution}; to keep both: {rename}")
    for module in host.loaded:
        if not module.name.isidentifier():
            host.fail(module, "openimis.E003", f"the module name '{module.name}' is not a Python identifier",
                      "rename the entry point in [project.entry-points.\"openimis.modules\"]")


def _check_compatibility(host: Host, module: Module, host_version: str) -> None:
    reqs = distributions.requirements(module)
    if reqs:
        module.requires = frozenset(name for name, _ in reqs)
    for name, specifier in reqs:
        if name != HOST_DISTRIBUTION or not specifier:
            continue
        if not distributions.host_satisfies(specifier, host_version):
            host.fail(
                module, "openimis.E002",
                f"requires openimis-host{specifier}, but this host is {host_version}",
                f"install a release of {module.distribution} made for openimis-host "
                f"{host_version}, or pip install 'openimis-host{specifier}'",
            )


def _register(host: Host, module: Module) -> None:
    """Import the module's plugin object (for an entry point) and register it with pluggy."""
    ep = module.ep
    if ep is not None:
        # Import, then look the attribute up, as ep.load() does; done in two steps so
        # that an AttributeError raised by the module's own code is not blamed on
        # the entry point value.
        try:
            with warn_if_slow(f"importing '{ep.module}'", module.name, host.slow_seconds):
                plugin = importlib.import_module(ep.module)
        except SystemExit as exc:  # would end the host silently
            host.fail(module, "openimis.E004", f"importing '{ep.module}' called sys.exit({exc.code!r})",
                      f"remove the sys.exit() from {module.distribution}'s import-time code")
            return
        except Exception as exc:
            # No module of that name at all: the entry point value is wrong, not the code.
            missing = (isinstance(exc, ModuleNotFoundError)
                       and f"{ep.module}.".startswith(f"{exc.name}."))
            site = None if missing else hints.raise_site(exc)
            if missing:
                fix = (f"fix the entry point value in {module.distribution}'s pyproject.toml, "
                       + hints.reinstall(module.distribution))
            else:
                fix = (f"fix the import error in {module.distribution}"
                       + (f" at {site}" if site else "") + ", or pip install what it needs")
            host.fail(module, "openimis.E004", f"importing '{ep.module}' failed: {type(exc).__name__}: "
                                               f"{exc}" + (f" (at {site})" if site else ""), fix)
            return
        try:
            module.plugin = functools.reduce(getattr, filter(None, (ep.attr or "").split(".")),
                                             plugin)
        except AttributeError:
            host.fail(module, "openimis.E005", f"entry point '{ep.value}' names '{ep.attr}', which "
                                               f"'{ep.module}' does not define",
                      f"fix the entry point value in {module.distribution}'s pyproject.toml, "
                      + hints.reinstall(module.distribution))
            return
    try:
        host.pm.register(module.plugin, name=module.name)
    except Exception as exc:  # pluggy's PluginValidationError, or the same object twice
        host.fail(module, "openimis.E006", f"its hooks do not match the contract: {exc}",
                  "compare the hook signatures with plugins_spec.hookspecs (hooks take no arguments)")
        return
    # One look at the plugin's names (not a getattr per hook name, mostly missing).
    hook_like = [n for n in dir(module.plugin) if n.startswith(hints.HOOK_PREFIX)]
    for name in (n for n in hook_like if n in HOOK_NAMES):
        # A function named like a hook but not marked would never be called.
        if (callable(getattr(module.plugin, name, None))
                and host.pm.parse_hookimpl_opts(module.plugin, name) is None):
            host.fail(module, "openimis.E007", f"'{name}' is defined without @hookimpl, so it would "
                                               "never be called",
                      "decorate it with @plugins_spec.hookimpl")
            return
    if ep is not None:
        for name in hints.unmarked_lookalikes(
                module.plugin, lambda n: host.pm.parse_hookimpl_opts(module.plugin, n) is not None):
            host.warn(module, "openimis.W005", *hints.lookalike_warning(name))


def _take_impls(host: Host) -> None:
    """Each module's hook implementations, from pluggy, in one pass over its hooks."""
    # pluggy's own check: an implementation of a hook that no hookspec declares.
    while True:
        try:
            host.pm.check_pending()
            break
        except PluginValidationError as exc:
            module = next(m for m in host.modules if m.plugin is exc.plugin)
            unknown = [c.name for c in host.pm.get_hookcallers(exc.plugin) or () if c.spec is None]
            host.fail(module, "openimis.E006",
                      f"it implements {', '.join(map(repr, unknown))}, which is not a hook of the contract",
                      "; ".join(hints.rename_advice(name) for name in unknown))
    by_name = {m.name: m for m in host.loaded}
    for hook, caller in vars(host.pm.hook).items():
        for impl in caller.get_hookimpls():
            module = by_name[impl.plugin_name]
            refused = [o for o in REFUSED_OPTIONS if getattr(impl, o, False)]
            if refused:
                host.fail(module, "openimis.E008",
                          f"its {hook} implementation uses @hookimpl({refused[0]}=True), which the "
                          "host gives no meaning: each module's hook is called on its own, in module "
                          "order",
                          "remove the option; to run after another module, require its distribution "
                          "(Requires-Dist)")
            elif hook in module.impls:
                # Two functions of one plugin for one hook (via specname): which one would
                # count is an accident of attribute order; say so instead.
                host.fail(module, "openimis.E006",
                          f"it implements {hook} twice ({module.impls[hook].function.__name__} and "
                          f"{impl.function.__name__})",
                          "keep one implementation of each hook per module")
            else:
                module.impls[hook] = impl

"""Assembly: hook results -> Django, in three phases listed here, in order.

Every file in this package has the same shape: ``collect(host)`` calls one
hook of every loaded module through :meth:`Host.collect` (which fails the
modules that raise or return the wrong type) and checks the results against
each other; then ``fold(host, settings, env)`` (before setup) or
``apply(host)`` (after setup) puts what the loaded modules gave on one Django
surface. Middleware is in both phases: added to the settings before setup,
imported (``verify``) after it. ``show(hook, result, module)`` is how ``openimis-host modules``
describes a result. ``shapes.py`` holds the result checks they share.

To add a hook: declare it in ``plugins_spec/hookspecs.py``, write its file
here, and list that file in the phase it belongs to below.
"""

from __future__ import annotations

from . import apps, exceptions, graphql, middleware, public, settings, tasks, urls

#: Before Django setup, while the settings module runs: (collect, fold into the settings).
#: Settings fold first: a module that defaults a host-owned setting fails there,
#: before its apps and middleware are added.
BEFORE_SETUP = (
    (settings.collect, settings.fold),
    (apps.collect, apps.fold),
    (middleware.collect, middleware.fold),
)
#: After setup, in the host app's ready(): (collect, build one surface on the Host).
AFTER_SETUP = (
    (urls.collect, urls.apply),
    (graphql.collect, graphql.apply),
    (public.collect, public.apply),  # after graphql: a module may list only its own fields
    (exceptions.collect, exceptions.apply),
    (tasks.collect, tasks.apply),
    (middleware.verify, middleware.apply),
)
#: Last, once everything above is built: each module's ready hook.
READY = "openimis_ready"

#: hook name -> the assembly file that owns it (for ``modules`` listings).
BY_HOOK = {hook: part
           for part in (apps, middleware, settings, urls, graphql, public, exceptions, tasks)
           for hook in part.HOOKS}


def fold_settings(host, namespace: dict, env) -> None:
    """Before setup: add the modules' apps, middleware and setting defaults to ``namespace``.

    ``namespace`` is the settings module's globals. Under ``fail`` a module
    problem stops here with every problem of the phase in one message.
    """
    for collect, _ in BEFORE_SETUP:
        collect(host)
    host.settle()
    for _, fold in BEFORE_SETUP:
        fold(host, namespace, env)


def assemble(host) -> None:
    """After setup: build every surface, then call the ready hooks.

    Under ``skip``, a module whose ready hook fails is left out of the surfaces
    too, so they are built again without it. (Its app and setting defaults stay:
    Django cannot unload an app.)
    """
    for collect, _ in AFTER_SETUP:
        collect(host)
    host.settle()
    for _, apply in AFTER_SETUP:
        apply(host)
    loaded = len(host.loaded)
    host.collect(READY)
    host.settle()
    if len(host.loaded) != loaded:
        for _, apply in AFTER_SETUP:
            apply(host)


def contributions(module) -> dict:
    """What a loaded module contributes, derived from ``module.results``, for people to read."""
    shown = {}
    for hook, result in module.results.items():
        part = BY_HOOK.get(hook)
        if part is not None and result:
            key, value = part.show(hook, result, module)
            shown[key] = value
    return shown

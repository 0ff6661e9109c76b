"""``openimis_middleware`` -> MIDDLEWARE, after the host's own.

Before setup the paths are added to the settings; after setup each is imported,
because Django imports middleware only when its first handler is built, where a
typo becomes a traceback that names no module.
"""

from .shapes import installed_paths

HOOK = "openimis_middleware"
HOOKS = (HOOK,)


def collect(host) -> None:
    """Before setup: call ``openimis_middleware`` of each loaded module."""
    host.collect(HOOK, installed_paths)


def verify(host) -> None:
    """After setup: import each module's middleware, failing the module whose path does not."""
    from django.utils.module_loading import import_string

    for module, paths in host.results(HOOK):
        for path in paths:
            try:
                import_string(path)
            except ImportError as exc:
                host.fail(module, "openimis.E020", f"its middleware {path!r} cannot be imported ({exc})",
                          "fix the dotted path that openimis_middleware() returns")
                break


def fold(host, settings: dict, env) -> None:
    """Append the loaded modules' middleware, in module order."""
    settings["MIDDLEWARE"] = settings["MIDDLEWARE"] + [p for _, paths in host.results(HOOK) for p in paths]


def apply(host) -> None:
    """Drop the middleware of modules that failed after settings were built (under skip)."""
    from django.conf import settings

    kept = {p for _, paths in host.results(HOOK) for p in paths}
    dropped = {p for m in host.modules if m.status != "loaded" for p in m.results.get(HOOK, ())} - kept
    if dropped:
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m not in dropped]


def show(hook, result, module):
    return "middleware", list(result)

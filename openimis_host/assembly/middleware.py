"""``openimis_middleware`` -> MIDDLEWARE (after the host's own)."""

from . import installed_paths


def collect(host) -> None:
    """Call ``openimis_middleware`` of each loaded module."""
    for module in host.loaded:
        middleware = host.call(module, "openimis_middleware", installed_paths)
        if middleware:
            module.contributions["middleware"] = list(middleware)


def installed(host) -> list[str]:
    """The loaded modules' middleware, in module order."""
    return [m for module in host.loaded for m in module.contributions.get("middleware", [])]


def verify(host) -> None:
    """After setup: each module's middleware imports.

    Django imports middleware only when the first handler is built, where a
    typo becomes a traceback that names no module; here it names the module.
    """
    from django.utils.module_loading import import_string

    for module in host.loaded:
        for path in module.contributions.get("middleware", []):
            try:
                import_string(path)
            except ImportError as exc:
                host.fail(module, f"its middleware {path!r} cannot be imported ({exc})",
                          "fix the dotted path that openimis_middleware() returns")
                break


def install(host) -> None:
    """Drop the middleware of modules that failed after settings were built (under skip)."""
    from django.conf import settings

    from ..modules import LOADED

    dropped = {m for module in host.modules if module.status != LOADED
               for m in module.contributions.get("middleware", [])}
    if dropped:
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m not in dropped]

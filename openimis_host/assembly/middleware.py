"""``openimis_middleware`` -> MIDDLEWARE (after the host's own)."""

from . import list_of_str


def collect(host) -> None:
    for module in host.loaded:
        middleware = host.call(module, "openimis_middleware", list_of_str)
        if middleware:
            module.contributions["middleware"] = list(middleware)


def installed(host) -> list[str]:
    return [m for module in host.loaded for m in module.contributions.get("middleware", [])]

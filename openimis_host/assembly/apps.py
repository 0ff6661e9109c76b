"""``openimis_django_apps`` -> INSTALLED_APPS."""

from . import installed_paths


def collect(host) -> None:
    """Call ``openimis_django_apps`` of each loaded module."""
    for module in host.loaded:
        apps = host.call(module, "openimis_django_apps", installed_paths)
        if apps:
            module.contributions["apps"] = list(apps)


def installed(host) -> list[str]:
    """Module apps in module order, each once."""
    seen: dict[str, None] = {}
    for module in host.loaded:
        seen.update(dict.fromkeys(module.contributions.get("apps", [])))
    return list(seen)

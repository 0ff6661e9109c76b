"""``openimis_django_apps`` -> INSTALLED_APPS, in module order."""

from .shapes import installed_paths

HOOK = "openimis_django_apps"
HOOKS = (HOOK,)


def collect(host) -> None:
    """Call ``openimis_django_apps`` of each loaded module."""
    host.collect(HOOK, installed_paths)


def fold(host, settings: dict, env) -> None:
    """Insert the module apps before the host's own app, each once, in module order.

    The host app comes last so that its ready() (which runs the after-setup
    phase) runs after every module's AppConfig.ready().
    """
    apps = dict.fromkeys(app for _, result in host.results(HOOK) for app in result)
    host_apps = settings["INSTALLED_APPS"]
    at = host_apps.index("openimis_host")
    settings["INSTALLED_APPS"] = host_apps[:at] + [a for a in apps if a not in host_apps] + host_apps[at:]


def show(hook, result, module):
    return "apps", list(result)

"""``openimis_settings`` -> setting defaults for the modules' own settings.

Precedence: an environment variable of the same name (parsed to the type of the
default) wins over the module's default. A module may not default a setting
that Django or the host defines (DESIGN.md, "Settings a module may not touch"):
that would let any installed module weaken the host's security. Two modules that
disagree on a default are a conflict too.
"""

from django.conf import global_settings

HOOK = "openimis_settings"
HOOKS = (HOOK,)

#: Families of settings that belong to Django and the host even where neither
#: defines a particular name (SESSION_FOO would still be read by someone's code).
#: AXES_*: the login lock-out (AXES_ONLY_ADMIN_SITE would turn it off for GraphQL);
#: WHITENOISE_*: static files (WHITENOISE_ROOT would serve any folder at the site root).
HOST_PREFIXES = ("PASSWORD_", "SESSION_", "CSRF_", "SECURE_", "AUTH_", "DATA_UPLOAD_", "JWT_",
                 "RATELIMIT_", "GRAPHQL_", "OPENIMIS_", "AXES_", "WHITENOISE_")


def _check(value) -> str | None:
    if not isinstance(value, dict) or not all(isinstance(k, str) and k.isupper() for k in value):
        return "expected a dict whose keys are UPPER_CASE setting names"
    return None


def collect(host) -> None:
    """Call ``openimis_settings`` of each loaded module; refuse disagreeing defaults."""
    owner: dict[str, tuple] = {}  # setting name -> (module, value)
    for name, values in host.collect(HOOK, _check).items():
        module = host.get(name)
        clash = next((n for n, v in values.items() if n in owner and owner[n][1] != v), None)
        if clash:
            first, first_value = owner[clash]
            host.fail(module, "openimis.E018",
                      f"its default {clash}={values[clash]!r} conflicts with module "
                      f"'{first.name}' ({first.distribution}), which sets {first_value!r}",
                      f"agree on one default, or have one module stop defining {clash} "
                      f"(an operator can settle it meanwhile by setting {clash} in the environment)")
            continue
        for setting, value in values.items():
            owner.setdefault(setting, (module, value))


def fold(host, settings: dict, env) -> None:
    """Add the loaded modules' defaults to ``settings``, with environment overrides applied.

    A default for a name the settings module (Django's globals included) already
    defines, or in a host-owned family, fails its module.
    """
    for module, values in host.results(HOOK):
        owned = sorted(n for n in values if n in settings or hasattr(global_settings, n)
                       or n.startswith(HOST_PREFIXES))
        if owned:
            host.fail(module, "openimis.E019",
                      f"its openimis_settings() defaults {', '.join(owned)}, which Django or the "
                      "host owns; a module may not change them",
                      "remove them from openimis_settings() (an operator sets host settings through "
                      "the environment; see docs/operators.md)")
    host.settle()
    for _, values in host.results(HOOK):
        for name, value in values.items():
            settings[name] = env.like(name, value) if env.is_set(name) else value


def show(hook, result, module):
    return "settings", sorted(result)

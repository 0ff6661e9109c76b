"""``openimis_settings`` -> setting defaults.

Precedence: a setting the host itself defines wins, then an environment
variable of the same name (parsed to the type of the default), then the
module's default. Two modules that disagree on a default are a conflict.
"""


def _check(value) -> str | None:
    if not isinstance(value, dict) or not all(isinstance(k, str) and k.isupper() for k in value):
        return "expected a dict whose keys are UPPER_CASE setting names"
    return None


def collect(host) -> None:
    """Call ``openimis_settings`` of each loaded module; refuse disagreeing defaults."""
    owner: dict[str, tuple] = {}  # setting name -> (module, value)
    for module in host.loaded:
        values = host.call(module, "openimis_settings", _check)
        if not values:
            continue
        clash = next((n for n, v in values.items() if n in owner and owner[n][1] != v), None)
        if clash:
            first, first_value = owner[clash]
            host.fail(module, f"its default {clash}={values[clash]!r} conflicts with module "
                              f"'{first.name}' ({first.distribution}), which sets {first_value!r}",
                      f"agree on one default, or have one module stop defining {clash} "
                      f"(an operator can settle it meanwhile by setting {clash} in the environment)")
            continue
        for name, value in values.items():
            owner.setdefault(name, (module, value))
        module.contributions["settings"] = sorted(values)
        module.results["openimis_settings"] = values


def defaults(host, env, host_settings: set[str]) -> dict:
    """The settings to add to the settings module, with environment overrides applied."""
    result = {}
    for module in host.loaded:
        for name, value in module.results.get("openimis_settings", {}).items():
            if name in host_settings:
                continue
            result[name] = env.like(name, value) if env.is_set(name) else value
    return result

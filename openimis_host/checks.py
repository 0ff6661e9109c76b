"""System checks (``openimis-host check``): configuration problems with ids and hints."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

from .host import get_host


@register(Tags.compatibility)
def module_problems(app_configs, **kwargs):
    """Each module problem under its own id (openimis.E001...), with its fix as the hint.

    They are reported as warnings: the host started without those modules
    (OPENIMIS_MODULE_ERRORS=skip), and an error here would also stop
    ``migrate``. Under ``fail`` the host does not start at all.
    """
    return [Warning(f"{p.origin} was left out: {p.what}", hint=p.fix, obj=p.module, id=p.id)
            for p in get_host().problems]


@register(Tags.compatibility)
def module_warnings(app_configs, **kwargs):
    """openimis.W005: a module's function looks like a hook, but the host never calls it."""
    return [Warning(f"{p.origin}: {p.what}", hint=p.fix, obj=p.module, id=p.id)
            for p in get_host().warnings]


@register(Tags.security, deploy=True)
def production_mode(app_configs, **kwargs):
    """openimis.W002: the deployment runs in MODE=DEV."""
    if settings.MODE == "DEV":
        return [Warning("MODE is DEV: DEBUG is on and GraphiQL is served",
                        hint="set MODE=PROD for a deployment", id="openimis.W002")]
    return []


#: Caches that every gunicorn worker shares (the database one too, if slowly; the
#: file-based one only among the workers of one machine).
SHARED_CACHES = ("RedisCache", "PyMemcacheCache", "PyLibMCCache", "DatabaseCache",
                 "FileBasedCache")


@register(Tags.security, deploy=True)
def shared_rate_limit_cache(app_configs, **kwargs):
    """openimis.W003: the GraphQL rate limit counts in a cache each worker has to itself."""
    if not settings.RATELIMIT_ENABLE:
        return []
    backend = settings.CACHES[settings.RATELIMIT_CACHE]["BACKEND"]
    if backend.rsplit(".", 1)[-1] in SHARED_CACHES:
        return []
    return [Warning(f"the rate limit counts in {backend} (cache '{settings.RATELIMIT_CACHE}'), "
                    "which is not shared: each gunicorn worker allows RATELIMIT_RATE on its own",
                    hint="set CACHE_BACKEND=redis and CACHE_URL=redis://<host>:6379/0",
                    id="openimis.W003")]


@register(Tags.compatibility, deploy=True)
def synchronous_mutations_in_prod(app_configs, **kwargs):
    """openimis.W004: openIMIS core runs its mutations in the request in PROD (no broker)."""
    if not getattr(settings, "ASYNC_MUTATIONS_CHOSEN", True):  # only with openIMIS core
        from .legacy import mutations

        if mutations.warning():
            return [Warning(mutations.SYNCHRONOUS_IN_PROD, hint=mutations.SYNCHRONOUS_IN_PROD_HINT,
                            id="openimis.W004")]
    return []


@register(Tags.compatibility)
def openimis_json_present(app_configs, **kwargs):
    """openimis.W007: an openimis.json where openimis-be_py would read it; the host ignores it."""
    from .management.openimis_json import differences, locate

    found = locate(settings.OPENIMIS_CONF_JSON, settings.OPENIMIS_CONF)
    if found is None:
        return []
    hint = ("the host loads the installed modules, never an openimis.json: install its modules "
            "with `openimis-host modules freeze --openimis-json FILE > requirements.txt` and "
            "`pip install -r requirements.txt`, then remove the file (or unset OPENIMIS_CONF / "
            "OPENIMIS_CONF_JSON)")
    if found.error:
        return [Warning(f"{found.origin}: an openimis.json is configured but cannot be read "
                        f"({found.error})", hint=hint, id="openimis.W007")]
    installed = [m.name for m in get_host().modules if not m.builtin]
    missing, unlisted = differences(found, installed)
    parts = [f"lists {len(found.names)} module(s)"]
    parts.append(f"not installed: {', '.join(missing)}" if missing else "all of them installed")
    if unlisted:
        parts.append(f"installed but not listed: {', '.join(unlisted)}")
    return [Warning(f"openimis.json found ({found.origin}) and ignored: it {'; '.join(parts)}",
                    hint=hint, id="openimis.W007")]


@register(Tags.compatibility)
def legacy_stack_downgraded(app_configs, **kwargs):
    """openimis.W008: a module's pins replaced part of openIMIS's stack (the legacy extra)."""
    from .legacy.settings import installed
    from .legacy.stack import downgrades

    if not installed("openimis-be-core"):
        return []
    return [Warning(d.message(), hint=d.fix(), id="openimis.W008") for d in downgrades()]


@register(Tags.compatibility)
def overwritten_distributions(app_configs, **kwargs):
    """openimis.W009: a distribution's files were written over by another (report's ``fpdf``)."""
    from .legacy.overwritten import overwritten

    return [Warning(o.message(), hint=o.fix(), id="openimis.W009") for o in overwritten()]

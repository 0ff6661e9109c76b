"""The settings openIMIS modules read, derived by the host when they are installed.

openIMIS modules read settings that openimis-be_py defines (``SITE_ROOT()``
called as a function, ROW_SECURITY, PASSWORD_*, the ``location`` and
``coverage`` caches...). Where a setting is the host's to decide
(AUTH_USER_MODEL, what SCHEDULER_AUTOSTART means), the host's code decides it
here, when core is installed, never a module's defaults. Each value an
operator may change is read from the environment through the host's
:class:`~openimis_host.env.Environment` (README: environment variables).
"""

from __future__ import annotations

import functools
import sys
from datetime import timedelta
from importlib import metadata

from ..errors import ConfigError


class SiteRoot(str):
    """SITE_ROOT as the host keeps it (``"api/"``), also callable as openIMIS calls it:
    ``settings.SITE_ROOT()``."""

    def __call__(self) -> str:
        return str(self)


@functools.cache  # asked several times while the settings load
def installed(distribution: str = "openimis-be-core") -> bool:
    """Whether ``distribution`` is installed (metadata only: nothing is imported)."""
    try:
        metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return False
    return True


def under_test_runner() -> bool:
    """Whether this process is Django's test command (``openimis-host test``, ``manage.py
    test``): openIMIS's settings set IS_TESTING from it, and core reads it when its models
    are imported (no user cache) and on every mutation (no CSRF check)."""
    return len(sys.argv) > 1 and sys.argv[1] == "test"


def is_testing(env, mode: str) -> bool:
    """IS_TESTING: true under the test runner, as openimis-be_py's settings make it;
    IS_TESTING=true forces it (e.g. pytest running a module's suite), but not for a server
    in PROD, where it would turn core's CSRF check off."""
    testing = env.bool("IS_TESTING", under_test_runner())
    if testing and mode == "PROD" and not under_test_runner():
        raise ConfigError("IS_TESTING=true with MODE=PROD: it turns off openIMIS core's CSRF "
                          "check; unset IS_TESTING (`openimis-host test` sets it by itself)")
    return testing


def graphql_jwt(current: dict) -> dict:
    """django-graphql-jwt's settings for core's tokenAuth, with the host's algorithm, keys,
    lifetime and cookie; expiry always verified (django-graphql-jwt's default is not to)."""
    algorithm = current["JWT_ALGORITHM"]
    keys = ({"JWT_SECRET_KEY": current["JWT_SIGNING_KEY"]} if algorithm.startswith("HS") else
            {"JWT_PRIVATE_KEY": current["JWT_SIGNING_KEY"], "JWT_PUBLIC_KEY": current["JWT_VERIFYING_KEY"],
             "JWT_SECRET_KEY": None})
    return {
        "JWT_ALGORITHM": algorithm,
        **keys,
        "JWT_VERIFY": True,
        "JWT_VERIFY_EXPIRATION": True,
        "JWT_EXPIRATION_DELTA": timedelta(seconds=current["JWT_EXPIRATION"]),
        "JWT_REFRESH_EXPIRATION_DELTA": timedelta(days=30),
        "JWT_AUTH_HEADER_PREFIX": "Bearer",
        "JWT_COOKIE_NAME": current["JWT_COOKIE_NAME"],
        "JWT_COOKIE_SECURE": current["JWT_COOKIE_SECURE"],
        "JWT_COOKIE_SAMESITE": current["JWT_COOKIE_SAMESITE"],
        # core's: tokens signed with the user's own key when it has one; the host's: the
        # revocation claim, added to each payload and checked on each decoding (legacy/jwt.py).
        "JWT_ENCODE_HANDLER": "core.jwt.jwt_encode_user_key",
        "JWT_DECODE_HANDLER": "openimis_host.legacy.jwt.decode",
        "JWT_PAYLOAD_HANDLER": "openimis_host.legacy.jwt.payload",
        "JWT_ALLOW_ANY_CLASSES": [
            "graphql_jwt.mutations.ObtainJSONWebToken", "graphql_jwt.mutations.Verify",
            "graphql_jwt.mutations.Refresh", "graphql_jwt.mutations.Revoke",
            "core.schema.ResetPasswordMutation", "core.schema.SetPasswordMutation",
        ],
    }


def async_mutations(env, mode: str, broker: str | None) -> tuple[bool, bool]:
    """(queued, chosen): whether core queues its mutations for ``openimis-host celery worker``,
    and whether the operator said so with ASYNC (core's own variable, read here as a real boolean).

    Unset, they are queued in PROD when there is a broker (openIMIS's rule is "PROD: queued").
    PROD without CELERY_BROKER_URL runs them in the request, as DEV does, with a warning
    (docs/openimis-modules.md: Asynchronous mutations). ASYNC=true without a broker stops the boot.
    """
    if not env.is_set("ASYNC"):
        return mode == "PROD" and bool(broker), False
    queued = env.bool("ASYNC", False)
    if queued and not broker:
        raise ConfigError("ASYNC=true but CELERY_BROKER_URL is not set: core's mutations would be "
                          "queued with nowhere to go; set CELERY_BROKER_URL (e.g. "
                          "amqp://guest:guest@rabbitmq:5672//) and run `openimis-host celery "
                          "worker`, or set ASYNC=false to run them in the request")
    return queued, True


def derive(env, current: dict) -> dict:
    """The settings to add when openIMIS's core is installed; ``current`` is the host's so far."""
    from .installed import installed as installed_modules

    # new: tables from the models (their migrations need openIMIS's SQL schema);
    # existing: a database made by openIMIS's scripts, where their real migrations run.
    database = env.choice("OPENIMIS_DATABASE", "new", ("new", "existing"))
    syncdb = database == "new"
    engine = current["DATABASES"]["default"]["ENGINE"]
    mode = current["MODE"]
    queued, chosen = async_mutations(env, mode, current["CELERY_BROKER_URL"])
    caches = dict(current["CACHES"])
    for alias, prefix in (("location", "loc"), ("coverage", "cov")):
        # Used by location's and policy's models at import time, like openimis-be_py's.
        caches.setdefault(alias, {**caches["default"], "KEY_PREFIX": prefix})
    scheduler_jobs = [
        # openimis-be_py's one default job; it belongs to policy.
        {"method": "policy.tasks.get_policies_for_renewal", "args": ["cron"],
         "kwargs": {"id": "openimis_renewal_batch", "hour": 8, "minute": 30}},
    ] if installed("openimis-be-policy") else []
    return {
        "SITE_ROOT": SiteRoot(current["SITE_ROOT"]),
        "SITE_URL": SiteRoot(current["SITE_URL"].rstrip("/")),
        "AUTH_USER_MODEL": "core.User",
        "HOST_TOKEN_AUTH": False,  # core's tokenAuth is the login
        "JWT_USER_FOR_TOKEN": "openimis_host.legacy.jwt.user_for_token",
        "GRAPHQL_JWT": graphql_jwt(current),
        "ROW_SECURITY": env.bool("ROW_SECURITY", True),
        "MSSQL": "mssql" in engine or "sql_server" in engine,
        "IS_TESTING": is_testing(env, mode),
        # Read by legacy/mutations.py, which sets core's own flag (core.async_mutations) from it.
        "ASYNC_MUTATIONS": queued,
        "ASYNC_MUTATIONS_CHOSEN": chosen,
        # A mutation log still at status 0 this long after it was received is failed (pending.py).
        "MUTATION_PENDING_SECONDS": env.int("MUTATION_PENDING_SECONDS", 600, minimum=1),
        "PASSWORD_MIN_LENGTH": env.int("PASSWORD_MIN_LENGTH", 8, minimum=0),
        "PASSWORD_UPPERCASE": env.int("PASSWORD_UPPERCASE", 1, minimum=0),
        "PASSWORD_LOWERCASE": env.int("PASSWORD_LOWERCASE", 1, minimum=0),
        "PASSWORD_DIGITS": env.int("PASSWORD_DIGITS", 1, minimum=0),
        "PASSWORD_SYMBOLS": env.int("PASSWORD_SYMBOLS", 1, minimum=0),
        "CACHE_OBJECT_DEFAULT": env.bool("CACHE_OBJECT_DEFAULT", True),
        "CACHE_OBJECT_TTL": env.int("CACHE_OBJECT_TTL", 3600, minimum=0) or None,
        "CACHES": caches,
        # core.scheduler builds (never starts) an APScheduler from this at import time.
        "SCHEDULER_CONFIG": {
            "apscheduler.jobstores.default": {"class": "django_apscheduler.jobstores:DjangoJobStore"},
            "apscheduler.executors.processpool": {"type": "threadpool"},
        },
        "SCHEDULER_JOBS": env.json("SCHEDULER_JOBS", scheduler_jobs),
        "SCHEDULER_CUSTOM": [],
        "AXES_ENABLED": mode == "PROD",
        "AXES_FAILURE_LIMIT": env.int("LOGIN_LOCKOUT_FAILURE_LIMIT", 5, minimum=1),
        "AXES_COOLOFF_TIME": timedelta(minutes=env.int("LOGIN_LOCKOUT_COOLOFF_TIME", 5, minimum=0)),
        "USER_AGENT_CSRF_BYPASS": env.list("USER_AGENT_CSRF_BYPASS", []),
        # The zip password of openimis-be-tools' master data export, as openimis-be_py sets it.
        "MASTER_DATA_PASSWORD": env.str("MASTER_DATA_PASSWORD"),
        "OPENIMIS_DATABASE": database,
        "LEGACY_SYNCDB": syncdb,  # read by the migrate command
        "MIGRATION_MODULES": {**current.get("MIGRATION_MODULES", {}),
                              **dict.fromkeys(installed_modules() if syncdb else (), None)},
    }

"""The plugin object of one openIMIS module: openimis-be_py's by-name conventions as host hooks.

openimis-be_py imports ``<name>.urls``, ``<name>.schema.Query``/``Mutation``/
``bind_signals``, ``<name>.signals.bind_service_signals`` and
``<name>.scheduled_tasks.schedule_tasks`` by name, and each module registers
its DRF exception handler in ``openIMIS.ExceptionHandlerRegistry``. Here each
of those becomes the matching hook, so the host's own assembly (conflict
checks, mounts, handler per module, the host's scheduler) does the rest.
"""

from __future__ import annotations

import importlib
import logging

from plugins_spec import hookimpl

from . import needs

log = logging.getLogger("openimis_host.legacy")


#: What a module may have, as found in its files by the provider (``parts``).
PARTS = ("urls", "query", "mutation", "exception_handler", "scheduled_tasks", "signals")


def make_plugin(name: str, distribution: str, parts) -> LegacyPlugin:
    """The plugin object for module ``name``, with the hooks for the ``parts`` it has.

    A hook the module has nothing for is left out rather than returning None:
    the host treats an implemented hook's result as a contribution to check.
    """
    bases = tuple(_MIXINS[p] for p in PARTS if p in parts and p in _MIXINS)
    if name == "core" and {"query", "mutation"} & set(parts):
        bases += (_CorePublic,)
    kind = type(f"LegacyPlugin_{name}", (*bases, LegacyPlugin), {"__doc__": LegacyPlugin.__doc__})
    return kind(name, distribution, frozenset(parts))


class LegacyPlugin:
    """The hook implementations for the openIMIS module ``name`` (from ``distribution``)."""

    def __init__(self, name: str, distribution: str, parts: frozenset = frozenset()):
        self.name = name
        self.distribution = distribution
        self.parts = parts

    def __repr__(self) -> str:
        return f"<openIMIS module {self.name} ({self.distribution})>"

    def submodule(self, part: str):
        """``<name>.<part>``, imported (its own import errors are this module's failure)."""
        return importlib.import_module(f"{self.name}.{part}")

    @hookimpl
    def openimis_django_apps(self):
        """The module's app, listed by its package name as openimis-be_py lists it (openIMIS
        code imports ``<entry>.apps``), after checking what it needs but does not declare.
        core comes after the bridge's own app, which keeps core's scheduler off (apps.py)."""
        needs.check(self.name)
        if self.name == "core":
            # core imports django_apscheduler at start-up, records logins with axes, and its
            # User clears django-graphql-jwt's refresh tokens (as openimis-be_py installs them).
            return ["django_apscheduler", "axes", "graphql_jwt.refresh_token.apps.RefreshTokenConfig",
                    "openimis_host.legacy", "core"]
        return [self.name]

    @hookimpl
    def openimis_middleware(self):
        """core: axes (lock-out after failed logins, and the request attributes core's tokenAuth
        needs) and ``request.dataloaders``."""
        if self.name != "core":
            return []
        return ["axes.middleware.AxesMiddleware", "core.middleware.DefaultAxesAttributesMiddleware",
                "openimis_host.legacy.dataloaders.DataloaderMiddleware"]

    @hookimpl
    def openimis_scheduled_tasks(self):
        """``<name>.scheduled_tasks.schedule_tasks(scheduler)`` and its ``SCHEDULER_JOBS`` entries,
        as host tasks: the host's scheduler runs them, once per tick in the deployment; for core
        also the reaper of mutation logs left at status 0 (``core.fail_pending_mutations``)."""
        from .tasks import Recorder

        recorder = Recorder(self.name)
        if "scheduled_tasks" in self.parts:
            schedule = getattr(self.submodule("scheduled_tasks"), "schedule_tasks", None)
            if callable(schedule):
                schedule(recorder)
        # Each SCHEDULER_JOBS entry runs as a task of the module its method is in (a job of
        # a module that failed goes with it); core takes those of no installed openIMIS module,
        # so that they fail loudly rather than never run.
        recorder.add_jobs_setting(owned=True)
        if self.name == "core":
            recorder.add_jobs_setting(owned=False)
            # The host's own: mutation logs left at status 0 too long are failed (pending.py).
            from plugins_spec import ScheduledTask

            from .pending import EVERY

            recorder.tasks.append(ScheduledTask(name="fail_pending_mutations", every=EVERY,
                                                func="openimis_host.legacy.pending.fail_pending"))
        return recorder.tasks

    @hookimpl
    def openimis_ready(self):
        """``<name>.schema.bind_signals()`` and ``<name>.signals.bind_service_signals()``;
        for core, its login's refusals as client errors, a clear error for a mutation sent
        without its CSRF token, its logout mutations ending tokens and sessions, its mutations
        run in the request or queued for the Celery workers, as the host decided, and a fresh
        signing key for each password change (so that the change ends the user's tokens), and
        openIMIS's reference data and the SQL objects the modules' SQL reads made by migrate on
        a new database."""
        if self.name == "core":
            from . import csrf, mutations, reference_data, revoke, sql_objects, user_keys

            csrf.install()
            mutations.install()
            revoke.install()
            user_keys.install()
            reference_data.install()
            sql_objects.install()
        if self.name == "report":
            from openIMIS.openimisapps import openimis_apps

            from .reports import warn_unregistered

            warn_unregistered(openimis_apps())
        if "query" in self.parts or "mutation" in self.parts:
            bind = getattr(self.submodule("schema"), "bind_signals", None)
            if callable(bind):
                bind()
        if "signals" in self.parts:
            bind = getattr(self.submodule("signals"), "bind_service_signals", None)
            if callable(bind):
                bind()


class _Urls:
    @hookimpl
    def openimis_urlpatterns(self):
        """``<name>.urls.urlpatterns``, mounted at ``<SITE_ROOT><name>/`` as openimis-be_py does."""
        return list(getattr(self.submodule("urls"), "urlpatterns", []))

    def url_namespace(self):
        """The URL namespace openimis-be_py's ``include("<name>.urls")`` gives: the ``app_name``
        of the module's urls.py, usually none, so that its code's ``reverse("<url name>")``
        finds its URLs (assembly/urls.py)."""
        return getattr(self.submodule("urls"), "app_name", None)


class _Query:
    @hookimpl
    def openimis_graphql_query(self):
        """``<name>.schema.Query``."""
        return _object_type(self.submodule("schema").Query)


class _Mutation:
    @hookimpl
    def openimis_graphql_mutation(self):
        """``<name>.schema.Mutation``."""
        return _object_type(self.submodule("schema").Mutation)


def _object_type(cls):
    """``cls`` as a graphene ObjectType. openimis-be_py merges the modules' classes by
    inheritance next to ObjectType, so a plain class of fields works there (workflow's Query
    is one): here it becomes the ObjectType that inheritance would have made."""
    import graphene

    if not isinstance(cls, type) or issubclass(cls, graphene.ObjectType):
        return cls  # anything else is for the host's own check to name
    return type(cls.__name__, (cls, graphene.ObjectType), {"__module__": cls.__module__})


#: core's root fields that openIMIS's frontend (@openimis/fe-core 1.11.0) calls without a
#: logged-in user, found in its source (docs/openimis-modules.md, "Public GraphQL fields"):
#: on every page load ``refreshToken`` (actions.js initialize -> login() -> refreshAuthToken);
#: on submitting the login form ``tokenAuth`` then ``getCsrfToken`` (actions.js login,
#: fetchCsrfToken); on the pages the login page links to, /forgot_password ``resetPassword`` and
#: /set_password ``passwordPolicy`` and ``setPassword``; on logout after the session expired
#: (App.js "csrf_logout") ``deleteTokenCookie`` and ``deleteRefreshTokenCookie``.
CORE_PUBLIC_FIELDS = ("tokenAuth", "refreshToken", "getCsrfToken", "resetPassword", "setPassword",
                      "passwordPolicy", "deleteTokenCookie", "deleteRefreshTokenCookie")


class _CorePublic:
    @hookimpl
    def openimis_public_graphql_fields(self):
        """core's fields that openIMIS's frontend calls before its user has logged in (those
        of :data:`CORE_PUBLIC_FIELDS` that this core release defines)."""
        from ..assembly.graphql import field_names

        schema = self.submodule("schema")
        own = {name for cls in (getattr(schema, "Query", None), getattr(schema, "Mutation", None))
               if cls is not None for name in field_names(_object_type(cls))}
        return [name for name in CORE_PUBLIC_FIELDS if name in own]


class _ExceptionHandler:
    @hookimpl
    def openimis_exception_handler(self):
        """The handler the module registered in ``openIMIS.ExceptionHandlerRegistry`` in ready()."""
        from openIMIS.ExceptionHandlerRegistry import ExceptionHandlerRegistry

        return ExceptionHandlerRegistry.get_exception_handler(self.name)


_MIXINS = {"urls": _Urls, "query": _Query, "mutation": _Mutation,
           "exception_handler": _ExceptionHandler}

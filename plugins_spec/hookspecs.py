"""The eleven hooks of the contract. Each docstring is the documentation.

Every hook is optional and takes no arguments. Implement one in your module's
plugin object (the object your ``openimis.modules`` entry point names)::

    from plugins_spec import hookimpl

    @hookimpl
    def openimis_django_apps():
        return ["openimis_claim"]

"Before Django setup" hooks run while settings are being built: they must not
import Django models, DRF, graphene or your own views, only return plain data.
"After setup" hooks run once the app registry is ready, so they may import
anything. A hook that raises, or returns the wrong type, marks the whole module
as failed (see ``OPENIMIS_MODULE_ERRORS`` in the README).
"""

from plugins_spec import hookspec


@hookspec
def openimis_django_apps():
    """Django apps this module installs, as a ``list[str]`` of app labels or AppConfig paths.

    Called before Django setup. The host appends them to ``INSTALLED_APPS`` in
    module order (a module comes after the modules whose distributions it
    requires). Return dotted paths only; do not import the apps here.
    """


@hookspec
def openimis_settings():
    """Default values for Django settings, as a ``dict[str, object]``.

    Called before Django setup. Names should be UPPER_CASE and prefixed with
    your module name (``CLAIM_PAGE_SIZE``). A value set by the host, or an
    environment variable of the same name, wins over your default; the
    environment value is parsed to the type of your default (int, float, bool,
    list, dict as JSON, or str). Two modules giving different defaults for one
    name is a conflict.
    """


@hookspec
def openimis_middleware():
    """Django middleware this module adds, as a ``list[str]`` of dotted paths.

    Called before Django setup. They are appended after the host's own
    middleware, in module order.
    """


@hookspec
def openimis_urlpatterns():
    """URL patterns this module serves, as a list of Django ``path()``/``re_path()``.

    Called after Django setup, so views may be imported here. The host mounts
    them at ``<SITE_ROOT><module>/`` under the URL namespace ``<module>``, so
    ``reverse("claim:detail")`` works. DRF views mounted here use this
    module's exception handler.
    """


@hookspec
def openimis_graphql_query():
    """A graphene ``ObjectType`` subclass whose fields join the root ``Query``.

    Called after Django setup. Each field name must be unique across modules;
    prefix them with your module name if in doubt.
    """


@hookspec
def openimis_graphql_mutation():
    """A graphene ``ObjectType`` subclass whose fields join the root ``Mutation``.

    Called after Django setup. Same uniqueness rule as the query fields.
    """


@hookspec
def openimis_graphql_types():
    """Extra graphene types for the schema, as a list (for example interface
    implementations that no field names directly).

    Called after Django setup. A type name may be defined by one module only;
    reusing another module's type class is fine.
    """


@hookspec
def openimis_exception_handler():
    """A DRF exception handler ``handler(exc, context) -> Response | None``.

    Called after Django setup. The host calls it for exceptions raised in DRF
    views that this module mounts (chosen by the resolved URL namespace, never
    by the path). Return ``None`` to fall back to DRF's default handler.
    """


@hookspec
def openimis_scheduled_tasks():
    """Periodic jobs, as a ``list[plugins_spec.ScheduledTask]``.

    Called after Django setup. Each task is registered as ``<module>.<name>``
    and run by ``openimis-host scheduler`` (or by a gunicorn worker when
    ``SCHEDULER_AUTOSTART`` is true), or by Celery workers with
    ``SCHEDULER_BACKEND=celery``: the same function on either backend, once per
    tick in the whole deployment, and never overlapping itself beyond
    ``max_instances``. A task that raises is logged and recorded as failed. A
    record that does not hold together is reported at boot.
    """


@hookspec
def openimis_public_graphql_fields():
    """Root Query/Mutation fields that anonymous requests may reach, as a ``list[str]`` of
    GraphQL names (``"passwordPolicy"``, not ``"password_policy"``). Contract v1.2.

    Called after Django setup. In PROD (``GRAPHQL_LOGIN_REQUIRED``) a request without a
    logged-in user may select only the fields some module lists here (or that the operator
    adds with ``GRAPHQL_PUBLIC_FIELDS``); a request selecting any other root field is
    refused as a whole with the error "authentication required", before any resolver
    runs. List only your own fields: a name that is not a root field of your module's
    ``openimis_graphql_query()`` or ``openimis_graphql_mutation()`` fails your module.
    Make a field public only if it shows nothing about anyone (a login, a password
    reset that answers the same for every address, a password policy).
    """


@hookspec
def openimis_ready():
    """Called once per process, after every module is assembled; returns nothing.

    Bind signals and warm caches here. It runs after every module's
    ``AppConfig.ready()``, and also before ``migrate`` (the CLI and gunicorn's
    DJANGO_MIGRATE assemble the host first), so it must not need your tables.
    """

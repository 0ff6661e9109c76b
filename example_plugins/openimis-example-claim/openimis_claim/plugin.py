"""The plugin object named by the entry point. It imports nothing heavy at import time."""

from plugins_spec import ScheduledTask, hookimpl


@hookimpl
def openimis_django_apps():
    return ["openimis_claim.apps.ClaimConfig"]


@hookimpl
def openimis_settings():
    return {"CLAIM_MAX_AMOUNT": 1000, "CLAIM_STALE_AFTER_DAYS": 30}


@hookimpl
def openimis_middleware():
    return ["openimis_claim.middleware.ClaimVersionHeader"]


@hookimpl
def openimis_urlpatterns():
    from .urls import urlpatterns

    return urlpatterns


@hookimpl
def openimis_graphql_query():
    from .schema import Query

    return Query


@hookimpl
def openimis_graphql_mutation():
    from .schema import Mutation

    return Mutation


@hookimpl
def openimis_graphql_types():
    from .schema import ClaimStatus

    return [ClaimStatus]


@hookimpl
def openimis_exception_handler():
    from .exceptions import handler

    return handler


@hookimpl
def openimis_scheduled_tasks():
    from .tasks import close_stale_claims

    return [ScheduledTask(name="close_stale_claims", func=close_stale_claims, cron="0 * * * *")]


@hookimpl
def openimis_ready():
    from . import apps

    apps.READY_CALLS += 1

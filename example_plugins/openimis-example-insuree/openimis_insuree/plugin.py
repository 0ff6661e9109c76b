"""The plugin object named by the entry point. It imports nothing heavy at import time."""

from datetime import timedelta

from plugins_spec import ScheduledTask, hookimpl


@hookimpl
def openimis_django_apps():
    return ["openimis_insuree"]


@hookimpl
def openimis_settings():
    return {"INSUREE_NUMBER_LENGTH": 8, "INSUREE_GREETING": "hello"}


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
def openimis_exception_handler():
    from .exceptions import handler

    return handler


@hookimpl
def openimis_scheduled_tasks():
    return [ScheduledTask(name="count_insurees", func="openimis_insuree.tasks.count_insurees",
                          every=timedelta(seconds=30))]


@hookimpl
def openimis_ready():
    from . import signals

    signals.connect()

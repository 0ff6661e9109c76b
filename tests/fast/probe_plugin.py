"""A plugin registered in-process by the fast tier: a view that raises, a DRF view, a task."""

import graphene

from plugins_spec import ScheduledTask, hookimpl


@hookimpl
def openimis_urlpatterns():
    from django.http import JsonResponse
    from django.urls import path
    from rest_framework.exceptions import NotFound
    from rest_framework.views import APIView

    class Missing(APIView):
        authentication_classes = []
        permission_classes = []

        def get(self, request):
            raise NotFound("no such thing")

    return [path("echo/<str:word>", lambda request, word: JsonResponse({"word": word}), name="echo"),
            path("missing", Missing.as_view(), name="missing")]


@hookimpl(specname="openimis_graphql_query")
def query_fields():
    class Query(graphene.ObjectType):
        probe_answer = graphene.Int()

        @staticmethod
        def resolve_probe_answer(root, info):
            return 42

    return Query


@hookimpl
def openimis_scheduled_tasks():
    return [ScheduledTask(name="tick", func="probe_plugin.tick", cron="*/5 * * * *")]


def tick():
    return "ticked"

"""The root URLconf: host endpoints under SITE_ROOT, then every module's mount."""

from django.conf import settings
from django.contrib import admin
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from .assembly import graphql, urls
from .graphql_view import HostGraphQLView
from .health import health
from .modules import get_host

root = settings.SITE_ROOT

urlpatterns = [
    path(f"{root}health", health, name="health"),
    path(f"{root}graphql", csrf_exempt(HostGraphQLView.for_schema(graphql.schema,
                                                                 graphiql=settings.DEBUG)),
         name="graphql"),
    path(f"{root}admin/", admin.site.urls),
    urls.routes(get_host(), root),
]

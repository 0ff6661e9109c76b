"""The host's own Django app: assembles the after-setup hooks once the registry is ready."""

from django.apps import AppConfig


class HostConfig(AppConfig):
    name = "openimis_host"
    label = "openimis_host"
    verbose_name = "openIMIS host"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            checks,  # noqa: F401  registers the system checks
            querylog,
        )

        querylog.install()
        from .assembly import exceptions, graphql, middleware, tasks, urls
        from .modules import get_host
        from .security.ratelimit import verify_key

        verify_key()
        host = get_host()
        for part in (urls, graphql, exceptions, tasks):
            part.collect(host)
        middleware.verify(host)
        host.settle()

        def install():
            graphql.build(host)
            exceptions.install(host)
            tasks.install(host)
            middleware.install(host)

        install()
        loaded = len(host.loaded)
        for module in host.loaded:
            host.call(module, "openimis_ready")
        host.settle()
        if len(host.loaded) != loaded:
            # Under skip, a module whose ready hook failed is left out of the
            # schema, handlers, tasks and middleware too (the URLconf is built later, from
            # the modules still loaded).
            install()

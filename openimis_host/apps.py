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
        from .security import revocation  # noqa: F401  binds revocation to Django's logout signal

        querylog.install()
        from .assembly import assemble
        from .host import get_host
        from .security.ratelimit import verify_key

        verify_key()
        assemble(get_host())

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

        # Bind their signal receivers before any login: revocation to Django's logout, and
        # sessions to its login (a session records its token version when it is opened).
        from .security import revocation, sessions  # noqa: F401

        querylog.install()
        from .assembly import assemble
        from .host import get_host
        from .security.ratelimit import verify_key

        verify_key()
        assemble(get_host())

"""ASGI entry point, for servers such as uvicorn: ``openimis_host.server.asgi:application``."""

import os

from django.core.asgi import get_asgi_application

from openimis_host.errors import HostError, exit_with

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimis_host.settings")

try:
    application = get_asgi_application()
except HostError as exc:
    # A message an operator can act on, instead of a traceback from deep in the import.
    exit_with(exc)

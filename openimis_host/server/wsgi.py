"""WSGI entry point: ``gunicorn openimis_host.server.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

from openimis_host.errors import HostError, exit_with

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimis_host.settings")

try:
    application = get_wsgi_application()
except HostError as exc:
    # A message an operator can act on, instead of a traceback from deep in the import.
    exit_with(exc)

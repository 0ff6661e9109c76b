"""ASGI entry point, for servers such as uvicorn: ``openimis_host.asgi:application``."""

import os
import sys

from django.core.asgi import get_asgi_application

from openimis_host.errors import HostError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openimis_host.settings")

try:
    application = get_asgi_application()
except HostError as exc:
    print(f"openimis-host: {exc}", file=sys.stderr, flush=True)
    sys.exit(2)

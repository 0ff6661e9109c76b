"""One openimis-host in this process, as shipped for PROD, for the small GraphQL benchmarks.

    from host_setup import setup_host
    call = setup_host(GRAPHQL_DOCUMENT_CACHE_SIZE="0")   # returns post(body) -> (status, body)

Needs only openimis-host installed in the running Python (``.venv-test`` will do):
no module, no database server (SQLite in a temporary directory).
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile

import inprocess


def setup_host(**env: str):
    """Set Django up with the host's settings in PROD plus ``env``; return a GraphQL caller."""
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "openimis_host.settings", "MODE": "PROD",
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false", "RATELIMIT_ENABLE": "false", "DJANGO_LOG_LEVEL": "ERROR",
        "SQLITE_PATH": os.path.join(tempfile.mkdtemp(), "db.sqlite3"), "OPENIMIS_MODULES": "",
        **env,
    })
    import django
    from django.core.wsgi import get_wsgi_application

    django.setup()
    app = get_wsgi_application()

    def post(query: str):
        body = json.dumps({"query": query}).encode()
        return inprocess.request_caller(app, "POST", "/graphql", body)()

    return post

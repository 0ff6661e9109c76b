"""DJANGO_DB_LOG_HANDLER: log every SQL query, in PROD too.

Django logs queries (logger ``django.db.backends``) only from connections in
debug mode, which is every connection when DEBUG is on and none in PROD. This
puts each new connection in debug mode when the operator asked for the log.
"""

from django.conf import settings
from django.db.backends.signals import connection_created


def _log_queries(sender, connection, **kwargs):
    connection.force_debug_cursor = True


def install() -> None:
    """Called once from the host app's ready()."""
    if settings.DJANGO_DB_LOG_HANDLER:
        connection_created.connect(_log_queries, dispatch_uid="openimis_host.querylog")

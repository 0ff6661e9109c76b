"""``ENGINE = "openimis_host.sqlite"``: Django's SQLite backend, plus one thing.

With ``CREATE_DIRECTORY`` in the database settings, the directory of the database file
is created on the first connection. The host's default file is ``.run/db.sqlite3`` under
the working directory; creating ``.run/`` only when a connection is opened keeps commands
that need no database (``create_module``, ``modules``) from leaving it behind.
"""

from pathlib import Path

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    """SQLite, creating the file's directory first when the settings ask for it."""

    def get_new_connection(self, conn_params):
        if self.settings_dict.get("CREATE_DIRECTORY"):
            Path(conn_params["database"]).parent.mkdir(parents=True, exist_ok=True)
        return super().get_new_connection(conn_params)

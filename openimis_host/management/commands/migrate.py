"""``openimis-host migrate``: Django's migrate, which also creates openIMIS modules' tables.

openIMIS modules' migrations expect openIMIS's own SQL schema: on an empty
database core.0001 fails on PostgreSQL ("relation tblUsers does not exist")
and core.0013 on SQLite. So on a new database (``OPENIMIS_DATABASE=new``, the
default) their migrations are switched off (MIGRATION_MODULES, set in
legacy/settings.py) and their tables are created from their models (Django's
``--run-syncdb``), after auth's: their foreign keys point at auth's tables,
which PostgreSQL checks. A few of their models are unmanaged (``managed = False``:
openIMIS's SQL schema makes the table, e.g. controls' tblControls); on a new database
their tables are made from the models too. The one-to-one links of openIMIS's versioned models
are made as openIMIS's schema has them, without a unique constraint (legacy/versioned_links.py).
With ``OPENIMIS_DATABASE=existing`` (a
database made by openIMIS's own SQL scripts) their real migrations run, as Django's
migrate does.
"""

import contextlib

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections


class Command(DjangoMigrate):
    def sync_apps(self, connection, app_labels):
        """Django's, seeing the tables whose names the server shortened (PostgreSQL keeps 63
        bytes): without it a second migrate, or ``test --keepdb``, makes them again and fails
        ("relation ... already exists")."""
        introspection = connection.introspection
        converter = introspection.identifier_converter
        introspection.identifier_converter = lambda name: _stored_name(connection, converter(name))
        try:
            with _openimis_links_not_unique():
                return super().sync_apps(connection, app_labels)
        finally:
            del introspection.identifier_converter  # back to the class's method

    def handle(self, *args, **options):
        if getattr(settings, "LEGACY_SYNCDB", False) and not options["app_label"]:
            self.stdout.write("openIMIS modules on a new database: auth's tables first, then "
                              "every table from the models (OPENIMIS_DATABASE=new)")
            call_command("migrate", "auth", interactive=False, verbosity=options["verbosity"],
                         database=options["database"], stdout=self.stdout, stderr=self.stderr)
            options["run_syncdb"] = True
            super().handle(*args, **options)
            self._unmanaged_tables(options["database"])
            return None
        return super().handle(*args, **options)

    def _unmanaged_tables(self, database: str) -> None:
        """The tables of the openIMIS modules' unmanaged models that do not exist yet."""
        connection = connections[database]
        existing = {_stored_name(connection, t) for t in connection.introspection.table_names()}
        models = [m for m in _openimis_models() if not m._meta.managed and not m._meta.proxy
                  and _stored_name(connection, m._meta.db_table) not in existing]
        if not models:
            return
        with connection.schema_editor() as editor, _openimis_links_not_unique():
            for model in models:
                self.stdout.write(f"  Creating table {model._meta.db_table} (unmanaged "
                                  f"{model._meta.label}: openIMIS's SQL schema has it)")
                editor.create_model(model)


def _openimis_models() -> list:
    """The models of the installed openIMIS modules (none without the legacy bridge)."""
    from openimis_host.legacy.installed import installed

    labels = {config.label for config in apps.get_app_configs()} & set(installed())
    return [m for label in sorted(labels) for m in apps.get_app_config(label).get_models()]


def _openimis_links_not_unique():
    """On a new database, the one-to-one links of openIMIS's versioned models read as not
    unique while their tables are made (legacy/versioned_links.py); elsewhere nothing."""
    if not getattr(settings, "LEGACY_SYNCDB", False):
        return contextlib.nullcontext()
    from openimis_host.legacy.versioned_links import not_unique, versioned_links

    return not_unique(versioned_links(_openimis_models()))


def _stored_name(connection, name: str) -> str:
    """``name`` as the database stores it: PostgreSQL cuts identifiers at 63 bytes."""
    limit = connection.ops.max_name_length()
    return name[:limit] if limit and connection.vendor == "postgresql" else name

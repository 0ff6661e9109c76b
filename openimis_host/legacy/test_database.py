"""The test database of ``openimis-host test`` on an existing openIMIS database.

With ``OPENIMIS_DATABASE=existing`` the host runs openIMIS's real migrations, and the first
of them (core's) alters tables that only openIMIS's database scripts make (``tblUsers``...).
A test database that Django's runner makes itself is empty, so they fail half-way with
``relation "tblUsers" does not exist``, under openimis-be_py as under the host. openIMIS's
module CI therefore prepares the test database with those scripts and runs
``test --keepdb`` with DB_TEST_NAME naming it (docs/openimis-modules.md). This runner says
so in one line before Django touches anything, instead of that traceback.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import connections
from django.test.runner import DiscoverRunner

#: A table of openIMIS's schema that core's first migration needs (made by openIMIS's scripts).
SCRIPTS_TABLE = "tblUsers"


class ExistingDatabaseRunner(DiscoverRunner):
    """Django's runner, refusing at once a test database openIMIS's migrations cannot run on."""

    def setup_databases(self, **kwargs):
        """Check the default database's test database (when the suite uses it), then Django's setup."""
        if "default" in (kwargs.get("aliases") or ()):
            check_test_database(connections["default"], self.keepdb)
        return super().setup_databases(**kwargs)


def name_for_tests(connection) -> str:
    """The test database's name as Django's runner chooses it (DB_TEST_NAME, else test_<NAME>)."""
    return connection.settings_dict["TEST"].get("NAME") or f"test_{connection.settings_dict['NAME']}"


def check_test_database(connection, keepdb: bool) -> None:
    """A CommandError unless the test database is one made by openIMIS's scripts and kept.

    Only PostgreSQL is checked (the database openIMIS's scripts are written for).
    """
    if connection.vendor != "postgresql":
        return
    name = name_for_tests(connection)
    fix = ("prepare it with openIMIS's database scripts, name it with DB_TEST_NAME and add "
           "--keepdb (as openIMIS's module CI does), or test on a new database "
           "(OPENIMIS_DATABASE=new)")
    if not keepdb:
        raise CommandError(
            f"OPENIMIS_DATABASE=existing: without --keepdb the test database '{name}' would be "
            f"made empty, and openIMIS's migrations need the tables of openIMIS's database "
            f"scripts ({SCRIPTS_TABLE}...): {fix}")
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
    if not exists:
        raise CommandError(f"OPENIMIS_DATABASE=existing: the test database '{name}' does not "
                           f"exist, and one made empty cannot take openIMIS's migrations: {fix}")
    probe = connection.__class__({**connection.settings_dict, "NAME": name}, alias="__test_probe__")
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [f'"{SCRIPTS_TABLE}"'])
            prepared = cursor.fetchone()[0] is not None
    finally:
        probe.close()
    if not prepared:
        raise CommandError(f"OPENIMIS_DATABASE=existing: the test database '{name}' has no "
                           f"{SCRIPTS_TABLE} table, so openIMIS's migrations cannot run on it: {fix}")

"""``openimis-host migrate``: Django's migrate, which also creates openIMIS modules' tables.

openIMIS modules' migrations expect openIMIS's own SQL schema: on an empty
database core.0001 fails on PostgreSQL ("relation tblUsers does not exist")
and core.0013 on SQLite. So on a new database (``OPENIMIS_DATABASE=new``, the
default) their migrations are switched off (MIGRATION_MODULES, set in
legacy/settings.py) and their tables are created from their models (Django's
``--run-syncdb``), after auth's: their foreign keys point at auth's tables,
which PostgreSQL checks. With ``OPENIMIS_DATABASE=existing`` (a database made by
openIMIS's own SQL scripts) their real migrations run, as Django's migrate does.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.commands.migrate import Command as DjangoMigrate


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        if getattr(settings, "LEGACY_SYNCDB", False) and not options["app_label"]:
            self.stdout.write("openIMIS modules on a new database: auth's tables first, then "
                              "every table from the models (OPENIMIS_DATABASE=new)")
            call_command("migrate", "auth", interactive=False, verbosity=options["verbosity"],
                         database=options["database"], stdout=self.stdout, stderr=self.stderr)
            options["run_syncdb"] = True
        return super().handle(*args, **options)

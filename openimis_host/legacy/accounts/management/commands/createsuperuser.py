"""``openimis-host createsuperuser`` with openIMIS's core: an administrator who logs in.

Django's command asks for a password only when the user model has a ``password`` field;
core's ``User`` has none (the password is the interactive user's), so Django's command
would make a technical user without one, whom core's tokenAuth refuses. This one asks for
it the same way (interactively twice, or DJANGO_SUPERUSER_PASSWORD with ``--noinput``;
the username from ``--username`` or DJANGO_SUPERUSER_USERNAME) and makes the user with
:func:`openimis_host.legacy.first_user.create_administrator`.
"""

import getpass
import os

from django.contrib.auth.management.commands.createsuperuser import Command as DjangoCommand
from django.contrib.auth.management.commands.createsuperuser import NotRunningInTTYException
from django.core import exceptions
from django.core.management.base import CommandError

from openimis_host.legacy.first_user import adoptable, create_administrator


class Command(DjangoCommand):
    help = "Create an openIMIS administrator (an interactive user with the administrator role)."

    def handle(self, *args, **options):
        database = options["database"]
        username = options[self.UserModel.USERNAME_FIELD]
        try:
            if options["interactive"]:
                if hasattr(self.stdin, "isatty") and not self.stdin.isatty():
                    raise NotRunningInTTYException
                username, password = self._ask(username, database)
            else:
                username = username or os.environ.get("DJANGO_SUPERUSER_USERNAME")
                password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
                if not username:
                    raise CommandError("You must use --username with --noinput (or set "
                                       "DJANGO_SUPERUSER_USERNAME).")
                if not password:
                    raise CommandError("DJANGO_SUPERUSER_PASSWORD is not set: openIMIS users log "
                                       "in with a password; set it with --noinput")
                error = self._check_username(username, database)
                if error:
                    raise CommandError(error)
            create_administrator(username, password, using=database)
        except KeyboardInterrupt:
            self.stderr.write("\nOperation cancelled.")
            raise SystemExit(1) from None
        except exceptions.ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except NotRunningInTTYException:
            raise CommandError("createsuperuser asks for the password on a terminal: run it in "
                               "one, or use --noinput with DJANGO_SUPERUSER_PASSWORD") from None
        if options["verbosity"] >= 1:
            self.stdout.write("Superuser created successfully.")

    def _check_username(self, username, database):
        """Django's check of the name, except for a locked user this command opens."""
        return None if adoptable(username, database) else \
            self._validate_username(username, "username", database)

    def _ask(self, username, database):
        """The username and the password, asked on the terminal as Django's command asks."""
        while True:
            if not username:
                username = self.get_input_data(self.username_field, "Username: ")
            error = self._check_username(username, database) if username else \
                "Username cannot be blank."
            if not error:
                break
            self.stderr.write(error)
            username = None
        while True:
            password = getpass.getpass()
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("Error: Your passwords didn't match.")
                continue
            if not password.strip():
                self.stderr.write("Error: Blank passwords aren't allowed.")
                continue
            try:
                from core.models import InteractiveUser

                InteractiveUser(login_name=username).set_password(password)  # core's rules
            except exceptions.ValidationError as exc:
                self.stderr.write("\n".join(exc.messages))
                continue
            return username, password

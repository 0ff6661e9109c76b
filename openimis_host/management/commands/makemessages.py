"""``openimis-host makemessages --module NAME -l fr``: a module's strings, into its own locale/."""

from django.core.management.commands import makemessages

from openimis_host.management import translations


class Command(makemessages.Command):
    help = (makemessages.Command.help + " With --module NAME: the strings of that installed "
            "module, written to <its package>/locale/<lang>/LC_MESSAGES/django.po.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--module", default=None,
                            help="an installed module's name (see `openimis-host modules`)")

    def handle(self, *args, module=None, **options):
        if module is None:
            return super().handle(*args, **options)
        directory = translations.module_directory(module)
        # Django writes to ./locale when it exists: make it so the module's strings land there.
        (directory / "locale").mkdir(exist_ok=True)
        with translations.working_directory(directory):
            super().handle(*args, **options)
        self.stdout.write(f"makemessages: module '{module}' -> {directory / 'locale'}")

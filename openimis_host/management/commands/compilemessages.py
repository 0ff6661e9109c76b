"""``openimis-host compilemessages``: compile every installed module's translations (.po -> .mo)."""

from django.core.management.base import CommandError
from django.core.management.commands import compilemessages

from openimis_host.management import translations


class Command(compilemessages.Command):
    help = ("Compile the translations (.po -> .mo) of every installed module that has a locale/ "
            "directory, or of one with --module NAME; --here: Django's own behaviour, the "
            "current directory's.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--module", default=None,
                            help="only this installed module (see `openimis-host modules`)")
        parser.add_argument("--here", action="store_true",
                            help="compile the locale/ directories under the current directory")

    def handle(self, *args, module=None, here=False, **options):
        if here:
            return super().handle(*args, **options)
        if module is not None:
            targets = {module: translations.module_directory(module)}
            if not (targets[module] / "locale").is_dir():
                raise CommandError(f"module '{module}' has no translations in "
                                   f"{targets[module] / 'locale'}: run `openimis-host makemessages "
                                   f"--module {module} -l <language>` first")
        else:
            targets = {name: path for name, path in translations.installed_modules().items()
                       if (path / "locale").is_dir()}
            if not targets:
                raise CommandError("no installed module has a locale/ directory: run "
                                   "`openimis-host makemessages --module <name> -l <language>` first")
        for name, directory in sorted(targets.items()):
            with translations.working_directory(directory):
                super().handle(*args, **options)
            self.stdout.write(f"compilemessages: module '{name}' ({directory / 'locale'})")

"""``openimis-host create_module NAME``: a new module distribution, ready to pip install."""

import shlex
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from openimis_host import __version__
from openimis_host.host import get_host
from openimis_host.management import skeleton


class Command(BaseCommand):
    help = ("Create a new openIMIS module distribution: a plugin with every kind of hook, a model "
            "with its migration, REST and GraphQL endpoints, a scheduled task, and its tests.")

    def add_arguments(self, parser):
        parser.add_argument("name", help="module name: a lower-case Python identifier, e.g. claim")
        parser.add_argument("--template", choices=sorted(skeleton.LAYERS), default=None,
                            help="business: adds a service with its tests and a module config; "
                                 "calculation: an openIMIS calculation rule")
        parser.add_argument("--github", action="store_true",
                            help="add a .gitignore and GitHub Actions workflows: test against the "
                                 "host on each push, publish to PyPI on a version tag")
        parser.add_argument("--directory", default=None,
                            help="where to create it (default: ./openimis-<name>)")
        parser.add_argument("--distribution", default=None,
                            help="distribution name (default: openimis-<name>)")

    def handle(self, name, template=None, github=False, directory=None, distribution=None,
               **options):
        problem = skeleton.refusal(name, get_host())
        if problem:
            raise CommandError(problem)
        distribution = distribution or f"openimis-{name.replace('_', '-')}"
        target = Path(directory or distribution)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise CommandError(f"{target} already exists and is not empty: choose another "
                               "--directory, or remove it")
        values = skeleton.values(name, distribution, __version__)
        for path, text in skeleton.files(values, template, github).items():
            file = target / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text)
        # The venv of this openimis-host: the module must be installed next to it.
        bin_dir = Path(sys.executable).parent
        q = shlex.quote
        self.stdout.write(
            f"Created {distribution} in {target}/ (module '{name}'"
            f"{f', template {template}' if template else ''}{', GitHub workflows' if github else ''})."
            f" Next:\n"
            f"  {q(str(bin_dir / 'pip'))} install -e {q(str(target))}"
            f"   # enables module '{name}' in this host\n"
            f"  {q(str(bin_dir / 'openimis-host'))} migrate        # creates its table\n"
            f"  {q(str(bin_dir / 'openimis-host'))} modules        # lists it\n"
            f"  cd {q(str(target))} && {q(str(bin_dir / 'pip'))} install -e '.[test]'"
            f" && {q(str(bin_dir / 'python'))} -m pytest   # its own tests\n"
            f"Then restart the server (scripts/serve or gunicorn): it serves /{name}/ping.")

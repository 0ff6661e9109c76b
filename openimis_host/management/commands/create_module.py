"""``openimis-host create_module NAME``: a new module distribution, ready to pip install."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from graphene.utils.str_converters import to_camel_case

from openimis_host import __version__
from openimis_host.skeleton import FILES


class Command(BaseCommand):
    help = "Create the skeleton of a new openIMIS module distribution."

    def add_arguments(self, parser):
        parser.add_argument("name", help="module name: a Python identifier, e.g. claim")
        parser.add_argument("--directory", default=None,
                            help="where to create it (default: ./openimis-<name>)")
        parser.add_argument("--distribution", default=None,
                            help="distribution name (default: openimis-<name>)")

    def handle(self, name, directory=None, distribution=None, **options):
        if not name.isidentifier() or name != name.lower():
            raise CommandError(f"module name {name!r} must be a lower-case Python identifier, "
                               "e.g. claim or claim_batch")
        distribution = distribution or f"openimis-{name.replace('_', '-')}"
        target = Path(directory or distribution)
        if target.exists() and any(target.iterdir()):
            raise CommandError(f"{target} already exists and is not empty; choose --directory")
        major = __version__.split(".")[0]
        values = {
            "name": name, "package": f"openimis_{name}", "distribution": distribution,
            "upper": name.upper(), "camel": to_camel_case(name),
            "host_spec": f">={__version__},<{int(major) + 1}",
        }
        for path, template in FILES.items():
            file = target / path.format(**values)
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(template.format(**values))
        self.stdout.write(f"Created {distribution} in {target}/. Next:\n"
                          f"  pip install -e {target}   # enables module '{name}'\n"
                          f"  openimis-host modules      # lists it\n"
                          f"  cd {target} && pytest      # its own tests, no deployment needed")

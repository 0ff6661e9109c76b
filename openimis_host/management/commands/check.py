"""``openimis-host check``: Django's check command, where ``--deploy`` also fails on warnings.

Every deployment check Django and the host have (DEBUG on, no HSTS, no SSL
redirect, a cache the workers do not share, ...) is a Warning, and Django's
``check`` exits 0 on warnings. For a deployment each of them is a real problem,
so with ``--deploy`` the default ``--fail-level`` is WARNING. An explicit
``--fail-level`` still wins.
"""

from django.core.management.commands.check import Command as DjangoCheck


class Command(DjangoCheck):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(fail_level=None)

    def handle(self, *app_labels, **options):
        if options["fail_level"] is None:
            options["fail_level"] = "WARNING" if options["deploy"] else "ERROR"
        return super().handle(*app_labels, **options)

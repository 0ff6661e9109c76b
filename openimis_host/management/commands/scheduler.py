"""``openimis-host scheduler``: run the modules' scheduled tasks in the foreground."""

from django.core.management.base import BaseCommand

from openimis_host.scheduler.embedded import run_foreground


class Command(BaseCommand):
    help = "Run every module's scheduled tasks in this process until interrupted."

    def handle(self, *args, **options):
        try:
            run_foreground()
        except KeyboardInterrupt:
            pass

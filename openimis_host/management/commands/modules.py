"""``openimis-host modules [--json]``: every discovered module and what it contributed."""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from openimis_host.management.table import render
from openimis_host.modules import FAILED, get_host


def _summary(contributions: dict) -> str:
    parts = []
    for key, value in contributions.items():
        if isinstance(value, list):
            parts.append(f"{key}={','.join(value)}")
        else:
            parts.append(f"{key}={value}")
    return "; ".join(parts) or "-"


class Command(BaseCommand):
    help = "List discovered openIMIS modules: distribution, version, status and contributions."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print a JSON document")

    def handle(self, *args, **options):
        host = get_host()
        rows = [m.as_dict() for m in host.modules]
        if options["json"]:
            self.stdout.write(json.dumps({"policy": settings.OPENIMIS_MODULE_ERRORS,
                                          "modules": rows}, indent=2, default=str))
        else:
            self._table(rows)
        failed = [m for m in host.modules if m.status == FAILED]
        if failed and settings.OPENIMIS_MODULE_ERRORS == "fail":
            for problem in host.problems:
                self.stderr.write(f"- {problem}")
            self.stderr.write(f"{len(failed)} module(s) failed; with OPENIMIS_MODULE_ERRORS=fail "
                              "the host refuses to start (set it to skip to start without them)")
            sys.exit(1)

    def _table(self, rows):
        header = ("MODULE", "STATUS", "DISTRIBUTION", "VERSION", "CONTRIBUTES")
        lines = [(r["name"], r["status"], r["distribution"] or "(in-process)", r["version"] or "-",
                  _summary(r["contributions"])) for r in rows]
        for line in render(header, lines):
            self.stdout.write(line)
        for r in rows:
            if r["error"]:
                self.stdout.write(f"\n{r['name']}: {r['status']}: {r['error']}")
        if not rows:
            self.stdout.write("\nNo modules installed. pip install one, or see README 'Writing a module'.")

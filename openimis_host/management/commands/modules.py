"""``openimis-host modules [--json]``: every discovered module, what it contributes, and its problems."""

import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from openimis_host.assembly import contributions
from openimis_host.host import FAILED, LOADED, get_host
from openimis_host.management.freeze import installed_requirements, openimis_json_requirements
from openimis_host.management.table import render


def as_dict(module, problems) -> dict:
    """What ``modules --json`` shows of one module; contributions only for a loaded one."""
    return {
        "name": module.name,
        "distribution": module.distribution,
        "version": module.version,
        "source": module.source,
        "builtin": module.builtin,
        "summary": module.summary,
        "home_page": module.home_page,
        "status": module.status,
        "error": module.error,
        "contributions": contributions(module) if module.status == LOADED else {},
        "problems": [p.as_dict() for p in problems if p.module == module.name],
        "warnings": [w.as_dict() for w in get_host().warnings if w.module == module.name],
    }


def _summary(shown: dict) -> str:
    return "; ".join(f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in shown.items()) or "-"


class Command(BaseCommand):
    help = "List discovered openIMIS modules: distribution, version, status, contributions and problems."
    # The command prints each module problem itself; the system checks would print them again.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["freeze"],
                            help="freeze: print a pinned requirements file of the host and the "
                                 "installed module distributions")
        parser.add_argument("--json", action="store_true", help="print a JSON document")
        parser.add_argument("--openimis-json", metavar="PATH",
                            help="with freeze: print the requirements an openimis.json names "
                                 "(each module's pip value) instead")

    def handle(self, *args, **options):
        if options["action"] == "freeze":
            return self._freeze(options["openimis_json"])
        if options["openimis_json"]:
            raise CommandError("--openimis-json goes with freeze: "
                               "openimis-host modules freeze --openimis-json PATH")
        host = get_host()
        policy = settings.OPENIMIS_MODULE_ERRORS
        rows = [as_dict(m, host.problems) for m in host.modules]
        if options["json"]:
            self.stdout.write(json.dumps({"policy": policy, "modules": rows,
                                          "problems": [p.as_dict() for p in host.problems]},
                                         indent=2, default=str))
        else:
            self._table(rows)
        for warning in host.warnings:
            self.stderr.write(f"- warning: {warning}")
        if host.problems:
            # Each problem once, with its id and fix (the table only shows the status).
            for problem in host.problems:
                self.stderr.write(f"- {problem}")
        failed = [m for m in host.modules if m.status == FAILED]
        if failed and policy == "fail":
            self.stderr.write(f"{len(failed)} module(s) failed; with OPENIMIS_MODULE_ERRORS=fail "
                              "the host refuses to start (set it to skip to start without them)")
            sys.exit(1)
        if failed:
            self.stderr.write(f"{len(failed)} module(s) failed and are left out "
                              "(OPENIMIS_MODULE_ERRORS=skip)")

    def _freeze(self, openimis_json: str | None) -> None:
        """Print the requirements file; the installed set, or an openimis.json's."""
        if openimis_json:
            lines = openimis_json_requirements(openimis_json)
            header = f"# the modules of {openimis_json} (openimis-host modules freeze --openimis-json)"
        else:
            lines = installed_requirements(get_host().modules)
            header = "# the host and its module distributions (openimis-host modules freeze)"
        self.stdout.write("\n".join([header, *lines]))

    def _table(self, rows):
        header = ("MODULE", "STATUS", "DISTRIBUTION", "VERSION", "CONTRIBUTES")
        lines = [(r["name"] + (" (built-in)" if r["builtin"] else ""), r["status"],
                  r["distribution"] or "(in-process)", r["version"] or "-", _summary(r["contributions"]))
                 for r in rows]
        for line in render(header, lines):
            self.stdout.write(line)
        about = [r for r in rows if r["summary"] or r["home_page"]]
        if about:
            self.stdout.write("")
            for r in about:
                link = f" <{r['home_page']}>" if r["home_page"] else ""
                self.stdout.write(f"{r['name']}: {r['summary'] or ''}{link}".rstrip())
        for r in rows:
            if r["status"] == "disabled":
                self.stdout.write(f"{r['name']}: disabled: {r['error']}")
        if len(rows) == 1:
            self.stdout.write("\nNo modules installed. pip install one, or see docs/module-authors.md.")

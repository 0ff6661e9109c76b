"""``openimis-host test LABEL...``: Django's test command, for both kinds of module.

- An openIMIS module (``core``, ``location``...) ships its suite in its wheel; it runs under
  Django's runner as openimis-be_py's ``manage.py test`` runs it: IS_TESTING true
  (legacy/settings.py), ``--keepdb``, ``--parallel`` and DB_TEST_NAME as in Django, the test
  database made by the host's ``migrate`` with openIMIS's reference data.
- A module written for the host (a scaffold from ``create_module``) keeps its pytest suite in
  the ``tests/`` folder of its project, next to its package, which sets up a host of its own
  (``openimis_host.testing.setup_host``): that folder runs with pytest, in a process of its own.
  The folder is found next to the installed package (an editable install), or in the working
  directory when its pyproject.toml is the module's distribution.

Any other label (a dotted test path, a folder) goes to Django's runner unchanged.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.core.management.commands.test import Command as DjangoTest

from openimis_host.host import get_host


class Command(DjangoTest):
    """``openimis-host test <module> ...``: Django's test command, for modules of both kinds."""

    help = ("Run the test suites of modules: openIMIS modules' own (in their wheels) under "
            "Django's runner, host modules' tests/ folder with pytest.")

    def handle(self, *test_labels, **options):
        host_suites, django_labels = [], []
        own = {m.name: m for m in get_host().loaded
               if not m.builtin and not str(m.source).startswith("provider")}
        for label in test_labels:
            module = own.get(label)
            if module is None:
                django_labels.append(label)
            else:
                host_suites.append((module, tests_folder(module)))
        failed = False
        for module, folder in host_suites:
            failed |= self._pytest(module, folder, options["verbosity"])
        if django_labels or not host_suites:
            if not options.get("testrunner") and existing_openimis_database():
                options["testrunner"] = "openimis_host.legacy.test_database.ExistingDatabaseRunner"
            try:
                super().handle(*django_labels, **options)
            except SystemExit as exc:  # Django's: exit 1 when a test failed
                failed |= bool(exc.code)
        if failed:
            sys.exit(1)

    def _pytest(self, module, folder: Path, verbosity: int) -> bool:
        """Run ``folder`` with pytest; True when a test failed."""
        if importlib.util.find_spec("pytest") is None:
            raise CommandError(f"module '{module.name}' is tested with pytest, which is not "
                               "installed: pip install pytest")
        self.stdout.write(f"module '{module.name}': pytest {folder}")
        args = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(folder)]
        args += ["-q"] if verbosity < 2 else ["-v"]
        return subprocess.run(args, cwd=folder.parent).returncode != 0


def existing_openimis_database() -> bool:
    """Whether openIMIS's core runs on a database made by openIMIS's scripts, with Django's
    own runner: then the test database must be one too (legacy/test_database.py)."""
    from django.conf import settings

    return (getattr(settings, "OPENIMIS_DATABASE", None) == "existing"
            and settings.TEST_RUNNER == "django.test.runner.DiscoverRunner")


def tests_folder(module) -> Path:
    """The ``tests/`` folder of a host module's project (module docstring), or a CommandError."""
    package = type(module.plugin).__module__ if not hasattr(module.plugin, "__file__") \
        else module.plugin.__name__
    spec = importlib.util.find_spec(package.split(".")[0])
    looked = []
    if spec is not None and spec.submodule_search_locations:
        root = Path(list(spec.submodule_search_locations)[0]).parent
        if (root / "pyproject.toml").is_file():  # a project folder, not site-packages
            looked.append(root / "tests")
            if (root / "tests").is_dir():
                return root / "tests"
    project = Path.cwd() / "pyproject.toml"
    if project.is_file() and module.distribution and _names(project, module.distribution):
        here = Path.cwd() / "tests"
        looked.append(here)
        if here.is_dir():
            return here
    where = ", ".join(str(p) for p in looked) or "next to its package"
    raise CommandError(f"module '{module.name}' ({module.distribution}) has no tests/ folder "
                       f"where the host looks ({where}): run `openimis-host test {module.name}` "
                       "in the module's project folder (the one with its pyproject.toml), or "
                       "install it with pip install -e")


def _names(pyproject: Path, distribution: str) -> bool:
    """Whether ``pyproject`` declares ``distribution`` (names compared as pip compares them)."""
    match = re.search(r'^name\s*=\s*"([^"]+)"', pyproject.read_text(encoding="utf-8"), re.M)
    canon = lambda name: re.sub(r"[-_.]+", "-", name).lower()  # noqa: E731
    return bool(match) and canon(match.group(1)) == canon(distribution)

"""Where installed modules keep their translations: ``<package>/locale/``, next to their code.

Django already uses an installed app's ``locale/`` at run time (with LocaleMiddleware
choosing the language from Accept-Language). What it lacks is a way to run
``makemessages`` and ``compilemessages`` for a pip-installed module from anywhere: both
work on the current directory. The host's versions of those commands take ``--module``
and run Django's in the module's package directory.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from importlib import metadata, util
from pathlib import Path

from django.core.management.base import CommandError


def installed_modules() -> dict[str, Path]:
    """Every installed module (entry point group openimis.modules) -> its package directory."""
    found = {}
    for entry_point in metadata.entry_points(group="openimis.modules"):
        package = entry_point.value.split(":")[0].split(".")[0]
        try:
            spec = util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.submodule_search_locations:
            found.setdefault(entry_point.name, Path(list(spec.submodule_search_locations)[0]))
    return found


def module_directory(name: str) -> Path:
    """The package directory of installed module ``name``; a CommandError names the choices."""
    modules = installed_modules()
    if name not in modules:
        choices = ", ".join(sorted(modules)) or "none"
        raise CommandError(f"--module {name}: no installed module of that name (installed: {choices}); "
                           "pip install it first, or check the name with `openimis-host modules`")
    return modules[name]


@contextmanager
def working_directory(path: Path):
    """Run the body in ``path``: Django's message commands work on the current directory."""
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


"""The module's tests run in a host of their own: this module only, on a fresh SQLite database
(`openimis-host test insuree` in this folder, or pytest)."""

import os
import shutil
import tempfile

import openimis_insuree.plugin

from openimis_host.testing import setup_host

_DATABASE_DIR = tempfile.mkdtemp(prefix="openimis-insuree-tests-")
setup_host({"insuree": openimis_insuree.plugin},
           env={"SQLITE_PATH": os.path.join(_DATABASE_DIR, "db.sqlite3")})

from django.core.management import call_command  # noqa: E402  (after the host is set up)

call_command("migrate", verbosity=0)


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_DATABASE_DIR, ignore_errors=True)

"""The bridge's own app, listed just before openIMIS's ``core``: what must hold before core's
``ready()`` runs.

openIMIS code finds apps by their INSTALLED_APPS entry (core's
``collect_all_gql_permissions()`` imports ``<entry>.apps`` for each one), so core
is listed as plain ``core``, as openimis-be_py lists it, and the host's changes to
core's start-up are made here rather than in a subclass of core's AppConfig:

- psycopg 3 renders tuples as psycopg2 does (psycopg_tuples.py), before core's
  ``ready()`` opens the first connection;
- core's own APScheduler never starts. core starts it in ``ready()`` when
  SCHEDULER_AUTOSTART is set, in every process; under the host, core's jobs are
  host tasks run by the host's scheduler (exactly once per tick), and
  SCHEDULER_AUTOSTART means the host's scheduler.

Django calls the apps' ``ready()`` in INSTALLED_APPS order, so this one runs first.
"""

from __future__ import annotations

import logging

from django.apps import AppConfig

from . import psycopg_tuples

log = logging.getLogger("openimis_host.legacy")

psycopg_tuples.install()  # at import: before any app's ready() can connect


class LegacyBridgeConfig(AppConfig):
    """``openimis_host.legacy``: no models; its ``ready()`` prepares core's."""

    name = "openimis_host.legacy"
    label = "openimis_host_legacy"
    verbose_name = "openIMIS modules (the host's bridge)"

    def ready(self):
        from core import scheduler

        def start():  # replaces core.scheduler.start, which core's ready() calls
            log.debug("core's own scheduler not started: the host's scheduler runs core's jobs")

        scheduler.start = start

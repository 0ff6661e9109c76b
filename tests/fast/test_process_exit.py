"""Host processes leave what they loaded out of the garbage collector's last walk: a forked
gunicorn worker, and the master, exit without copying the pages they share (gunicorn_conf),
and a command exits without a collection over Django, graphene and the modules (cli)."""

from __future__ import annotations

import atexit
import gc
import os

from openimis_host.server import gunicorn_conf


def test_gunicorn_freezes_the_preloaded_app_before_each_fork():
    try:
        gunicorn_conf.pre_fork(server=None, worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_command_freezes_the_heap_at_exit(monkeypatch):
    registered = []
    for name, value in (("DJANGO_SETTINGS_MODULE", "openimis_host.settings"),
                        ("DB_STATEMENT_TIMEOUT", "0")):  # main's defaults, undone after the test
        monkeypatch.setenv(name, os.environ.get(name, value))
    monkeypatch.setattr(atexit, "register", registered.append)
    monkeypatch.setattr("django.core.management.execute_from_command_line", lambda argv: None)
    from openimis_host import cli

    assert cli.main(["openimis-host", "version"]) == 0
    assert gc.freeze in registered

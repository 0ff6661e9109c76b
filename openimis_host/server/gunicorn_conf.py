"""gunicorn configuration: ``gunicorn -c python:openimis_host.server.gunicorn_conf``.

The host is assembled once in the master (``preload_app``) and the workers are
forked from it, so discovery, module imports and schema building are paid once
and a broken module stops the master before any worker starts. With
SCHEDULER_AUTOSTART each worker also starts the embedded scheduler after the fork.
"""

import gc
import os

from openimis_host.env import Environment
from openimis_host.errors import HostError, exit_with
from openimis_host.server.worker import HeaderDeadlineWorker

try:
    _env = Environment()
    workers = _env.int("WEB_CONCURRENCY", _env.int("GUNICORN_WORKERS", 2, minimum=1), minimum=1)
    # Threads, not processes, per connection: a slow client (or a request waiting
    # on a frozen database) holds one thread, and the others keep serving. Each
    # thread keeps its own database connection for DB_CONN_MAX_AGE seconds:
    # workers x threads must stay below the server's max_connections.
    threads = _env.int("GUNICORN_THREADS", 32, minimum=1)
    timeout = _env.int("GUNICORN_TIMEOUT", 30, minimum=1)
    bind = [_env.str("GUNICORN_BIND", f"0.0.0.0:{_env.int('PORT', 8000, minimum=1)}")]
    HeaderDeadlineWorker.header_timeout = _env.int("GUNICORN_HEADER_TIMEOUT", 10, minimum=1)
except HostError as exc:
    exit_with(exc)

# gthread with a deadline on each request's headers (worker.py).
worker_class = "openimis_host.server.worker.HeaderDeadlineWorker"

wsgi_app = "openimis_host.server.wsgi:application"
# gunicorn 25.1+ opens a control socket for `gunicornc` at one path per user
# ($HOME/.gunicorn/gunicorn.ctl), which every master on the machine then fights
# over; the host is managed with signals (HUP, TERM) and does not use it.
control_socket_disable = True
preload_app = True
# "-" logs requests to stdout; an empty value turns the access log off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None


def on_starting(server):
    """Before the workers fork: apply migrations when DJANGO_MIGRATE is true."""
    from django.conf import settings

    if settings.DJANGO_MIGRATE:
        # Runs after the preloaded app is assembled, openimis_ready hooks included:
        # those must not need the modules' tables to exist yet.
        server.log.info("DJANGO_MIGRATE is true: applying migrations")
        from openimis_host.server import migrate_lock

        try:
            # Under the migration lock: replicas starting together take turns.
            migrate_lock.migrate(server.log.info)
        except Exception as exc:
            exit_with(f"DJANGO_MIGRATE: applying migrations failed: {type(exc).__name__}: {exc}; "
                      "check the database settings (DB_*), or migrate by hand with "
                      "`openimis-host migrate`")
    if settings.MODE == "DEV":
        server.log.warning("MODE=DEV: DEBUG is on; set MODE=PROD for a deployment")
    # Imported lazily by the token code; importing it here lets every worker
    # share the master's copy instead of loading its own on the first token.
    import jwt  # noqa: F401


def pre_fork(server, worker):
    # Connections opened in the master must not be shared by the forked workers.
    from django.db import connections

    connections.close_all()
    # The preloaded app out of the garbage collector's reach (Python's advice for a server
    # that forks, gc.freeze): a collection in a worker, and the last one when it exits,
    # walked every object the master had loaded, copying the pages it shares with the
    # master. That cost each worker ~0.2 s of CPU at exit alone, and the master as much.
    gc.freeze()


def post_fork(server, worker):
    """In each worker, with SCHEDULER_AUTOSTART: compete for the scheduler lock.

    Never in the master: threads do not survive a fork, and the master serves
    nothing. Only the worker holding the lock runs tasks (README: Scheduled tasks).
    """
    from django.conf import settings

    if settings.SCHEDULER_AUTOSTART:
        from openimis_host.scheduler import embedded

        embedded.autostart()


def worker_exit(server, worker):
    # Hand the lock over at once rather than when it expires.
    from openimis_host.scheduler import embedded

    embedded.autostop()

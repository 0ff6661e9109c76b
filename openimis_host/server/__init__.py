"""The server: how the assembled host runs as a process.

``start.py`` is ``openimis-host start`` (wait for the database, migrate under
``migrate_lock.py``'s lock, exec gunicorn); ``gunicorn_conf.py`` is the shipped gunicorn
configuration (``gunicorn -c python:openimis_host.server.gunicorn_conf``), ``worker.py``
its worker class (gthread with a deadline on request headers); ``wsgi.py`` and
``asgi.py`` are the entry points other servers load.
"""

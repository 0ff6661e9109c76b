"""What the host does when something around it fails, so that one failure stays one clear error.

- ``backends.py``: a missing database or cache driver is one line naming its extra; short
  cache timeouts (checked while the settings load).
- ``db_deadline.py``: a client-side deadline on every PostgreSQL round trip, which a frozen
  server cannot escape; ``watchdog.py`` shuts down a socket past its deadline (also used by
  the gunicorn worker's header deadline, ``openimis_host/server/worker.py``).
- ``db_one_wait.py``: within a request, a database that did not answer (a missed deadline,
  a failed connect) is not connected to again, so a request waits on it once.
- ``outage.py``: an unreachable database is a 503 with ``Retry-After`` and one log line.
- ``leaks.py``: DEV, names the module whose view leaves database connections open.
- ``slow.py``: names the module whose import or hook makes the boot slow.
- ``health.py``: the probes (``health/live``, ``health/ready``, ``health``) that tell a load
  balancer or an orchestrator whether this process is fit to serve.
"""

"""Running the modules' scheduled tasks, once per tick in the whole deployment.

- ``lock.py``: the database lock that decides which process runs (or sends) the tasks,
  and the per-task locks that keep runs from overlapping.
- ``history.py``: running one task and recording the run; every backend goes through it.
- ``embedded.py``: APScheduler in this process (``openimis-host scheduler``, SCHEDULER_AUTOSTART).
- ``celery.py``: the Celery app and the beat scheduler (SCHEDULER_BACKEND=celery).
"""

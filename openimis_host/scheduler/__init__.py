"""Running the modules' scheduled tasks, once per tick in the whole deployment.

- ``lock.py``: the database lock that decides which process runs (or sends) the tasks,
  and the per-task locks that keep runs from overlapping.
- ``history.py``: running one task and recording the run; every backend goes through it.
- ``embedded.py``: APScheduler in this process (``openimis-host scheduler``, SCHEDULER_AUTOSTART).
- ``celery.py``: the host's one Celery app (scheduled tasks with SCHEDULER_BACKEND=celery, and
  the modules' own tasks: openIMIS core's queued mutations) and the beat scheduler.
- ``sending.py``: the app's task class: a broker that cannot be reached is an error naming it.
"""

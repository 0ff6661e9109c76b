"""The reaper: a mutation log left at status 0 (received) too long is marked failed, saying why.

A log stays at status 0 when nothing will ever run its mutation: its message was lost
(a broker that lost it, a queue purged by hand), the process running it in the request
died, or every worker stayed down. The client polls such a log for ever. The host's
scheduler runs :func:`fail_pending` every minute (the task ``core.fail_pending_mutations``),
and each log received more than ``MUTATION_PENDING_SECONDS`` ago and still at status 0
gets status 1 and an error that says what happened and what to do.

A mutation that a worker is running holds the lock on its log (mutations.py): the reaper
skips locked logs, so a long mutation is never failed under the worker running it
(PostgreSQL; on SQLite, set the bound above your longest mutation). A failed log's message,
if it arrives later, is not run: the worker skips logs that have left status 0.
"""

from __future__ import annotations

import logging
from datetime import timedelta

log = logging.getLogger("openimis_host.legacy")

#: How often the reaper runs; a stuck log is failed at most this long after the bound.
EVERY = timedelta(seconds=60)
#: Logs failed per transaction (a long backlog does not hold locks for long).
BATCH = 500


def message(seconds: int) -> str:
    """The error a reaped log carries."""
    return (f"not run: still waiting {seconds} s after it was received (MUTATION_PENDING_SECONDS), "
            "so no worker will run it (its message was lost, or the worker or web process running "
            "it died, or no Celery worker is running); nothing was changed: send the mutation "
            "again")


def fail_pending() -> str:
    """Mark failed every mutation log at status 0 older than ``MUTATION_PENDING_SECONDS``."""
    from core.models import MutationLog
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    seconds = settings.MUTATION_PENDING_SECONDS
    cutoff = timezone.now() - timedelta(seconds=seconds)
    # skip_locked: a log locked by the worker running its mutation is not pending.
    skip_locked = connection.features.has_select_for_update_skip_locked
    failed = 0
    while True:
        with transaction.atomic():
            stuck = MutationLog.objects.filter(status=MutationLog.RECEIVED,
                                               request_date_time__lt=cutoff)
            ids = list(stuck.select_for_update(skip_locked=skip_locked)
                       .values_list("id", flat=True)[:BATCH])
            if ids:
                failed += (MutationLog.objects.filter(id__in=ids, status=MutationLog.RECEIVED)
                           .update(status=MutationLog.ERROR, error=message(seconds)))
        if len(ids) < BATCH:
            break
    if failed:
        log.warning("%d mutation log(s) still at status 0 after %d s marked failed "
                    "(MUTATION_PENDING_SECONDS): their mutations will not run", failed, seconds)
    return f"{failed} pending mutation log(s) failed"

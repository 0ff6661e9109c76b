"""The embedded scheduler: APScheduler in this process."""

import logging

from apscheduler.schedulers.blocking import BlockingScheduler

from ..assembly.tasks import Task, all_tasks

log = logging.getLogger("openimis_host.scheduler")


def run_task(task: Task) -> None:
    """Run one task; a failure is logged with its traceback and does not stop the scheduler."""
    log.info("task %s: started", task.id)
    try:
        task.func(*task.record.args, **task.record.kwargs)
    except Exception:
        log.exception("task %s: failed", task.id)
    else:
        log.info("task %s: succeeded", task.id)


def run_foreground() -> None:
    """Schedule every task and block until interrupted."""
    scheduler = BlockingScheduler()
    for task in all_tasks().values():
        scheduler.add_job(run_task, task.trigger(), args=[task], id=task.id,
                          max_instances=task.record.max_instances, coalesce=True)
        log.info("scheduled %s (%s)", task.id, task.schedule)
    scheduler.start()

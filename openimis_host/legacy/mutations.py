"""core's mutations: run in the request, or queued for ``openimis-host celery worker``.

core saves each mutation in a MutationLog, then either runs it in the request or
sends its Celery task (``core.tasks.openimis_mutation_async``), according to its
own flag ``core.async_mutations``. core derives that flag from the ASYNC and MODE
variables and its database configuration; under the host the host decides it
(legacy/settings.py: ``ASYNC_MUTATIONS``) and :func:`install` sets it.

When the mutations are queued, the host's Celery app (scheduler/celery.py) is made
the default app of the process, so that core's task goes to ``CELERY_QUEUE`` on
``CELERY_BROKER_URL``, where the workers listen. A broker that cannot be reached
when a mutation is sent: core marks its MutationLog failed with the reason
(``scheduler.sending.TaskNotSent``), and the client gets that reason as the
mutation's GraphQL error rather than a payload that looks like success. In the
worker each mutation runs at most once and survives the worker's death
(:func:`_run_once`); a log left at status 0 is failed by the reaper (pending.py).
"""

from __future__ import annotations

import logging

log = logging.getLogger("openimis_host.legacy")

#: The warning for MODE=PROD without a broker (also the system check openimis.W004).
SYNCHRONOUS_IN_PROD = ("MODE=PROD without CELERY_BROKER_URL: openIMIS core's mutations run in "
                       "the request (synchronously), not on Celery workers")
SYNCHRONOUS_IN_PROD_HINT = ("set CELERY_BROKER_URL and run `openimis-host celery worker` to queue "
                            "them, or ASYNC=false to say that running them in the request is intended")


def warning() -> str | None:
    """The warning an operator should see about how mutations run, or None."""
    from django.conf import settings

    if (settings.MODE == "PROD" and not settings.ASYNC_MUTATIONS
            and not settings.ASYNC_MUTATIONS_CHOSEN):
        return SYNCHRONOUS_IN_PROD
    return None


def install() -> None:
    """Set core's flag from the host's decision; when queued, make the host's Celery app the
    default and wrap core's mutations so that a task that could not be sent is the client's error."""
    import core
    from django.conf import settings

    core.async_mutations = settings.ASYNC_MUTATIONS
    if not settings.ASYNC_MUTATIONS:
        if warning():
            log.warning("%s; %s", SYNCHRONOUS_IN_PROD, SYNCHRONOUS_IN_PROD_HINT)
        return
    # A plain import: under `celery -A openimis_host.scheduler.celery` this runs while that
    # module is still being imported (it sets Django up first), and it makes the app itself.
    import openimis_host.scheduler.celery  # noqa: F401
    _wrap_mutations()
    _run_once()
    core_log = logging.getLogger("core.schema")
    if not any(isinstance(f, OneLineWhenNotSent) for f in core_log.filters):
        core_log.addFilter(OneLineWhenNotSent())


def _run_once() -> None:
    """In the worker: each mutation runs at most once, and a worker's death loses none.

    The message is acknowledged after the mutation has run (``acks_late``), and given back to
    the queue when the pool process running it dies (``reject_on_worker_lost``); a worker
    killed outright drops its connection, and the broker gives its unacknowledged message to
    another worker. A message can thus arrive twice, so the mutation runs in one transaction
    with its log, which it first locks: a second delivery waits for the first to finish, then
    finds the log settled and does not run it. Work and log commit together or not at all, so a
    mutation whose work committed is never run again, and one that died half-way ran nothing.

    A log that has already left status 0 is not run either: a send that timed out (a frozen
    broker) is reported to the client as not run and its log marked failed, but the message may
    still reach the broker when it wakes up; and the reaper (pending.py) marks failed a log left
    at status 0 too long. Run then, it would do what the client was told had not been done.
    """
    from core.tasks import openimis_mutation_async

    task = openimis_mutation_async._get_current_object()  # the host app's task
    run = task.run
    if getattr(run, "openimis_host_wrapped", False):
        return
    task.acks_late = True
    task.reject_on_worker_lost = True

    def run_once(mutation_id, module, class_name):
        from core.models import MutationLog
        from django.db import transaction

        failure = None
        with transaction.atomic():
            # The lock: a second delivery of this message waits here until the first commits.
            settled = (MutationLog.objects.select_for_update().filter(id=mutation_id)
                       .values_list("status", flat=True).first())
            if settled is None:
                log.warning("mutation %s (%s.%s) not run: it has no mutationLog", mutation_id,
                            module, class_name)
                return "NOT RUN"
            if settled != MutationLog.RECEIVED:
                log.warning("mutation %s (%s.%s) not run: its mutationLog is already at status %s "
                            "(a send reported as failed that reached the broker later, a log "
                            "failed by the reaper, or a message delivered twice)",
                            mutation_id, module, class_name, settled)
                return "NOT RUN"
            try:
                with transaction.atomic():  # a savepoint: the work, and core's own verdict
                    return run(mutation_id, module, class_name)
            except Exception as exc:
                # core marked the log failed inside the savepoint, which has rolled back with
                # the work: mark it again here, where it commits.
                MutationLog.objects.filter(id=mutation_id).update(status=MutationLog.ERROR,
                                                                  error=str(exc))
                failure = exc
        raise failure  # after the commit: Celery records the task as failed, as core meant

    run_once.openimis_host_wrapped = True
    task.run = run_once


class OneLineWhenNotSent(logging.Filter):
    """core logs a mutation that failed with its whole traceback; when the reason is a broker
    that cannot be reached, the reason (which names the broker) is the one useful line."""

    def filter(self, record: logging.LogRecord) -> bool:
        from ..scheduler.sending import TaskNotSent

        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, TaskNotSent):
            record.msg, record.args = f"{record.getMessage()}: {exc}", None
            record.exc_info = record.exc_text = None
        return True


def _wrap_mutations() -> None:
    from core.schema import OpenIMISMutation

    from ..graphql.stack import GraphQLError
    from ..scheduler.sending import unsent

    mutate = OpenIMISMutation.mutate_and_get_payload.__func__
    if getattr(mutate, "openimis_host_wrapped", False):
        return

    def mutate_and_get_payload(cls, root, info, **data):
        # Looked up on the class at each call, so every subclass goes through here.
        failures: list = []
        token = unsent.set(failures)
        try:
            payload = mutate(cls, root, info, **data)
        finally:
            unsent.reset(token)
        if failures:
            raise GraphQLError(
                f"{info.field_name} was not run: {failures[0]}. Its mutationLog has status 1 "
                "(error); send the mutation again once the broker is back")
        return payload

    mutate_and_get_payload.openimis_host_wrapped = True
    OpenIMISMutation.mutate_and_get_payload = classmethod(mutate_and_get_payload)

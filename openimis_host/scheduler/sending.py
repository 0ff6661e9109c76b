"""Sending a task: a broker that cannot be reached is an error that names it.

Kept apart from celery.py, which sets Django up when imported: the legacy bridge
reads :data:`unsent` while Django is still setting up.
"""

from __future__ import annotations

from contextvars import ContextVar

from celery import Task
from kombu.exceptions import OperationalError
from kombu.utils.url import maybe_sanitize_url

#: Seconds to wait for the broker's acknowledgement of a message (publisher confirms).
CONFIRM_TIMEOUT = 5

#: Where :class:`HostTask` puts the tasks it could not send, for a caller that wants to
#: know (legacy/mutations.py sets a list around each openIMIS mutation); None: nobody.
unsent: ContextVar[list | None] = ContextVar("openimis_host_unsent", default=None)


class TaskNotSent(Exception):
    """A task could not be handed to the broker: nothing will run it."""


class HostTask(Task):
    """The app's task class: sending one while the broker cannot be reached says so, naming it.

    Celery retries the send a few times (task_publish_retry_policy), then kombu raises
    OperationalError with only the socket's words ("[Errno 111] Connection refused").
    """

    def apply_async(self, *args, **kwargs):
        if self.app.conf.broker_transport_options.get("confirm_publish"):
            kwargs.setdefault("confirm_timeout", CONFIRM_TIMEOUT)
        try:
            return super().apply_async(*args, **kwargs)
        except OperationalError as exc:
            error = TaskNotSent(
                f"task {self.name} was not sent: the Celery broker at "
                f"{maybe_sanitize_url(self.app.conf.broker_url)} cannot be reached ({exc}); "
                "check that it runs and CELERY_BROKER_URL")
            failures = unsent.get()
            if failures is not None:
                failures.append(error)
            raise error from exc

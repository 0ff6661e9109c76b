"""The host's own tables: the run history of scheduled tasks, and the scheduler's leases."""

from django.db import models


class TaskRun(models.Model):
    """One run of a scheduled task: when, where, and how it ended."""

    RUNNING, SUCCEEDED, FAILED, INTERRUPTED = "running", "succeeded", "failed", "interrupted"
    OUTCOMES = [(o, o) for o in (RUNNING, SUCCEEDED, FAILED, INTERRUPTED)]
    SCHEDULE, MANUAL = "schedule", "manual"

    task_id = models.CharField(max_length=200)
    started = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=OUTCOMES, default=RUNNING)
    error = models.TextField(blank=True, default="")  # the traceback of a failed run
    trigger = models.CharField(max_length=16, default=SCHEDULE)  # schedule, or manual (run now)
    runner = models.CharField(max_length=200, default="")  # "<hostname> pid <pid>"

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["task_id", "id"], name="taskrun_task_latest")]

    def __str__(self):
        return f"{self.task_id} {self.started:%Y-%m-%d %H:%M:%S} {self.outcome}"


class SchedulerLease(models.Model):
    """A named lock that expires unless its holder renews it (databases without advisory locks)."""

    name = models.CharField(max_length=200, primary_key=True)
    holder = models.CharField(max_length=200, default="")
    expires = models.DateTimeField()

    def __str__(self):
        return f"{self.name} held by {self.holder or 'nobody'} until {self.expires}"


class TokenVersion(models.Model):
    """How many times a user's tokens were revoked; a token carries a claim derived from it.

    No row means version 0. ``user_pk`` is the user's primary key as text, not a
    foreign key, so the table does not depend on which user model is installed.
    """

    user_pk = models.CharField(max_length=64, primary_key=True)
    version = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"user {self.user_pk}: tokens version {self.version}"

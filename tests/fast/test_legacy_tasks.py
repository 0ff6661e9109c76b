"""openIMIS jobs (APScheduler add_job calls) as host ScheduledTasks: openimis_host.legacy.tasks."""

from datetime import timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from openimis_host.legacy.tasks import Recorder, UnsupportedJob, _by_id


def job():
    """A job function."""


def test_cron_jobs_become_five_field_crontabs():
    recorder = Recorder("policy")
    recorder.add_job(job, "cron", id="openimis_renewal_batch", hour=8, minute=30, replace_existing=True)
    recorder.add_job("policy.tasks.other", trigger="cron", day_of_week="mon-fri", hour="*/2",
                     args=["a"], kwargs={"b": 1})
    first, second = recorder.tasks
    assert (first.name, first.cron, first.func) == ("openimis_renewal_batch", "30 8 * * *", job)
    assert (second.name, second.cron, second.args, second.kwargs) == (
        "other", "* */2 * * mon-fri", ("a",), {"b": 1})


def test_trigger_objects_and_intervals():
    recorder = Recorder("core")
    recorder.add_job(job, CronTrigger(minute="*/5", hour="1-3"), id="five")
    recorder.add_job(job, IntervalTrigger(minutes=10), id="ten")
    recorder.add_job(job, "interval", hours=1, id="hourly")
    five, ten, hourly = recorder.tasks
    assert five.cron == "*/5 1-3 * * *"
    assert (ten.every, hourly.every) == (timedelta(minutes=10), timedelta(hours=1))


def test_the_decorator_form_and_names_kept_unique():
    recorder = Recorder("claim")

    @recorder.scheduled_job("cron", minute=0)
    def sweep():
        """A job."""

    recorder.add_job(sweep, "cron", minute=1)
    assert [t.name for t in recorder.tasks] == ["sweep", "sweep_2"]


@pytest.mark.parametrize("trigger, options, words", [
    ("cron", {"second": 5}, "cannot be written as a five-field crontab"),
    ("cron", {"year": 2030}, "cannot be written as a five-field crontab"),
    ("date", {}, "trigger 'date' is not supported"),
    ("interval", {}, "not a positive"),
])
def test_schedules_the_host_cannot_run_are_refused_by_name(trigger, options, words):
    with pytest.raises(UnsupportedJob, match=words) as caught:
        Recorder("core").add_job(job, trigger, id="my_job", **options)
    assert "'my_job'" in str(caught.value)


def test_a_scheduler_jobs_entry_with_the_id_of_an_earlier_one_replaces_it():
    # openimis-be_py's settings list policy's renewal job, and policy 1.11 appends it again.
    default = {"method": "policy.tasks.get_policies_for_renewal", "args": ["cron"],
               "kwargs": {"id": "openimis_renewal_batch", "hour": 8, "minute": 30}}
    appended = {**default, "kwargs": {**default["kwargs"], "replace_existing": True}}
    other = {"method": "claim.tasks.sweep", "args": ["cron"], "kwargs": {"minute": 0}}
    assert _by_id([default, other, appended, other]) == [appended, other, other]

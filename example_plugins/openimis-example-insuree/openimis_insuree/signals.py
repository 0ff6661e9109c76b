"""Bound by the ready hook: counts saves, and how often the hook ran in this process."""

from django.db.models.signals import post_save

READY_CALLS = 0
SAVES = 0


def _saved(sender, **kwargs):
    global SAVES
    SAVES += 1


def connect():
    global READY_CALLS
    READY_CALLS += 1
    from .models import Insuree

    post_save.connect(_saved, sender=Insuree, dispatch_uid="openimis_insuree.saved")

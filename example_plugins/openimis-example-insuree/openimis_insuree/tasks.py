import logging

from .models import Insuree, Tally

log = logging.getLogger(__name__)


def count_insurees():
    """Record how many insurees exist."""
    counted = Insuree.objects.count()
    Tally.objects.create(counted=counted)
    log.info("%d insurees", counted)

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import Claim


def close_stale_claims():
    """Close open claims older than CLAIM_STALE_AFTER_DAYS."""
    cutoff = timezone.now() - timedelta(days=settings.CLAIM_STALE_AFTER_DAYS)
    return Claim.objects.filter(status="open", created__lt=cutoff).update(status="closed")

from django.db import models
from openimis_insuree.models import Insuree


class Claim(models.Model):
    """An amount claimed for care given to an insuree."""

    insuree = models.ForeignKey(Insuree, on_delete=models.PROTECT, related_name="claims")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=16, default="open")
    created = models.DateTimeField(auto_now_add=True)

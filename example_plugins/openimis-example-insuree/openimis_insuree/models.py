from django.db import models


class Insuree(models.Model):
    """A person covered by a policy, identified by a fixed-length insurance number."""

    number = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.number} {self.name}"


class Tally(models.Model):
    """What the count_insurees task saw, one row per run."""

    counted = models.IntegerField()
    at = models.DateTimeField(auto_now_add=True)

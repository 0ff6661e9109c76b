"""openimis-host: a thin Django host that assembles pip-installed openIMIS modules."""

__version__ = "0.1.0"

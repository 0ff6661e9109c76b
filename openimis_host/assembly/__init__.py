"""Assembly: each file turns one kind of hook result into one Django surface.

Every file has a ``collect(host)`` that calls its hooks for each loaded module
(recording what each gave in ``module.contributions`` and failing modules that
return nonsense), and a function that builds the Django-facing object from the
modules still loaded. Nothing here reads entry points.
"""


def list_of_str(value) -> str | None:
    """A hook result check: a list (or tuple) of non-empty strings."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        return "expected a list of dotted-path strings"
    return None

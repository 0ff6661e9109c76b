"""Checks of hook results that several assembly files share.

A check takes what a hook returned and answers what is wrong with it, or None.
"""

from __future__ import annotations

from importlib.util import find_spec


def list_of_str(value) -> str | None:
    """A hook result check: a list (or tuple) of non-empty strings."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        return "expected a list of dotted-path strings"
    return None


def installed_paths(value) -> str | None:
    """A hook result check: ``list_of_str`` whose top-level packages are installed.

    Django would otherwise fail on a missing one with a traceback that names no
    module. Only the top-level package is looked up, which imports nothing: the
    apps' own modules must not be imported before settings are complete.
    """
    wrong = list_of_str(value)
    if wrong:
        return wrong
    tops = {v.split(".")[0] for v in value}
    missing = sorted(top for top in tops if not top or find_spec(top) is None)
    if missing:
        return f"but no package named {', '.join(repr(m) for m in missing)} is installed"
    return None

"""What discovery tells a module author beyond "it failed": the near hook name, the line
that raised, the reinstall a fixed entry point needs, the hook-like function left unmarked.
"""

from __future__ import annotations

import difflib
import inspect
import os
import traceback

from ..host import HOOK_NAMES

#: What a name that looks like a hook starts with.
HOOK_PREFIX = "openimis_"


def near_hook(name: str) -> str | None:
    """The hook of the contract ``name`` most likely misspells, if one is close enough."""
    close = difflib.get_close_matches(name, HOOK_NAMES, n=1, cutoff=0.75)
    return close[0] if close else None


def rename_advice(name: str) -> str:
    """The fix for an implementation of ``name``, which no hookspec declares."""
    near = near_hook(name)
    if near:
        return f"did you mean {near}? Rename {name} to {near}"
    return ("rename it to one of: " + ", ".join(HOOK_NAMES)
            + " (or name the hook with @hookimpl(specname=...))")


def unmarked_lookalikes(plugin, is_marked) -> list[str]:
    """Functions of ``plugin`` named ``openimis_*``, not a hook name, and not marked @hookimpl.

    (An exact hook name without the marker is an error of its own, openimis.E007.) pluggy
    never calls such a function, so whatever it returns (its tasks, its settings) is silently
    absent; usually a misspelled hook whose @hookimpl was forgotten too.
    """
    found = []
    for name in dir(plugin):
        if not name.startswith(HOOK_PREFIX) or name in HOOK_NAMES:
            continue
        value = getattr(plugin, name, None)
        if (inspect.isfunction(value) or inspect.ismethod(value)) and not is_marked(name):
            found.append(name)
    return found


def lookalike_warning(name: str) -> tuple[str, str]:
    """(what, fix) for an unmarked ``openimis_*`` function that is not a hook."""
    near = near_hook(name)
    what = f"'{name}' looks like a hook but has no @hookimpl and no hookspec: the host never calls it"
    if near:
        return what, f"did you mean {near}? Rename it to {near} and decorate it with @hookimpl"
    return what, ("if it is meant as a hook, give it the name of one ("
                  + ", ".join(HOOK_NAMES) + ") and decorate it with @hookimpl; if not, "
                  "rename it so that it does not start with 'openimis_'")


def raise_site(exc: BaseException) -> str | None:
    """Where ``exc`` was raised, as 'file, line N': the innermost frame outside importlib."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{exc.filename}, line {exc.lineno}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not f.filename.startswith("<") and "importlib" not in f.filename]
    if not frames:
        return None
    return f"{frames[-1].filename}, line {frames[-1].lineno}"


def reinstall(distribution: str | None) -> str:
    """Why a fixed pyproject.toml is not enough, and what to run."""
    return (f"then reinstall {distribution or 'the distribution'} (pip install -e <its folder>, "
            "or pip install <its folder>): the host reads the entry points of the installed "
            "metadata, not pyproject.toml")


def installed_at(module) -> float | None:
    """When ``module``'s distribution was installed (its metadata folder's mtime), if known."""
    path = getattr(getattr(module.ep, "dist", None), "_path", None)  # importlib's PathDistribution
    try:
        return os.stat(path).st_mtime if path else None
    except OSError:
        return None


def installed_later(one, other) -> bool:
    """Whether module ``one`` was installed after module ``other`` (False when unknown)."""
    first, second = installed_at(one), installed_at(other)
    return first is not None and second is not None and first > second

"""The installed ``openimis-be-*`` distributions, read from their metadata and files alone.

The provider, the derived settings, the scheduled tasks and ``migrate`` ask what is
installed; nothing here imports a module (it runs before Django setup).
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from importlib import metadata

from ..discovery.distributions import read_headers
from ..host import canonical_name

#: Distributions the legacy provider turns into modules.
PREFIX = "openimis-be-"
#: How the folder of an ``openimis-be-*`` distribution is named, as importlib.metadata
#: normalizes it. Not the whole prefix: for a folder named ``openimis-be-core.egg-info``
#: importlib.metadata takes the part before the first hyphen.
_FOLDER_PREFIX = "openimis"


@dataclass(frozen=True)
class Installed:
    """An installed openIMIS module as its metadata shows it."""

    distribution: str
    version: str
    requires: frozenset[str]  # canonical distribution names (Requires-Dist)
    parts: frozenset[str]  # what openimis-be_py would find in it: see plugin.PARTS


def installed() -> dict[str, Installed]:
    """Module name -> :class:`Installed`, for each installed ``openimis-be-*`` distribution
    (the first one on sys.path wins, as for imports).

    Read once per ``sys.path``: the provider, the derived settings and the scheduled tasks
    all ask, and each scan reads the metadata of every installed distribution."""
    return dict(_installed(tuple(sys.path)))


@functools.lru_cache(maxsize=4)
def _installed(path: tuple) -> dict[str, Installed]:
    found: dict[str, Installed] = {}
    seen: set[str] = set()
    for dist in metadata.distributions(path=list(path)):
        if not _may_be_openimis(dist):
            continue
        meta = read_headers(dist)
        name = meta["Name"] or ""
        canonical = canonical_name(name)
        if not canonical.startswith(PREFIX) or canonical in seen:
            continue
        seen.add(canonical)
        module = top_level(dist, canonical)
        if module not in found:
            found[module] = Installed(name, meta["Version"], _requires(meta.get_all("Requires-Dist")),
                                      parts(dist, module))
    return found


def _may_be_openimis(dist: metadata.Distribution) -> bool:
    """False only for a distribution whose folder name says it is not ``openimis-be-*``.

    Reading every distribution's METADATA was most of the boot time this provider costs a
    host with no openIMIS module; the folder's name costs nothing. importlib.metadata names
    it ``_normalized_name`` (Python 3.10+), and reads the METADATA itself when the folder's
    name says nothing (an egg, say).
    """
    folder_name = getattr(dist, "_normalized_name", None)
    return not isinstance(folder_name, str) or folder_name.startswith(_FOLDER_PREFIX)


def parts(dist: metadata.Distribution, module: str) -> frozenset[str]:
    """What the package has of what openimis-be_py looks up by name, from its installed files.

    Only the files are read, nothing imported: this runs before Django setup.
    """
    files = {str(f).replace("\\", "/"): f for f in dist.files or ()}
    found = {part for part, path in (("urls", "urls.py"), ("scheduled_tasks", "scheduled_tasks.py"),
                                     ("signals", "signals.py")) if f"{module}/{path}" in files}
    schema = _text(dist, files.get(f"{module}/schema.py"))
    found |= {part for part, cls in (("query", "Query"), ("mutation", "Mutation"))
              if re.search(rf"^(class {cls}\b|{cls}\s*=)", schema, re.MULTILINE)}
    if "register_exception_handler" in _text(dist, files.get(f"{module}/apps.py")):
        found.add("exception_handler")
    return frozenset(found)


def _text(dist: metadata.Distribution, path) -> str:
    if path is None:
        return ""
    try:
        return dist.locate_file(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def top_level(dist: metadata.Distribution, canonical: str) -> str:
    """The distribution's import package: its top_level.txt, else its files, else its name."""
    text = dist.read_text("top_level.txt") or ""
    names = [n.strip() for n in text.splitlines() if n.strip() and n.strip() != "tests"]
    if not names:
        names = sorted({f.parts[0] for f in dist.files or ()
                        if len(f.parts) > 1 and f.parts[1] == "__init__.py"} - {"tests"})
    if len(names) == 1:
        return names[0]
    # Several (or no) packages: the one named like the distribution, as openIMIS names them.
    guess = canonical[len(PREFIX):].replace("-", "_")
    return guess if guess in names or not names else names[0]


def _requires(lines: list[str] | None) -> frozenset[str]:
    # packaging is imported here, not at the top: a host without openIMIS modules never needs it.
    from packaging.requirements import InvalidRequirement, Requirement

    out = set()
    for line in lines or ():
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue  # pip would not have installed it; the host's own checks name such lines
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            out.add(canonical_name(req.name))
    return frozenset(out)

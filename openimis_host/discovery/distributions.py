"""What an installed module distribution's metadata says, read without a parser import.

Its header fields (Name, Version, Summary, Requires-Dist...), the requirements that apply,
and whether this host's version meets a module's ``openimis-host`` requirement. Discovery
reads these for every module at every boot, so each is read by hand where the standard
reader would cost boot time (the email parser, packaging), and handed to packaging where
the hand reading would not be exact.
"""

from __future__ import annotations

import functools
import logging
import re
from importlib import metadata

from ..host import canonical_name

log = logging.getLogger("openimis_host")


class Headers:
    """The header fields of a METADATA file: ``headers["Name"]``, ``headers.get_all("Requires-Dist")``.

    ``Distribution.metadata`` runs the email parser over the whole file, a tenth of
    discovery with 200 modules, and parses it again on every access. The fields the
    host reads are the header lines above the first empty line (the core metadata
    format): ``Name: value``, folded onto lines that start with whitespace.
    """

    def __init__(self, text: str):
        self._fields: dict[str, list[str]] = {}
        values: list[str] | None = None
        for line in text.splitlines():
            if not line:
                break  # the description follows (a line of spaces is still a folded value)
            if line[0] in " \t":
                if values is not None and line.strip():
                    values[-1] += " " + line.strip()
                continue
            name, colon, value = line.partition(":")
            if colon:
                values = self._fields.setdefault(name.strip().lower(), [])
                values.append(value.strip())

    def __getitem__(self, name: str) -> str | None:
        values = self._fields.get(name.lower())
        return values[0] if values else None

    def get_all(self, name: str) -> list[str] | None:
        return self._fields.get(name.lower())


def read_headers(dist: metadata.Distribution):
    """The distribution's METADATA (PKG-INFO for an egg) headers, read once."""
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO")
    return Headers(text) if text else dist.metadata


def home_page(meta) -> str | None:
    """The project's home page: its Home-page field, else its first home-like Project-URL."""
    if meta["Home-page"]:
        return meta["Home-page"]
    for line in meta.get_all("Project-URL") or ():
        label, _, url = line.partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "repository"):
            return url.strip()
    return None


#: The distribution name at the start of a Requires-Dist line (PEP 508).
_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*"
                          r"((?:\(?\s*(?:~=|===?|!=|<=?|>=?)|@).*)?")


def requirements(module) -> list[tuple[str, str]]:
    """(canonical name, version specifier) of each Requires-Dist line that applies (no extra).

    Parsed by hand rather than with packaging.requirements, whose import is a
    tenth of a small host's boot; packaging is imported only for what needs it
    (a marker, the openimis-host specifier).
    """
    reqs = []
    for line in module.requires_dist:
        text, _, marker = line.partition(";")
        found = _REQUIREMENT.fullmatch(text.strip())
        problem = None if found else "not a requirement"
        if found and marker.strip():
            from packaging.markers import InvalidMarker, Marker

            try:
                if not Marker(marker).evaluate({"extra": ""}):
                    continue  # an optional dependency, not installed with the module
            except InvalidMarker as exc:
                problem = str(exc)
        if problem:
            # pip would not have installed it; a hand-made one gets a word, not a failure.
            log.warning("module '%s' (%s): ignoring the Requires-Dist line %r: %s",
                        module.name, module.distribution, line, problem)
            continue
        specifier = (found.group(2) or "").strip()
        reqs.append((canonical_name(found.group(1)), "" if specifier.startswith("@")
                     else specifier.strip("()").strip()))
    return reqs


#: A specifier clause that compares plain release numbers: ``>=0.1``, ``<1``, ``==1.2.0``.
_PLAIN_CLAUSE = re.compile(r"\s*(>=|<=|==|!=|<|>)\s*(\d+(?:\.\d+)*)\s*")
_PLAIN_RELEASE = re.compile(r"\d+(?:\.\d+)*")
_COMPARE = {">=": tuple.__ge__, "<=": tuple.__le__, "==": tuple.__eq__, "!=": tuple.__ne__,
            "<": tuple.__lt__, ">": tuple.__gt__}


@functools.lru_cache(maxsize=64)  # every module of a release asks the same question
def host_satisfies(specifier: str, host_version: str) -> bool:
    """Whether ``host_version`` meets ``specifier`` (PEP 440, pre-releases allowed).

    Plain release numbers on both sides (``>=0.1,<1`` against ``0.1.0``), which is what
    modules write, are compared here: importing packaging.specifiers was 13 ms of every
    boot. Anything else (``~=``, ``==0.2.*``, a pre-release) is packaging's to decide.
    """
    clauses = [_PLAIN_CLAUSE.fullmatch(clause) for clause in specifier.split(",")]
    if _PLAIN_RELEASE.fullmatch(host_version) and all(clauses):
        have = _release(host_version)
        return all(_COMPARE[c.group(1)](*_padded(have, _release(c.group(2)))) for c in clauses)
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(specifier).contains(host_version, prereleases=True)
    except InvalidSpecifier:
        log.warning("ignoring the requirement openimis-host%s: not a version specifier", specifier)
        return True


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _padded(a: tuple, b: tuple) -> tuple[tuple, tuple]:
    """PEP 440 compares releases as if padded with zeros: 1.0 == 1.0.0."""
    width = max(len(a), len(b))
    return a + (0,) * (width - len(a)), b + (0,) * (width - len(b))

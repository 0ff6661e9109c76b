"""openIMIS's stack as the legacy extra pins it, and the installed pins that undo it.

pip installs a module's own pins after the host's extra: openimis-be-controls'
``django-filter==22.1`` quietly replaces the 24.x that the extra asks for, and
22.1 breaks core's ``mutationLogs`` on Django 5.2. ``check`` reports each such
downgrade (openimis.W008) with the distributions that pin it and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ..discovery import HOST_DISTRIBUTION
from ..management.freeze import extra_requirements

#: What breaks when a requirement of the extra is not met, for the message.
CONSEQUENCES = {"django-filter": "breaks core's mutationLogs on Django 5.2"}


@dataclass(frozen=True)
class Downgrade:
    """An installed version outside what the legacy extra requires, and who pins it."""

    requirement: Requirement
    installed: str
    pinned_by: tuple[str, ...]

    def message(self) -> str:
        """One line: what is installed, what the stack needs, who pinned it, what breaks."""
        name = self.requirement.name
        who = f", pinned by {', '.join(self.pinned_by)}" if self.pinned_by else ""
        why = f": {CONSEQUENCES[canonicalize_name(name)]}" if canonicalize_name(name) in CONSEQUENCES else ""
        return (f"{name} {self.installed} is installed{who}, but openIMIS's stack needs "
                f"{self.requirement}{why}")

    def fix(self) -> str:
        """The pip command that puts the stack back."""
        return (f"pip install '{self.requirement}' (pip then warns that "
                f"{' and '.join(self.pinned_by) or 'a module'} asks for another version; the host "
                f"runs it with {self.requirement.specifier})")


def downgrades() -> list[Downgrade]:
    """Each requirement of the host's ``legacy`` extra that the installed version misses."""
    try:
        host = metadata.distribution(HOST_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return []
    found = []
    for req in extra_requirements(host, "legacy"):
        try:
            installed = metadata.version(req.name)
            if req.specifier.contains(Version(installed), prereleases=True):
                continue
        except (metadata.PackageNotFoundError, InvalidVersion):
            continue  # missing: the modules' own check names what to install
        found.append(Downgrade(Requirement(f"{req.name}{req.specifier}"), installed,
                               _pinned_by(req.name, installed)))
    return found


def _pinned_by(name: str, installed: str) -> tuple[str, ...]:
    """Installed distributions whose Requires-Dist on ``name`` allows ``installed``, except the host."""
    key, who = canonicalize_name(name), []
    for dist in metadata.distributions():
        dist_name = dist.metadata["Name"] or ""
        if canonicalize_name(dist_name) == canonicalize_name(HOST_DISTRIBUTION):
            continue
        for text in dist.requires or []:
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            if (canonicalize_name(req.name) == key and not req.marker and req.specifier
                    and req.specifier.contains(installed, prereleases=True)):
                who.append(f"{dist_name} {dist.version} ({req})")
    return tuple(sorted(set(who)))

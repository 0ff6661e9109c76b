"""Installed distributions whose files another distribution wrote over.

openIMIS's report requires reportbro-fpdf (PyFPDF 1.7), and reportbro-lib 3, which it also
requires, needs reportbro-fpdf2. Both distributions install the package ``fpdf``; pip does
not see the clash and leaves whichever it wrote last. When that is PyFPDF, every PDF report
fails at run time (``write() argument must be str, not bytearray``). ``check`` reports it
(openimis.W009) with the pip command that writes the needed one again.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from importlib import metadata

from packaging.utils import canonicalize_name

#: Distribution whose files must be the ones on disk -> what breaks when they are not.
MUST_BE_INTACT = {"reportbro-fpdf2": "reportbro-lib's PDFs fail (report's reports)"}


@dataclass(frozen=True)
class Overwritten:
    """A distribution whose files on disk are another distribution's."""

    name: str
    version: str
    by: tuple[str, ...]
    consequence: str

    def message(self) -> str:
        """One line: which files, overwritten by whom, and what breaks."""
        by = f" by {', '.join(self.by)}" if self.by else ""
        return (f"{self.name} {self.version} is installed but its files were written over{by}, "
                f"which installs the same package: {self.consequence}")

    def fix(self) -> str:
        """The pip command that writes the distribution's own files again."""
        return f"pip install --force-reinstall --no-deps '{self.name}=={self.version}'"


def overwritten() -> list[Overwritten]:
    """Each distribution of :data:`MUST_BE_INTACT` that is installed and not intact on disk."""
    found = []
    for name, consequence in MUST_BE_INTACT.items():
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        changed = {str(f) for f in dist.files or () if f.hash and not _intact(f)}
        if changed:
            found.append(Overwritten(name, dist.version, _writers(name, changed), consequence))
    return found


def _intact(path: metadata.PackagePath) -> bool:
    try:
        data = path.locate().read_bytes()
    except OSError:
        return False
    digest = hashlib.new(path.hash.mode, data).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == path.hash.value


def _writers(name: str, paths: set[str]) -> tuple[str, ...]:
    """The other installed distributions that list one of ``paths`` among their files."""
    key, who = canonicalize_name(name), set()
    for dist in metadata.distributions():
        other = dist.metadata["Name"] or ""
        if canonicalize_name(other) != key and any(str(f) in paths for f in dist.files or ()):
            who.add(f"{other} {dist.version}")
    return tuple(sorted(who))

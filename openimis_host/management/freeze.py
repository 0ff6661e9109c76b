"""``openimis-host modules freeze``: the module set as a pinned requirements file.

Two sources: what is installed here (the host and every module distribution, so
that another machine installs the same set), or an openimis.json (each module's
``pip`` value verbatim, as openimis-be_py's modules-requirements script prints
them, so an existing openIMIS distribution moves over in one step).
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ..discovery import HOST_DISTRIBUTION
from ..errors import ConfigError

#: Extras that only a developer of the host installs: never part of a deployment's set.
DEVELOPER_EXTRAS = {"test"}


def installed_requirements(modules) -> list[str]:
    """``name==version`` for the host (with the extras it is installed with) and each module
    distribution of ``modules`` (the host's modules, any status), one per distribution."""
    lines = [_host_line()]
    seen = {canonicalize_name(HOST_DISTRIBUTION)}
    for module in modules:
        if not module.distribution or not module.version:
            continue  # an in-process module, or a provider that failed: nothing to pin
        key = canonicalize_name(module.distribution)
        if key not in seen:
            seen.add(key)
            lines.append(f"{module.distribution}=={module.version}")
    return lines


def _host_line() -> str:
    """The host's own pin, with each extra whose requirements are all installed here.

    An extra is a choice of the deployment (the PostgreSQL driver, openIMIS's stack):
    pinning the host alone would let another machine come up without it.
    """
    dist = metadata.distribution(HOST_DISTRIBUTION)
    extras = sorted(e for e in (dist.metadata.get_all("Provides-Extra") or [])
                    if e not in DEVELOPER_EXTRAS and _extra_installed(dist, e))
    return f"{HOST_DISTRIBUTION}{'[' + ','.join(extras) + ']' if extras else ''}=={dist.version}"


def _extra_installed(dist, extra: str) -> bool:
    needed = [r for r in extra_requirements(dist, extra)]
    return bool(needed) and all(_version(r.name) is not None for r in needed)


def extra_requirements(dist, extra: str) -> list[Requirement]:
    """The requirements ``dist`` declares for ``extra`` (marker ``extra == "<extra>"``)."""
    found = []
    for text in dist.requires or []:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        if req.marker and req.marker.evaluate({"extra": extra}) and not req.marker.evaluate({"extra": ""}):
            found.append(req)
    return found


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


# --- openimis.json ------------------------------------------------------------

def read_openimis_json(text: str, origin: str) -> list[dict]:
    """The ``modules`` list of an openimis.json document; ConfigError naming ``origin`` if malformed."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{origin} is not valid JSON ({exc}); expected openIMIS's "
                          '{"modules": [{"name": "core", "pip": "openimis-be-core==1.11.0"}, ...]}') from None
    modules = document.get("modules") if isinstance(document, dict) else None
    if not isinstance(modules, list) or not all(isinstance(m, dict) and isinstance(m.get("name"), str)
                                                for m in modules):
        raise ConfigError(f"{origin} has no \"modules\" list of objects with a \"name\"; expected "
                          'openIMIS\'s {"modules": [{"name": "core", "pip": "openimis-be-core==1.11.0"}]}')
    return modules


def openimis_json_requirements(path: str) -> list[str]:
    """Each module's ``pip`` value of the openimis.json at ``path``, verbatim, in its order."""
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"--openimis-json {path}: no such file; give the path of the "
                          "openimis.json of your openIMIS distribution")
    modules = read_openimis_json(file.read_text(encoding="utf-8"), str(file))
    missing = [m["name"] for m in modules if not isinstance(m.get("pip"), str) or not m["pip"].strip()]
    if missing:
        raise ConfigError(f"{path}: module(s) {', '.join(missing)} have no \"pip\" value; add "
                          'one per module, e.g. "pip": "openimis-be-core==1.11.0"')
    return [m["pip"].strip() for m in modules]

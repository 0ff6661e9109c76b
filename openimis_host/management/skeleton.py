"""The files of a new module, for ``openimis-host create_module``.

The templates are files under ``scaffold/templates/``, one folder per layer:
``base`` (always), then ``business`` or ``calculation`` (``--template``), then ``github``
(``--github``). A later layer's file replaces a base file of the same path. Paths and
contents carry ``{{key}}`` placeholders for the keys of :func:`values`; anything else in
braces (GitHub's ``${{ matrix.python-version }}``) is left as it is. Each template ends in
``.tmpl``, so that the host's own tools never take one for code, and a path segment
``dot-x`` becomes ``.x`` (``dot-gitignore``): packaging leaves hidden files out of the wheel.
"""

from __future__ import annotations

import re
import uuid
from importlib import util
from pathlib import Path

from graphene.utils.str_converters import to_camel_case

from ..assembly.urls import RESERVED

TEMPLATES = Path(__file__).parents[1] / "scaffold" / "templates"
#: --template choices, and the layers each adds after ``base``.
LAYERS = {"business": ("business",), "calculation": ("calculation",)}
SUFFIX = ".tmpl"
DOT = "dot-"
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def refusal(name: str, host=None) -> str | None:
    """Why the host could not serve a module called ``name``, in one line; None if it can.

    ``host`` is the process Host: its modules (entry points, provided ones, the
    built-in one) are the names already taken.
    """
    if not NAME.match(name):
        return (f"module name {name!r} is not a lower-case Python identifier: use letters, digits "
                "and underscores, starting with a letter, e.g. claim or claim_batch")
    if name in RESERVED:
        return (f"module name {name!r} is taken by the host's own /{name} endpoint: choose another "
                f"name (the host reserves {', '.join(sorted(RESERVED))})")
    for module in (host.modules if host is not None else ()):
        if module.name == name and module.builtin:
            return f"module name {name!r} is the host's own built-in module: choose another name"
        if module.name == name:
            origin = f"{module.distribution} {module.version}" if module.distribution else module.source
            return (f"module name {name!r} is already installed ({origin}): choose another name, "
                    f"or pip uninstall {module.distribution or 'that distribution'} first")
    package = f"openimis_{name}"
    try:
        found = util.find_spec(package)
    except (ImportError, ValueError):
        found = None
    if found is not None:
        where = found.origin or ", ".join(found.submodule_search_locations or [])
        return (f"module name {name!r} would create package {package}, which is already importable "
                f"here ({where}): choose another name")
    return None


def values(name: str, distribution: str, host_version: str) -> dict[str, str]:
    """The placeholder values for module ``name``."""
    major = int(host_version.split(".")[0])
    return {
        "name": name,
        "package": f"openimis_{name}",
        "distribution": distribution,
        "upper": name.upper(),
        "camel": to_camel_case(name),  # GraphQL field prefix: claim_batch -> claimBatch
        "pascal": "".join(part.capitalize() for part in name.split("_")),
        "host_spec": f">={host_version},<{major + 1}",
        "uuid": str(uuid.uuid4()),
    }


def render(text: str, values: dict[str, str]) -> str:
    """``text`` with each ``{{key}}`` of ``values`` replaced."""
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def files(values: dict[str, str], template: str | None = None,
          github: bool = False) -> dict[str, str]:
    """The new module's files: relative path -> content."""
    layers = ("base", *LAYERS.get(template, ()), *(("github",) if github else ()))
    found: dict[str, str] = {}
    for layer in layers:
        root = TEMPLATES / layer
        for source in sorted(root.rglob("*" + SUFFIX)):
            relative = "/".join("." + part[len(DOT):] if part.startswith(DOT) else part
                                for part in source.relative_to(root).parts)[:-len(SUFFIX)]
            found[render(relative, values)] = render(source.read_text(), values)
    return found

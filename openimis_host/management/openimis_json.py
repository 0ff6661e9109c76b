"""An openimis.json where openimis-be_py would read it: found, compared, never loaded.

openimis-be_py loads the modules that its openimis.json lists (the JSON text in
OPENIMIS_CONF_JSON, else the file OPENIMIS_CONF, else openimis.json next to the
project). The host loads what is installed instead, so such a file is a sign of
a distribution moved over half-way: ``check`` says what differs (openimis.W007).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from .freeze import read_openimis_json


@dataclass(frozen=True)
class Found:
    """The openimis.json the original would read: where, and the module names it lists."""

    origin: str
    names: tuple[str, ...] = ()
    error: str | None = None


def locate(conf_json: str | None, conf_path: str | None, cwd: Path | None = None) -> Found | None:
    """The openimis.json openimis-be_py would read, or None: ``conf_json`` (OPENIMIS_CONF_JSON)
    wins over ``conf_path`` (OPENIMIS_CONF), which wins over ./openimis.json."""
    if conf_json:
        origin, text = "OPENIMIS_CONF_JSON", conf_json
    else:
        file = Path(conf_path) if conf_path else (cwd or Path.cwd()) / "openimis.json"
        origin = f"OPENIMIS_CONF={conf_path}" if conf_path else str(file)
        if not file.is_file():
            return Found(origin, error="no such file") if conf_path else None
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            return Found(origin, error=str(exc))
    try:
        modules = read_openimis_json(text, origin)
    except ConfigError as exc:
        return Found(origin, error=str(exc))
    return Found(origin, tuple(m["name"] for m in modules))


def differences(found: Found, installed: list[str]) -> tuple[list[str], list[str]]:
    """(listed but not installed, installed but not listed), each in its own order."""
    listed = set(found.names)
    return ([n for n in found.names if n not in set(installed)],
            [n for n in installed if n not in listed])

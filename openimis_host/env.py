"""Reading the environment (and an optional ``.env`` file) with one-line errors.

Every variable the host reads goes through :class:`Environment`, so a bad value
always produces the same kind of message: the variable, what it holds, and the
form that was expected. The typed reads are environs' (and so marshmallow's
spellings of a boolean); this class adds the host's rules on top: a blank value
counts as unset, and environs' error becomes one line with an example.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dotenv
import environs

from .errors import ConfigError


class Environment:
    """Typed access to environment variables; raises :class:`ConfigError` on a bad value."""

    def __init__(self, env_file: str | None = None):
        self._env = environs.Env(eager=True)
        explicit = env_file or os.environ.get("OPENIMIS_ENV_FILE")
        path = Path(explicit or Path.cwd() / ".env")
        if explicit and not path.is_file():
            raise ConfigError(f"OPENIMIS_ENV_FILE={explicit!r} is not a file: "
                              "point it at your .env file, or unset it to read ./.env")
        if path.is_file():
            # Into os.environ, not only environs' own map (its read_env): openIMIS
            # modules read os.environ themselves. The process environment wins.
            dotenv.load_dotenv(path, override=False)

    def _read(self, kind: str, name: str, expected: str):
        try:
            return getattr(self._env, kind)(name)
        except environs.EnvError:
            raw = os.environ[name].strip()
            raise ConfigError(f"{name}={raw!r} is not valid: expected {expected}") from None

    def is_set(self, name: str) -> bool:
        return bool(os.environ.get(name, "").strip())

    def str(self, name: str, default: str | None = None) -> str | None:
        value = os.environ.get(name)
        return default if value is None or value.strip() == "" else value.strip()

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.str(name, default)
        if value.upper() in (c.upper() for c in choices):
            return next(c for c in choices if c.upper() == value.upper())
        raise ConfigError(f"{name}={value!r} is not valid: expected one of {', '.join(choices)}")

    def bool(self, name: str, default: bool) -> bool:
        if not self.is_set(name):
            return default
        return self._read("bool", name, "true or false")

    def int(self, name: str, default: int | None, minimum: int | None = None,
            example: int | None = None) -> int | None:
        """``name`` as a whole number >= ``minimum``; the error shows ``example`` (else the default)."""
        if not self.is_set(name):
            return default
        shown = next(v for v in (example, default, minimum, 1) if v is not None)
        value = self._read("int", name, f"a whole number, e.g. {name}={shown}")
        if minimum is not None and value < minimum:
            raise ConfigError(f"{name}={value} is not valid: expected a number >= {minimum}")
        return value

    def float(self, name: str, default: float) -> float:
        if not self.is_set(name):
            return default
        return self._read("float", name, f"a number, e.g. {name}={default}")

    def list(self, name: str, default: list[str]) -> list[str]:
        if not self.is_set(name):
            return list(default)
        return [item.strip() for item in os.environ[name].split(",") if item.strip()]

    def json(self, name: str, default):
        if not self.is_set(name):
            return default
        try:
            return json.loads(os.environ[name])
        except json.JSONDecodeError as exc:  # parsed here: environs' error hides where it broke
            raise ConfigError(f"{name} is not valid JSON ({exc.msg} at char {exc.pos}): "
                              f"expected e.g. {name}='{{\"key\": \"value\"}}'") from None

    def dict(self, name: str, default: dict) -> dict:
        value = self.json(name, default)
        if not isinstance(value, dict):
            raise ConfigError(f"{name} is not valid: expected a JSON object like '{{\"key\": 1}}'")
        return value

    def like(self, name: str, default):
        """Read ``name`` as the same type as ``default`` (used for module setting defaults)."""
        if isinstance(default, bool):
            return self.bool(name, default)
        if isinstance(default, int):
            return self.int(name, default)
        if isinstance(default, float):
            return self.float(name, default)
        if isinstance(default, (list, tuple)):
            value = self.json(name, None) if os.environ[name].lstrip().startswith("[") else None
            return type(default)(value if value is not None else self.list(name, []))
        if isinstance(default, dict):
            return self.dict(name, default)
        return self.str(name, default)


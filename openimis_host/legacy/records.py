"""``ProvidedModule``, the record a module provider returns (contract v1.1).

It belongs in ``plugins_spec``; until the host's provider discovery is merged
there, this stand-in with the same fields lets the provider be built and tested.
TODO(merge): use plugins_spec.ProvidedModule once it exists and delete this file.
"""

from __future__ import annotations

try:
    from plugins_spec import ProvidedModule
except ImportError:  # contract v1.1 not on this branch yet
    from dataclasses import dataclass
    from typing import Any

    @dataclass(frozen=True)
    class ProvidedModule:  # type: ignore[no-redef]
        """One module a provider supplies: its name, plugin object, origin and what it loads after."""

        name: str
        plugin: Any
        distribution: str | None
        version: str | None
        after: tuple[str, ...] = ()

__all__ = ["ProvidedModule"]

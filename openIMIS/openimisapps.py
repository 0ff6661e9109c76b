"""``openimis_apps()``: the openIMIS modules in use, as openimis-be_py lists them.

openimis-be_py reads them from openimis.json; here they are the host's loaded
modules that come from ``openimis-be-*`` distributions, in load order.
"""

from __future__ import annotations


def openimis_apps() -> list[str]:
    """The names (= Django app labels) of the openIMIS modules in use, in load order."""
    from openimis_host.host import get_host
    from openimis_host.legacy.plugin import LegacyPlugin

    return [m.name for m in get_host().loaded if isinstance(m.plugin, LegacyPlugin)]

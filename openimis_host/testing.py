"""Boot a host in-process with exactly the modules a test wants.

For module authors' test suites (a ``conftest.py``)::

    from openimis_host.testing import setup_host
    import openimis_claim.plugin

    setup_host({"claim": openimis_claim.plugin})

Then use Django's test client as usual. Django can be set up once per
process, so call it once, before anything imports Django models.
"""

from __future__ import annotations

import os

from . import discovery
from .env import Environment
from .host import Host, Module, canonical_name


def setup_host(plugins: dict, *, installed: bool = False, env: dict | None = None,
               requires: dict | None = None) -> Host:
    """Discover with ``plugins`` (name -> plugin object) added, then set Django up with the host settings.

    ``installed=True`` also keeps the pip-installed modules; by default only
    ``plugins`` (and the host's built-in module) are used. ``env`` sets
    environment variables first (e.g. ``{"OPENIMIS_MODULE_ERRORS": "skip"}``);
    ``requires`` maps a name to the distribution names it comes after. A plugin
    registered under the name of an installed module replaces it, so authors
    can test their own pip-installed module. Returns the process
    :class:`~openimis_host.host.Host`.
    """
    if not plugins and not installed:
        raise ValueError("setup_host() needs at least one plugin, or installed=True")
    os.environ.update(env or {})
    os.environ["DJANGO_SETTINGS_MODULE"] = "openimis_host.settings"
    if not installed:
        os.environ["OPENIMIS_MODULES"] = ",".join(plugins)
    registered = {
        name: Module(name=name, distribution=name, version="0+test", source="registered in-process",
                     plugin=plugin,
                     requires=frozenset(canonical_name(r) for r in (requires or {}).get(name, ())))
        for name, plugin in plugins.items()
    }
    host = discovery.from_environment(Environment(), registered=registered)
    import django

    django.setup()
    return host

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

from . import modules


def setup_host(plugins: dict, *, installed: bool = False, env: dict | None = None,
               requires: dict | None = None):
    """Register ``plugins`` (name -> plugin object) and set Django up with the host settings.

    ``installed=True`` also keeps the pip-installed modules; by default only
    ``plugins`` are used. ``env`` sets environment variables first (e.g.
    ``{"OPENIMIS_MODULE_ERRORS": "skip"}``); ``requires`` maps a name to the
    distribution names it comes after. Returns the :class:`~openimis_host.modules.Host`.
    """
    if not plugins and not installed:
        raise ValueError("setup_host() needs at least one plugin, or installed=True")
    os.environ.update(env or {})
    os.environ["DJANGO_SETTINGS_MODULE"] = "openimis_host.settings"
    for name, plugin in plugins.items():
        modules.register(name, plugin, distribution=name, version="0+test",
                         requires=tuple((requires or {}).get(name, ())))
    if not installed:
        os.environ["OPENIMIS_MODULES"] = ",".join(plugins)
    import django

    django.setup()
    return modules.get_host()

"""Settings for the legacy tests' hosts: the host's, with the legacy provider's modules registered.

TODO(merge): the host's provider discovery (``openimis.module_providers``, contract v1.1)
is not on this branch yet. Until it is, this registers what
``openimis_host.legacy.provider.provide()`` returns, in its order, the way an entry
point would be found. Once discovery is merged, the provider's own entry point in
pyproject.toml does this, and this file and DJANGO_SETTINGS_MODULE in
tests/test_legacy.py go away.
"""

from openimis_host import modules
from openimis_host.legacy.provider import provide

_records = provide()
_distribution = {r.name: r.distribution for r in _records}
for _record in _records:
    modules.register(_record.name, _record.plugin, distribution=_record.distribution,
                     version=_record.version,
                     requires=tuple(_distribution[name] for name in _record.after))

from openimis_host.settings import *  # noqa: E402,F403

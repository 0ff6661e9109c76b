"""The module provider for ``openimis-be-*`` distributions (entry point ``openimis.module_providers``).

Each installed ``openimis-be-*`` distribution becomes one module, named after
its top-level package (``openimis-be-claim`` -> ``claim``), with its real
distribution name and version. Runs before Django setup: it reads
installed metadata only (:mod:`.installed`) and imports none of the modules.
"""

from __future__ import annotations

import logging

from plugins_spec import ProvidedModule

from ..host import canonical_name
from .installed import installed
from .order import order
from .plugin import make_plugin

log = logging.getLogger("openimis_host.legacy")


def provide() -> list[ProvidedModule]:
    """One record per installed ``openimis-be-*`` distribution, in the order they must load.

    Each record's ``after`` names the modules it requires (Requires-Dist) that
    load before it: those must be in use too. The host keeps this list's order
    where ``after`` leaves it open, so selecting some of the modules
    (OPENIMIS_MODULES) keeps their standard order. Requirements set aside to
    break a cycle are logged once, at INFO.
    """
    found = installed()
    by_dist = {canonical_name(m.distribution): name for name, m in found.items()}
    requires = {name: {by_dist[r] for r in m.requires if r in by_dist} for name, m in found.items()}
    result = order(requires)
    if result.ignored:
        log.info("openIMIS modules: %s (cycles in their Requires-Dist, broken by openIMIS's "
                 "standard order)", "; ".join(f"'{m}' loads before '{r}', which it requires"
                                              for m, r in result.ignored))
    set_aside = set(result.ignored)
    records = []
    for name in result.names:
        m = found[name]
        after = tuple(r for r in result.names if r in requires[name] and (name, r) not in set_aside)
        records.append(ProvidedModule(name=name, plugin=make_plugin(name, m.distribution, m.parts),
                                      distribution=m.distribution, version=m.version, after=after))
    return records

"""The openimis-host module contract (v1.2).

A module author imports only from here::

    from plugins_spec import hookimpl, ScheduledTask

``hookimpl`` marks a function as the implementation of one of the hooks
declared in :mod:`plugins_spec.hookspecs`; ``ScheduledTask`` is the record that
``openimis_scheduled_tasks`` returns. A distribution that supplies many modules
(a *module provider*) returns :class:`ProvidedModule` records instead. Nothing
in this package imports the host or Django, so a module's plugin object stays
cheap to import.
"""

import pluggy

#: The pluggy project name. Markers for any other project name are ignored.
PROJECT_NAME = "openimis"

#: The entry point group the host scans for modules.
ENTRY_POINT_GROUP = "openimis.modules"

#: The entry point group of module providers: callables returning ``list[ProvidedModule]``.
PROVIDER_GROUP = "openimis.module_providers"

#: The version of this contract (DESIGN.md); bumped, with a changelog entry, when it changes.
CONTRACT_VERSION = "1.2"

#: Marks a function as the implementation of an openimis hook.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

#: Marks a function as the specification of an openimis hook (host use only).
hookspec = pluggy.HookspecMarker(PROJECT_NAME)

from plugins_spec.records import ProvidedModule, ScheduledTask, TaskError  # noqa: E402

__all__ = [
    "CONTRACT_VERSION",
    "ENTRY_POINT_GROUP",
    "PROJECT_NAME",
    "PROVIDER_GROUP",
    "ProvidedModule",
    "ScheduledTask",
    "TaskError",
    "hookimpl",
    "hookspec",
]

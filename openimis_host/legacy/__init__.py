"""The bridge to openIMIS's own modules: the ``openimis-be-*`` distributions on PyPI.

They declare no entry point and are written for graphene 2, so the host ships
a module provider for them (``provider.provide``, entry point group
``openimis.module_providers``) that turns each installed one into a module,
and plugin objects (``plugin.LegacyPlugin``) that do through the host's hooks
what openIMIS's own assembly (openimis-be_py) does by name: apps, URLs, schema,
signals, scheduled tasks, exception handlers. Install with
``pip install 'openimis-host[legacy]'``; see docs/openimis-modules.md.
"""

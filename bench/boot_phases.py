"""Where the host's boot time goes: its phases, timed inside one boot.

    bench/build/venv/bin/python bench/boot_phases.py 200 [--repeat 3]

(run bench/run once first). Each repetition is a fresh host process with N
modules that times, on CPU time:

- the imports only the host makes (environs, pluggy, packaging, its own
  modules), measured after what both sides import (Django, DRF, graphene)
  so that shared imports are not counted twice;
- the steps of discovery in ``openimis_host.discovery`` and of assembly in
  ``openimis_host.assembly.*``, by wrapping those functions with timers
  (steps that no longer exist under these names are skipped);
- the whole boot as measure.BOOT defines it.

Nested steps are included in their callers ("discover: total" contains the
discover steps; "collect graphql" contains importing each module's schema,
which the hand-wired project pays too).
"""

from __future__ import annotations

import argparse
import functools
import sys
import time

from configs import HOST
from harness import run_child

#: (module, function, label): the steps timed when they exist.
STEPS = [
    ("openimis_host.discovery", "_entry_points", "discover: entry point scan"),
    ("openimis_host.discovery", "_from_entry_points", "discover: Module records (METADATA)"),
    ("openimis_host.discovery", "_check_compatibility", "discover: Requires-Dist parse + check"),
    ("openimis_host.discovery", "_register", "discover: import plugins + pluggy register"),
    ("openimis_host.discovery", "_take_impls", "discover: hook implementations from pluggy"),
    ("openimis_host.discovery.ordering", "ordered", "discover: order"),
    ("openimis_host.discovery.ordering", "check_dependencies", "discover: dependency check"),
    ("openimis_host.discovery", "discover", "discover: total"),
    ("openimis_host.assembly.settings", "collect", "collect settings"),
    ("openimis_host.assembly.apps", "collect", "collect apps"),
    ("openimis_host.assembly.middleware", "collect", "collect middleware"),
    ("openimis_host.assembly.urls", "collect", "collect urls (imports module urls/views)"),
    ("openimis_host.assembly.graphql", "collect", "collect graphql (imports module schemas)"),
    ("openimis_host.assembly.exceptions", "collect", "collect exception handlers"),
    ("openimis_host.assembly.tasks", "collect", "collect tasks"),
    ("openimis_host.assembly.graphql", "apply", "graphql.apply (merge roots + Schema)"),
    ("openimis_host.assembly.urls", "apply", "urls.apply (ModuleRoutes)"),
]

#: Imported before timing the host's own imports: what both sides import anyway.
SHARED = ["django", "django.conf", "django.db.models", "django.urls", "django.http",
          "django.core.mail", "django.contrib.admin", "rest_framework", "graphene",
          "decimal", "uuid", "json", "email", "logging.config", "urllib.parse"]
HOST_ONLY = ["environs", "openimis_host.env", "pluggy", "packaging.requirements",
             "openimis_host.discovery", "jwt", "cryptography.hazmat.primitives.asymmetric.rsa",
             "django_ratelimit"]


def child() -> None:
    import importlib

    timings: dict[str, float] = {}
    clock = time.process_time
    start = clock()
    t = clock()
    for name in SHARED:  # none of these reads the settings at import time
        importlib.import_module(name)
    timings["imports both sides make (Django, DRF, graphene, ...)"] = clock() - t
    for name in HOST_ONLY:
        t = clock()
        try:
            importlib.import_module(name)
        except ImportError:  # not a dependency of this version of the host
            continue
        timings[f"import {name}"] = clock() - t

    def timed(func, label):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            t = clock()
            try:
                return func(*args, **kwargs)
            finally:
                timings[label] = timings.get(label, 0.0) + clock() - t
        return wrapper

    for module_name, func_name, label in STEPS:
        module = importlib.import_module(module_name)
        if hasattr(module, func_name):
            setattr(module, func_name, timed(getattr(module, func_name), label))
    import django
    from django.urls import get_resolver
    from graphene_django.settings import graphene_settings

    t = clock()
    django.setup()
    timings["django.setup() total"] = clock() - t
    t = clock()
    get_resolver().url_patterns  # noqa: B018  loads the URLconf
    graphene_settings.SCHEMA.graphql_schema  # noqa: B018  builds it
    timings["URLconf + schema"] = clock() - t
    timings["TOTAL after interpreter start"] = clock() - start
    for label, seconds in timings.items():
        print(f"{seconds * 1000:9.1f} ms  {label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    for i in range(args.repeat):
        print(f"--- host boot, N={args.n}, run {i + 1} (CPU time)", flush=True)
        code = run_child(__file__, HOST.env(args.n), [str(args.n)]).returncode
        if code:
            sys.exit(code)


if __name__ == "__main__":
    main()

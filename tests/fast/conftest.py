"""The fast tier: in-process tests, no services, no gunicorn, no pip.

One host is set up in this process for the whole tier (Django can be set up
once per process): the two example modules, registered in-process, plus the
``probe`` plugin below, on a SQLite file in a temporary folder. Tests that need
other modules build a Host of their own with ``discovery.discover(path=...)``
over fake ``*.dist-info`` folders (see ``fake_dists``), and put the process
Host back afterwards.
"""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))  # probe_plugin

_saved = dict(os.environ)
_db = Path(tempfile.mkdtemp(prefix="openimis-fast-")) / "db.sqlite3"
for name in list(os.environ):
    if name.startswith(("OPENIMIS_", "DB_", "RATELIMIT_", "CACHE_", "JWT_", "SCHEDULER_")):
        del os.environ[name]

import openimis_claim.plugin  # noqa: E402
import openimis_insuree.plugin  # noqa: E402
import probe_plugin  # noqa: E402

from openimis_host.testing import setup_host  # noqa: E402

HOST = setup_host({"insuree": openimis_insuree.plugin, "claim": openimis_claim.plugin,
                   "probe": probe_plugin},
                  env={"SQLITE_PATH": str(_db), "MODE": "DEV", "SITE_ROOT": "api",
                       "RATELIMIT_ENABLE": "false"},
                  requires={"probe": ["openimis-example-claim"]})
# The settings are read; the rest of the test run (subprocess tests in the same
# worker) must not inherit this host's variables.
os.environ.clear()
os.environ.update(_saved)

from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)


@pytest.fixture
def host():
    """The Host of this process (insuree, claim, probe and the built-in module)."""
    return HOST


@pytest.fixture
def own_host():
    """Lets a test make Hosts of its own; puts this process's Host back afterwards."""
    from openimis_host.host import set_host

    yield
    set_host(HOST)


@pytest.fixture
def fake_dists(tmp_path, monkeypatch, own_host):
    """Write installed-looking distributions into tmp_path and discover only those.

    ``fake_dists.add(dist, modules={"name": "pkg.plugin"}, code={"pkg/plugin.py": "..."},
    requires=[...], providers={...})`` writes ``<dist>-<version>.dist-info`` with
    METADATA and entry_points.txt, and the code files beside it; ``fake_dists.discover(**kw)``
    runs discovery over the folder.
    """
    monkeypatch.syspath_prepend(str(tmp_path))
    tag = tmp_path.name.replace("-", "_")  # package names unique per test: no sys.modules reuse

    class Dists:
        tag_ = tag

        def pkg(self, name: str) -> str:
            return f"{name}_{self.tag_}"

        def add(self, dist: str, *, version="1.0", modules=None, providers=None, code=None,
                requires=(), summary=None):
            info = tmp_path / f"{dist.replace('-', '_')}-{version}.dist-info"
            info.mkdir()
            meta = ["Metadata-Version: 2.1", f"Name: {dist}", f"Version: {version}"]
            meta += [f"Summary: {summary}"] if summary else []
            meta += [f"Requires-Dist: {r}" for r in requires]
            (info / "METADATA").write_text("\n".join(meta) + "\n")
            lines = []
            for group, eps in (("openimis.modules", modules), ("openimis.module_providers", providers)):
                if eps:
                    lines.append(f"[{group}]")
                    lines += [f"{name} = {value}" for name, value in eps.items()]
            (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
            for rel, source in (code or {}).items():
                path = tmp_path / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                for parent in path.relative_to(tmp_path).parents:
                    if str(parent) != ".":
                        (tmp_path / parent / "__init__.py").touch()
                path.write_text(textwrap.dedent(source))

        def discover(self, **kwargs):
            from openimis_host import discovery

            return discovery.discover(path=[str(tmp_path)], **kwargs)

    return Dists()

"""Print the third-party Requires-Dist of the openIMIS modules installed in a --target directory.

scripts/test installs the pinned openIMIS modules (tests/legacy-requirements.txt) with
--no-deps into their own directory, then what they require (except each other) into the
legacy venv. Usage: python scripts/legacy_module_deps.py DIR
"""

import sys
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

dists = list(metadata.distributions(path=[sys.argv[1]]))
ours = {canonicalize_name(d.metadata["Name"]) for d in dists}
wanted = set()
for dist in dists:
    for line in dist.requires or ():
        req = Requirement(line)
        if canonicalize_name(req.name) in ours or canonicalize_name(req.name).startswith("openimis-be-"):
            continue
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            wanted.add(str(req).split(";")[0])
print("\n".join(sorted(wanted)))

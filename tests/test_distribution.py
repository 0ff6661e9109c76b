"""The built distribution carries every data file the host needs at run time."""

import subprocess
import sys
import zipfile

from conftest import REPO, on_current_stack_only

pytestmark = on_current_stack_only(
    "the host's wheel and its data files")

DATA = ("static", "templates", "scaffold")


def test_the_wheel_holds_every_static_template_and_scaffold_file(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    str(REPO), "-w", str(tmp_path)], check=True, capture_output=True)
    [wheel] = tmp_path.glob("openimis_host-*.whl")
    shipped = {name for name in zipfile.ZipFile(wheel).namelist()
               if name.split("/")[1:2] and name.split("/")[1] in DATA}
    source = {path.relative_to(REPO).as_posix() for folder in DATA
              for path in (REPO / "openimis_host" / folder).rglob("*") if path.is_file()
              and "__pycache__" not in path.parts}
    assert source <= shipped, sorted(source - shipped)
    assert "openimis_host/static/openimis_host/graphiql/npm/graphiql.min.js" in shipped
    assert "openimis_host/scaffold/templates/github/dot-gitignore.tmpl" in shipped

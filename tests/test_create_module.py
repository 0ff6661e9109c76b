"""`openimis-host create_module` gives a module author a distribution that works at once."""

import subprocess
import sys

from conftest import with_dists


def test_a_created_module_installs_loads_and_passes_its_own_tests(host_env, cli, tmp_path):
    created = cli("create_module", "ward", env=host_env)
    assert created.returncode == 0, created.output
    project = tmp_path / "openimis-ward"
    assert (project / "pyproject.toml").exists()

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--no-build-isolation", "--target", str(site), str(project)],
                   check=True, capture_output=True)
    env = with_dists(host_env, site)

    listed = {m["name"]: m for m in cli("modules", "--json", env=env).json()["modules"]}
    assert listed["ward"]["distribution"] == "openimis-ward"
    assert listed["ward"]["status"] == "loaded"
    assert listed["ward"]["contributions"]["url_mount"] == "/ward/"

    own_tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                "tests"], cwd=project, env=env, capture_output=True, text=True,
                               timeout=120)
    assert own_tests.returncode == 0, own_tests.stdout + own_tests.stderr
    assert "2 passed" in own_tests.stdout


def test_create_module_refuses_a_name_that_is_not_an_identifier(host_env, cli):
    result = cli("create_module", "my-module", env=host_env)
    assert result.returncode != 0
    assert "must be a lower-case Python identifier" in result.stderr
    assert "Traceback" not in result.stderr

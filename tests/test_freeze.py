"""``openimis-host modules freeze`` and the openimis.json a moved distribution leaves behind:
the module set as requirements, and what ``check`` says (openimis.W007, openimis.W008,
openimis.W009)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from conftest import build_dist, with_dists
from packaging.requirements import Requirement

from openimis_host.graphql.stack import LEGACY

OPENIMIS_JSON = {"modules": [
    {"name": "core", "pip": "openimis-be-core==1.11.0"},
    {"name": "insuree", "pip": "openimis-be-insuree==v1.11.0"},
    {"name": "claim",
     "pip": "git+https://github.com/openimis/openimis-be-claim_py.git@develop#egg=openimis-be-claim"},
]}


def requirement_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.strip() and not line.startswith("#")]


def test_freeze_pins_the_host_with_its_extras_and_every_installed_module_distribution(cli, host_env):
    extra = build_dist("openimis-frozen-probe", "2.3.4", {"frozen_probe/__init__.py": "",
                                                          "frozen_probe/plugin.py": ""},
                       module="frozen_probe", entry_point="frozen_probe.plugin")
    result = cli("modules", "freeze", env=with_dists(host_env, extra))
    assert result.returncode == 0, result.output
    lines = requirement_lines(result.stdout)
    pins = {}
    for line in lines:
        req = Requirement(line)  # each line is a valid requirement ...
        [spec] = req.specifier
        assert spec.operator == "==", line  # ... pinned
        pins[req.name] = (spec.version, req.extras)
    assert pins["openimis-frozen-probe"][0] == "2.3.4"
    assert pins["openimis-example-insuree"][0] == metadata.version("openimis-example-insuree")
    assert pins["openimis-example-claim"][0] == metadata.version("openimis-example-claim")
    assert pins["openimis-host"][0] == metadata.version("openimis-host")
    assert lines[0].startswith("openimis-host")
    # The test venvs carry [test,...]: a developer's extra, never part of a deployment's set;
    # the installed backends are (postgres: psycopg is installed in both test venvs).
    assert "test" not in pins["openimis-host"][1] and "postgres" in pins["openimis-host"][1]
    assert ("legacy" in pins["openimis-host"][1]) == LEGACY
    assert len(lines) == len(pins)  # one line per distribution


def test_freeze_from_an_openimis_json_prints_each_pip_value_verbatim_in_order(cli, host_env, tmp_path):
    path = tmp_path / "conf" / "openimis.json"
    path.parent.mkdir()
    path.write_text(json.dumps(OPENIMIS_JSON))
    result = cli("modules", "freeze", "--openimis-json", str(path), env=host_env)
    assert result.returncode == 0, result.output
    assert requirement_lines(result.stdout) == [m["pip"] for m in OPENIMIS_JSON["modules"]]


@pytest.mark.parametrize("content, expected", [
    (None, "no such file"),
    ("{not json", "is not valid JSON"),
    ('{"modules": {"core": 1}}', 'has no "modules" list'),
    ('{"modules": [{"name": "core"}]}', 'core have no "pip" value'),
])
def test_freeze_from_a_bad_openimis_json_is_one_line_naming_the_problem(cli, host_env, tmp_path,
                                                                        content, expected):
    path = tmp_path / "openimis-bad.json"
    if content is not None:
        path.write_text(content)
    result = cli("modules", "freeze", "--openimis-json", str(path), env=host_env)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("openimis-host: ") and expected in line and str(path) in line


def w005(result) -> list[str]:
    return [line for line in result.output.splitlines() if "openimis.W007" in line]


def test_check_warns_once_about_an_openimis_json_in_the_working_directory(cli, host_env, tmp_path):
    (tmp_path / "openimis.json").write_text(json.dumps(OPENIMIS_JSON))
    result = cli("check", env=host_env)
    assert result.returncode == 0, result.output  # a warning: the host runs what is installed
    [line] = w005(result)
    assert str(tmp_path / "openimis.json") in line and "ignored" in line
    # Listed, not installed: core (claim and insuree are the example modules' names here) ...
    assert line.endswith("not installed: core")
    # ... and nothing installed is unlisted.
    assert "installed but not listed" not in line
    assert "modules freeze --openimis-json" in result.output  # the hint: how to move over


def test_check_reads_openimis_conf_json_and_openimis_conf_as_the_original_does(cli, host_env, tmp_path):
    only_core = json.dumps({"modules": [{"name": "core", "pip": "openimis-be-core==1.11.0"}]})
    result = cli("check", env={**host_env, "OPENIMIS_CONF_JSON": only_core})
    [line] = w005(result)
    assert "(OPENIMIS_CONF_JSON)" in line and "not installed: core" in line
    assert "installed but not listed: insuree, claim" in line
    elsewhere = tmp_path / "etc" / "conf.json"
    elsewhere.parent.mkdir()
    elsewhere.write_text(only_core)
    [line] = w005(cli("check", env={**host_env, "OPENIMIS_CONF": str(elsewhere)}))
    assert f"OPENIMIS_CONF={elsewhere}" in line
    [line] = w005(cli("check", env={**host_env, "OPENIMIS_CONF": str(tmp_path / "gone.json")}))
    assert "cannot be read (no such file)" in line


def test_check_says_nothing_about_openimis_json_when_there_is_none(cli, host_env):
    result = cli("check", env=host_env)
    assert result.returncode == 0 and w005(result) == [], result.output


_CONTROLS = Path(os.environ.get("OPENIMIS_TEST_DISTS", "/tmp/openimis-test-dists")) / "controls-1.2.0"


def controls_with_its_pin() -> Path:
    """openimis-be-controls 1.2.0 and the django-filter 22.1 its ``~=22.1`` pulls in, pip-installed
    into a directory of their own (what `pip install openimis-be-controls` does to a venv)."""
    if not (_CONTROLS / ".done").exists():
        staging = Path(f"{_CONTROLS}.{os.getpid()}")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        "--no-deps", "--target", str(staging), "openimis-be-controls==1.2.0",
                        "django-filter==22.1"], check=True, capture_output=True)
        (staging / ".done").touch()
        try:
            staging.rename(_CONTROLS)
        except OSError:
            pass
    return _CONTROLS


@pytest.mark.skipif(not LEGACY, reason="openIMIS's stack (the legacy extra): .venv-test-legacy")
def test_check_names_the_module_whose_pin_downgraded_django_filter_and_the_fix(cli, host_env):
    modules = os.environ.get("OPENIMIS_LEGACY_MODULES")
    if not modules or not Path(modules, "core").is_dir():
        pytest.fail("OPENIMIS_LEGACY_MODULES must name the pinned openIMIS modules (scripts/test)")
    env = {**host_env, "OPENIMIS_MODULES": "core", "OPENIMIS_MODULE_ERRORS": "skip"}
    healthy = cli("check", env={**env, "PYTHONPATH": modules})
    assert "openimis.W008" not in healthy.output, healthy.output
    result = cli("check", env={**env, "PYTHONPATH": os.pathsep.join([str(controls_with_its_pin()),
                                                                     modules])})
    [line] = [line for line in result.output.splitlines() if "openimis.W008" in line]
    assert "django-filter 22.1 is installed, pinned by openimis-be-controls 1.2.0" in line
    assert "needs django-filter>=24.3" in line and "mutationLogs" in line
    assert "pip install 'django-filter>=24.3'" in result.output


def fpdf_installed(last: str) -> Path:
    """reportbro-fpdf (PyFPDF 1.7) and reportbro-fpdf2 pip-installed into one directory, as
    `pip install openimis-be-report` does, the package ``fpdf`` written by ``last``."""
    pins = {"reportbro-fpdf": "reportbro-fpdf==1.7.11", "reportbro-fpdf2": "reportbro-fpdf2==2.8.3"}
    target = Path(os.environ.get("OPENIMIS_TEST_DISTS", "/tmp/openimis-test-dists")) / f"fpdf-{last}"
    if not (target / ".done").exists():
        staging = Path(f"{target}.{os.getpid()}")
        for name in sorted(pins, key=lambda name: name == last):  # ``last`` writes over the other
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                            "--no-deps", "--upgrade", "--target", str(staging), pins[name]],
                           check=True, capture_output=True)
        (staging / ".done").touch()
        try:
            staging.rename(target)
        except OSError:
            pass
    return target


def test_check_says_when_report_s_pdf_library_was_written_over_and_how_to_write_it_again(cli, host_env):
    intact = cli("check", env={**host_env, "PYTHONPATH": str(fpdf_installed(last="reportbro-fpdf2"))})
    assert intact.returncode == 0 and "openimis.W009" not in intact.output, intact.output
    result = cli("check", env={**host_env, "PYTHONPATH": str(fpdf_installed(last="reportbro-fpdf"))})
    [line] = [line for line in result.output.splitlines() if "openimis.W009" in line]
    assert "reportbro-fpdf2 2.8.3 is installed but its files were written over by " \
           "reportbro-fpdf 1.7.11" in line, result.output
    assert "PDFs fail" in line
    assert "pip install --force-reinstall --no-deps 'reportbro-fpdf2==2.8.3'" in result.output

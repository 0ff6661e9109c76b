"""The 20-distribution openIMIS set (tests/legacy-requirements.txt) served by the host together.

core, location, medical, medical_pricelist, insuree, claim, claim_batch, policy, product,
report, contribution, payer, contribution_plan, calculation, policyholder, contract,
invoice, payment, tools and calcrule_contribution_income_percentage (the last two are what
the others' own test suites need), all pinned wheels from PyPI: they boot together under real gunicorn
with the shipped config and SITE_ROOT=api, on SQLite and PostgreSQL, after
``openimis-host migrate`` on an empty database. Runs on the legacy stack only (graphene 2),
with the wheels in the directory OPENIMIS_LEGACY_MODULES names (scripts/test installs them).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import REPO
from packaging.utils import canonicalize_name
from test_legacy import logged_in

from openimis_host.graphql.stack import LEGACY

MODULES_DIR = os.environ.get("OPENIMIS_LEGACY_MODULES")

pytestmark = pytest.mark.skipif(
    not LEGACY, reason="openIMIS modules need graphene 2: scripts/test runs this file in the "
                       "legacy venv (.venv-test-legacy, pip install '.[test,legacy]')")

#: The load order: openIMIS's standard order (openimis.json), the same on every run.
ORDER = ["host", "core", "report", "location", "medical", "medical_pricelist", "product", "insuree",
         "policy", "contribution", "payer", "payment", "claim", "claim_batch", "tools",
         "calculation", "contribution_plan", "policyholder", "contract", "invoice",
         "calcrule_contribution_income_percentage"]

# Rows made with the modules' own test helpers: a claim brings its insuree (with a family),
# a product, a policy covering the insuree, a diagnosis, a health facility and a claim admin.
FIXTURES = """
import json
from core.test_helpers import create_test_interactive_user
from claim.test_helpers import create_test_claim
from medical.test_helpers import create_test_item, create_test_service
from policy.models import Policy
create_test_interactive_user(username="Admin", password="admin123", custom_props={"language": "en"})
claim = create_test_claim({"code": "HOSTCLAIM1"})
create_test_item("D", custom_props={"code": "HITEM1", "name": "Host item"})
create_test_service("D", custom_props={"code": "HSRV1", "name": "Host service"})
policy = Policy.objects.get(family=claim.insuree.family)
# core's history copies repeat a versioned row's one-to-one links (insuree's PhotoID): on a
# new database too they are plain columns, as in openIMIS's schema (legacy/versioned_links.py).
from insuree.models import Insuree
from insuree.test_helpers import create_test_photo
insuree = claim.insuree
insuree.photo = create_test_photo(insuree.id, officer_id=1)
insuree.save()
insuree.save_history()
insuree.save_history()
print("FIXTURES " + json.dumps({"chf_id": claim.insuree.chf_id, "policy": str(policy.uuid),
                                "photo_rows": Insuree.objects.filter(photo=insuree.photo).count()}))
"""


def pinned() -> dict[str, str]:
    """Canonical distribution name -> pinned version, from tests/legacy-requirements.txt."""
    lines = (REPO / "tests" / "legacy-requirements.txt").read_text().splitlines()
    return {canonicalize_name(name): version
            for name, version in (line.split("==") for line in lines if "==" in line)}


@pytest.fixture
def distribution_env(any_db_env, tmp_path):
    """A host with every pinned openIMIS module (no OPENIMIS_MODULES), under SITE_ROOT=api."""
    if not MODULES_DIR or not Path(MODULES_DIR, "claim").is_dir():
        pytest.fail("OPENIMIS_LEGACY_MODULES must name a directory holding the wheels of "
                    "tests/legacy-requirements.txt (scripts/test installs them)")
    path = os.pathsep.join([str(without_example_modules(tmp_path)), MODULES_DIR])
    return {**any_db_env, "PYTHONPATH": path, "SITE_ROOT": "api", "MODE": "DEV"}


def test_without_tools_the_host_names_it_for_the_reports_report_leaves_out(host_env, cli,
                                                                         tmp_path):
    """report leaves out the reports of claim, insuree and policy without openimis-be-tools
    (their report.py imports tools.utils): the host says so, naming what to install."""
    if not MODULES_DIR or not Path(MODULES_DIR, "tools").is_dir():
        pytest.fail("OPENIMIS_LEGACY_MODULES must name a directory holding the wheels of "
                    "tests/legacy-requirements.txt (scripts/test installs them)")
    # The pinned install less tools: a directory of links to everything else in it.
    without_tools = tmp_path / "without-tools"
    without_tools.mkdir()
    for entry in Path(MODULES_DIR).iterdir():
        if not entry.name.startswith(("tools", "openimis_be_tools")):
            (without_tools / entry.name).symlink_to(entry)
    env = {**host_env, "SITE_ROOT": "api", "MODE": "DEV",
           "PYTHONPATH": os.pathsep.join([str(without_example_modules(tmp_path)), str(without_tools)])}
    listed = cli("modules", "--json", env=env, timeout=300)
    assert listed.returncode == 0, listed.output
    for module in ("claim", "insuree", "policy"):
        assert (f"openIMIS module '{module}': its reports are not registered with report "
                "(ModuleNotFoundError: No module named 'tools'): pip install openimis-be-tools"
                ) in listed.stderr


def without_example_modules(tmp_path: Path) -> Path:
    """A directory that hides the example modules' entry points from the host.

    scripts/test pip-installs the example modules into every test venv, and their names
    (insuree, claim) are openIMIS's too: one deployment has one or the other. Entry points
    come from the first distribution of a name on sys.path, so a bare dist-info of the same
    name earlier on PYTHONPATH leaves theirs out.
    """
    shadow = tmp_path / "no-examples"
    for name in ("openimis_example_insuree", "openimis_example_claim"):
        info = shadow / f"{name}-1.0.0.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0.0\n")
    return shadow


def test_the_20_openimis_distributions_boot_together_and_answer_a_smoke_query_each(
        distribution_env, cli, gunicorn):
    # All 20 loaded, in the standard order; stdout is pure JSON although location prints.
    listed = cli("modules", "--json", env=distribution_env, timeout=300)
    assert listed.returncode == 0, listed.output
    modules = json.loads(listed.stdout)["modules"]
    assert [(m["name"], m["status"]) for m in modules] == [(n, "loaded") for n in ORDER], listed.stdout
    versions = {canonicalize_name(m["distribution"]): m["version"] for m in modules}
    assert {d: versions.get(d) for d in pinned()} == pinned()
    assert len(pinned()) == 20
    # With openimis-be-tools, report registers the reports of claim, insuree and policy.
    assert "its reports are not registered" not in listed.stderr, listed.stderr

    migrated = cli("migrate", env=distribution_env, timeout=600)
    assert migrated.returncode == 0, migrated.output
    made = cli("shell", "-c", FIXTURES, env=distribution_env, timeout=300)
    assert made.returncode == 0, made.output
    fixtures = json.loads(next(line for line in made.stdout.splitlines()
                               if line.startswith("FIXTURES "))[len("FIXTURES "):])
    assert fixtures["photo_rows"] == 3  # the insuree and its two history rows, one photo

    server = gunicorn(distribution_env, workers=1, wait=False).wait(timeout=180)
    client = logged_in(server)

    def nodes(query: str, field: str) -> list[dict]:
        status, body = client.graphql(query)
        assert status == 200 and "errors" not in body, (query, body)
        return [edge["node"] for edge in body["data"][field]["edges"]]

    assert nodes("{ insurees { edges { node { chfId lastName } } } }", "insurees") == [
        {"chfId": fixtures["chf_id"], "lastName": "Test Last"}]
    assert nodes("{ claims { edges { node { code insuree { chfId } } } } }", "claims") == [
        {"code": "HOSTCLAIM1", "insuree": {"chfId": fixtures["chf_id"]}}]
    assert nodes("{ medicalItems { edges { node { code name } } } }", "medicalItems") == [
        {"code": "HITEM1", "name": "Host item"}]
    assert nodes("{ medicalServices { edges { node { code name } } } }", "medicalServices") == [
        {"code": "HSRV1", "name": "Host service"}]
    assert nodes("{ policies { edges { node { uuid family { headInsuree { chfId } } } } } }",
                 "policies") == [{"uuid": fixtures["policy"],
                                  "family": {"headInsuree": {"chfId": fixtures["chf_id"]}}}]

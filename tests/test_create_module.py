"""`openimis-host create_module` gives a module author a distribution that works at once:
each template installs with pip, passes its own tests, and is served by gunicorn."""

import subprocess
import sys

import pytest
import yaml
from conftest import BIN, with_dists


def install(project, site):
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--no-build-isolation", "--target", str(site), str(project)],
                   check=True, capture_output=True)


def own_tests(project, env):
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=180)


@pytest.mark.parametrize("template, name, own_test_count", [
    (None, "ward", 7), ("business", "ward_book", 11), ("calculation", "tariff", 12)])
def test_each_template_installs_passes_its_tests_and_is_served(
        template, name, own_test_count, host_env, cli, gunicorn, tmp_path):
    created = cli("create_module", name, *(["--template", template] if template else []),
                  env=host_env)
    assert created.returncode == 0, created.output
    # "Next" names this host's own venv, so the author installs next to the right host.
    assert f"{BIN / 'pip'} install -e openimis-{name.replace('_', '-')}" in created.stdout
    project = tmp_path / f"openimis-{name.replace('_', '-')}"
    install(project, tmp_path / "site")
    env = with_dists(host_env, tmp_path / "site")

    listed = {m["name"]: m for m in cli("modules", "--json", env=env).json()["modules"]}
    assert listed[name]["status"] == "loaded"
    assert listed[name]["contributions"]["url_mount"] == f"/{name}/"
    assert listed[name]["contributions"]["exception_handler"] == \
        f"openimis_{name}.exceptions.handler"

    result = own_tests(project, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{own_test_count} passed" in result.stdout

    tasks = cli("tasks", "--json", env=env).json()["tasks"]
    assert {"id": f"{name}.count_items", "schedule": "every 3600s"}.items() <= \
        next(t for t in tasks if t["id"] == f"{name}.count_items").items()

    server = gunicorn({**env, "DJANGO_MIGRATE": "true"}, workers=1)
    assert server.get(f"/{name}/ping").json()["module"] == name
    camel = name.split("_")[0] + "".join(p.capitalize() for p in name.split("_")[1:])
    assert server.graphql(f"{{ {camel}Greeting {camel}Items {{ name }} }}").json() == {
        "data": {f"{camel}Greeting": f"hello from {name}", f"{camel}Items": []}}
    assert server.get(f"/{name}/items/").json() == []
    assert server.post(f"/{name}/items/", {"name": "anonymous"}).status in (401, 403)
    # The module's exception handler answers its own errors, in its own shape.
    refused = server.get(f"/{name}/items/?limit=none")
    assert refused.status == 400
    assert refused.json()["error"] == {"module": name, "code": "invalid_limit",
                                       "message": "limit must be a whole number from 1, not 'none'"}


def test_two_scaffolded_modules_load_together_their_names_derived_from_each_module(
        host_env, cli, gunicorn, tmp_path):
    for name in ("ward", "clinic"):
        assert cli("create_module", name, env=host_env).returncode == 0
        install(tmp_path / f"openimis-{name}", tmp_path / "site")
    env = with_dists(host_env, tmp_path / "site")
    checked = cli("check", env={**env, "OPENIMIS_MODULE_ERRORS": "fail"})
    assert checked.returncode == 0, checked.output
    listed = {m["name"]: m for m in cli("modules", "--json", env=env).json()["modules"]}
    assert listed["ward"]["status"] == listed["clinic"]["status"] == "loaded"
    assert listed["ward"]["problems"] == listed["clinic"]["problems"] == []
    server = gunicorn({**env, "DJANGO_MIGRATE": "true"}, workers=1)
    types = server.graphql('{ w: __type(name: "WardAddItem") { name } '
                           'c: __type(name: "ClinicAddItem") { name } '
                           'x: __type(name: "AddItem") { name } }').json()
    assert types == {"data": {"w": {"name": "WardAddItem"}, "c": {"name": "ClinicAddItem"},
                              "x": None}}


def test_github_adds_workflows_whose_test_steps_pass_against_this_host(host_env, cli, tmp_path):
    assert cli("create_module", "clinic", "--github", env=host_env).returncode == 0
    project = tmp_path / "openimis-clinic"
    assert "*.sqlite3" in (project / ".gitignore").read_text().splitlines()
    test = yaml.safe_load((project / ".github/workflows/test.yml").read_text())
    publish = yaml.safe_load((project / ".github/workflows/publish.yml").read_text())
    # YAML reads the key `on` as True.
    assert publish[True] == {"push": {"tags": ["v*"]}}
    assert publish["jobs"]["publish"]["steps"][-1]["uses"].startswith("pypa/gh-action-pypi-publish")
    assert publish["jobs"]["publish"]["permissions"] == {"id-token": "write"}
    assert test[True]["pull_request"] is None and "push" in test[True]

    # Run the workflow's own check steps (all but checkout, setup and install) here.
    install(project, tmp_path / "site")
    env = with_dists({**host_env, "PATH": f"{BIN}:{host_env['PATH']}"}, tmp_path / "site")
    steps = [s for s in test["jobs"]["test"]["steps"] if "run" in s and "pip install" not in s["run"]]
    assert [s["run"].split()[0] for s in steps] == ["openimis-host"] * 3 + ["python"]
    for step in steps:
        ran = subprocess.run(["bash", "-ec", step["run"]], cwd=project, env=env,
                             capture_output=True, text=True, timeout=180)
        assert ran.returncode == 0, f"{step['name']}: {ran.stdout}{ran.stderr}"


@pytest.mark.parametrize("name, message", [
    ("graphql", "module name 'graphql' is taken by the host's own /graphql endpoint"),
    ("health", "module name 'health' is taken by the host's own /health endpoint"),
    ("admin", "module name 'admin' is taken by the host's own /admin endpoint"),
    ("static", "module name 'static' is taken by the host's own /static endpoint"),
    ("insuree", "module name 'insuree' is already installed (openimis-example-insuree "),
    ("my-module", "module name 'my-module' is not a lower-case Python identifier"),
    ("Ward", "module name 'Ward' is not a lower-case Python identifier"),
    ("host", "module name 'host' is the host's own built-in module"),
])
def test_create_module_refuses_a_name_the_host_cannot_serve(name, message, host_env, cli, tmp_path):
    result = cli("create_module", name, env=host_env)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"CommandError: {message}")
    assert result.stderr.count("\n") == 1, result.stderr  # one line
    assert list(tmp_path.iterdir()) == []  # nothing half-created

"""From a clone to a running server, as docs/implementers.md says: the clone installs as
documented, its freeze goes through the image's build steps (deploy/image-steps.sh, which
deploy/Dockerfile runs) into a fresh venv from the built wheel, and that install boots with
``openimis-host start`` and serves the wheel's static files and templates. Every service of
deploy/compose.yaml runs a command the image has."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import REPO, clean_environ, free_port, http
from test_start import Started

from openimis_host.graphql.stack import LEGACY

pytestmark = [
    pytest.mark.skipif(
        LEGACY, reason="the fresh venvs do not depend on the stack the suite runs in: once is "
                       "enough (the current stack's run)"),
    # One worker builds the module's installs (two venvs, minutes of pip) and runs every test
    # that uses them; scripts/test distributes with --dist loadgroup.
    pytest.mark.xdist_group("deploy-installs"),
]

EXAMPLES = ["example_plugins/openimis-example-insuree", "example_plugins/openimis-example-claim"]
DEPLOY = REPO / "deploy"


def run(*args, cwd=None, env=None, timeout=900) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env or clean_environ(),
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, \
        f"{args} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installs(tmp_path_factory):
    """A clone installed as documented (venv A), its freeze, and the image steps' venv B."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:  # the workers' basetemps share this run's own parent directory
        built = tmp_path_factory.getbasetemp().parent / "deploy-installs.built-by"
        if built.exists():
            pytest.fail(f"{worker}: {built.read_text()} built these installs already: "
                        "--dist loadgroup is not in effect (see the pin of pytest in pyproject.toml)")
        built.write_text(worker)
    root = tmp_path_factory.mktemp("deploy")
    clone = root / "clone"
    # The working tree as a clone has it: no venvs, builds or caches.
    shutil.copytree(REPO, clone, ignore=shutil.ignore_patterns(
        ".git", ".venv*", ".legacy-modules", ".run", ".tox", "build", "dist", "*.egg-info",
        "__pycache__", ".pytest_cache"))
    a = root / "venv-a"
    run(sys.executable, "-m", "venv", a)
    # docs/implementers.md, "Install": from the clone, with the modules.
    run(a / "bin/pip", "install", "-q", ".[legacy,postgres]", *EXAMPLES, cwd=clone)
    frozen = run(a / "bin/openimis-host", "modules", "freeze", cwd=root).stdout
    requirements = root / "requirements.txt"
    requirements.write_text(frozen)
    wheels = root / "wheels"  # the example modules are on no index: the image's wheels/ folder
    run(a / "bin/pip", "wheel", "-q", "--no-deps", "-w", wheels, *EXAMPLES, cwd=clone)
    b = root / "venv-b"
    steps = run(DEPLOY / "image-steps.sh", clone, requirements, b, wheels, cwd=root)
    return {"root": root, "clone": clone, "a": a, "b": b, "frozen": frozen, "steps": steps.stdout}


def test_the_clone_installs_as_documented_and_freezes_the_host_with_its_modules(installs):
    lines = [line for line in installs["frozen"].splitlines() if not line.startswith("#")]
    host = re.fullmatch(r"openimis-host\[([\w,]+)\]==([\w.]+)", lines[0])
    assert host, lines
    # The extras installed here, whichever brought their packages (legacy's celery and
    # django-redis satisfy the celery and redis extras too); never the developer's "test".
    assert {"legacy", "postgres"} <= set(host.group(1).split(",")) and "test" not in host.group(1)
    assert "openimis-example-insuree==1.0.0" in lines and "openimis-example-claim==1.0.0" in lines


def test_the_image_steps_install_the_frozen_set_from_the_built_wheel(installs):
    b = installs["b"]
    # The same set on the other machine (plus the image's backends: celery, redis).
    again = run(b / "bin/openimis-host", "modules", "freeze", cwd=installs["root"]).stdout
    strip = lambda text: [re.sub(r"\[.*\]", "", line) for line in text.splitlines()]  # noqa: E731
    assert strip(again) == strip(installs["frozen"])
    assert re.search(r"openimis-host\[celery,legacy,postgres,redis\]==", again), again
    # From the wheel, not from the clone: the package lives in B's site-packages.
    where = run(b / "bin/python", "-c", "import openimis_host; print(openimis_host.__file__)",
                cwd=installs["root"]).stdout  # not the checkout: python -c puts the cwd first
    assert where.startswith(str(b)), where
    assert "installed in" in installs["steps"]


def test_the_wheel_install_boots_with_start_and_serves_its_static_files_and_templates(installs, tmp_path):
    b = installs["b"]
    env = {**clean_environ(), "PATH": f"{b / 'bin'}:{os.environ['PATH']}", "DJANGO_MIGRATE": "true",
           "SQLITE_PATH": str(tmp_path / "db.sqlite3")}
    server = Started.__new__(Started)  # test_start's helper, with B's openimis-host
    server.port = free_port()
    server.url = f"http://127.0.0.1:{server.port}"
    server.log = tmp_path / "start.log"
    env.update(GUNICORN_BIND=f"127.0.0.1:{server.port}", WEB_CONCURRENCY="1", GUNICORN_ACCESS_LOG="")
    with open(server.log, "wb") as log:
        server.proc = subprocess.Popen([str(b / "bin/openimis-host"), "start"], env=env, cwd=tmp_path,
                                       stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert server.serving(), server.output
        static = http("GET", server.url + "/static/openimis_host/graphiql/npm/graphiql.min.js")
        assert static.status == 200 and len(static.body) > 100_000
        page = http("GET", server.url + "/graphql", headers={"Accept": "text/html"})
        assert page.status == 200 and b"graphiql" in page.body.lower()
        assert http("GET", server.url + "/insuree/ping").status == 200
    finally:
        server.stop()
    # The scaffolds are in the wheel too.
    scaffold = run(b / "bin/openimis-host", "create_module", "demo_scaffold", cwd=tmp_path, env=env)
    assert "Created" in scaffold.stdout and list(tmp_path.glob("*/pyproject.toml")), scaffold.stdout


def test_every_compose_service_runs_a_command_the_image_has(installs):
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    b = installs["b"]
    ours = {name: s for name, s in compose["services"].items() if s.get("image") == "openimis-host:local"}
    assert set(ours) == {"web", "worker", "scheduler"}
    assert {s["image"].split(":")[0] for n, s in compose["services"].items() if n not in ours} == \
        {"postgres", "redis", "rabbitmq"}
    for name, service in ours.items():
        program, command, *rest = service["command"]
        assert (b / "bin" / program).is_file(), (name, program)
        if command == "start":
            usage = run(b / "bin" / program, "start", "--help").stdout
            assert "openimis-host start" in usage and "gunicorn" in usage
            continue
        usage = run(b / "bin" / program, "help", command, cwd=installs["root"]).stdout
        choices = [set(group.split(",")) for group in re.findall(r"\{([\w,]+)\}", usage)]
        assert any(rest[0] in group for group in choices), (name, usage)
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    # The image runs the very steps the tests ran, and the web service's command by default.
    assert "RUN /src/deploy/image-steps.sh /src /src/requirements.txt /opt/openimis /src/wheels" in dockerfile
    assert 'CMD ["openimis-host", "start"]' in dockerfile
    assert ours["web"]["command"] == ["openimis-host", "start"]

"""``scripts/serve``, run as a newcomer runs it: the example modules are served and their
scheduled task (insuree.count_insurees, every 30 s) really runs.

The script installs the checkout into the virtualenv named by VENV. So that this test
neither touches the test virtualenv nor downloads the dependencies again, it runs a copy of
the checkout with a fresh virtualenv that sees the test virtualenv's packages (a .pth file).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time

from conftest import REPO, clean_environ, free_port, http, on_current_stack_only

pytestmark = on_current_stack_only(
    "scripts/serve, which installs the default stack whatever venv runs it")

IGNORED = shutil.ignore_patterns(".git", ".venv*", ".legacy-modules", ".run", "__pycache__",
                                 "*.egg-info", "build", "dist", ".env", "*.sqlite3")


def serve_venv(path):
    """A virtualenv with pip, seeing the test virtualenv's packages; gunicorn as a module."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, capture_output=True)
    purelib = subprocess.run([str(path / "bin" / "python"), "-c",
                              "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    with open(os.path.join(purelib, "test-venv.pth"), "w") as pth:
        pth.write(sysconfig.get_paths()["purelib"] + "\n")
    # pip sees gunicorn installed (through the .pth), so it writes no script for it here.
    gunicorn = path / "bin" / "gunicorn"
    gunicorn.write_text('#!/bin/sh\nexec "$(dirname "$0")/python" -m gunicorn "$@"\n')
    gunicorn.chmod(0o755)
    return path


def test_scripts_serve_serves_the_examples_and_runs_their_scheduled_task(tmp_path):
    checkout = tmp_path / "checkout"
    shutil.copytree(REPO, checkout, ignore=IGNORED)
    venv = serve_venv(tmp_path / "venv")
    port = free_port()
    env = {**clean_environ(), "VENV": str(venv), "BIND": f"127.0.0.1:{port}"}
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(checkout / "scripts" / "serve")], cwd=checkout, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300  # pip installs the checkout first
        while b"Listening at" not in log.read_bytes():
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(1)
        assert http("GET", f"http://127.0.0.1:{port}/insuree/ping").status == 200
        # The first run is at most 30 s after the scheduler starts.
        deadline = time.monotonic() + 90
        while True:
            listed = subprocess.run([str(venv / "bin" / "openimis-host"), "tasks", "--json"],
                                    cwd=checkout, env=clean_environ(), capture_output=True,
                                    text=True, timeout=60)
            assert listed.returncode == 0, listed.stdout + listed.stderr
            task = next(t for t in json.loads(listed.stdout)["tasks"]
                        if t["id"] == "insuree.count_insurees")
            if task["last_run"]:
                break
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(3)
        assert task["schedule"] == "every 30s"
        assert task["last_run"]["outcome"] == "succeeded", task
        assert "task insuree.count_insurees: succeeded" in log.read_text()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

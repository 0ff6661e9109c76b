"""Try the installed openIMIS modules under the host and print the table of docs/openimis-modules.md.

Run it with the python of a scratch venv that holds the host with the legacy extra and the
``openimis-be-*`` distributions to try (not in CI; it makes a database and starts gunicorn)::

    python3 -m venv /tmp/try && /tmp/try/bin/pip install '.[legacy,postgres]' \\
        -r tests/legacy-requirements.txt openimis-be-individual openimis-be-workflow ...
    /tmp/try/bin/python scripts/try_openimis_modules.py [--postgres DBNAME]

It runs ``openimis-host modules --json`` (under OPENIMIS_MODULE_ERRORS=skip, so each broken
module is named), ``migrate`` on a new database (SQLite in a temporary directory, or the
PostgreSQL database DBNAME on 127.0.0.1, created), a core user, gunicorn with the shipped
config and SITE_ROOT=api, core's tokenAuth and getCsrfToken, then the smoke query of each
loaded module that has one (SMOKE), and prints one markdown row per module.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
#: Module -> a query (or "GET <path>") that needs no fixtures; its answer must have no errors.
SMOKE = {
    "core": "{ mutationLogs { totalCount } }",
    "individual": "{ individual { totalCount } }",
    "workflow": "{ workflow { name group } }",
    "tasks_management": "{ task { totalCount } }",
    "report": "{ reports { name } }",
    "location": "{ locations { edges { node { code } } } }",
    "medical": "{ medicalItems { totalCount } }",
    "medical_pricelist": "{ pricelists { __typename } }",
    "product": "{ products { totalCount } }",
    "insuree": "{ insurees { totalCount } }",
    "policy": "{ policies { totalCount } }",
    "contribution": "{ premiums { edges { node { id } } } }",
    "payer": "{ payers { totalCount } }",
    "payment": "{ payments { totalCount } }",
    "claim": "{ claims { totalCount } }",
    "claim_batch": "{ batchRuns { totalCount } }",
    "tools": "GET /api/tools/registers/download_items",
    "api_fhir_r4": "GET /api/api_fhir_r4/Location/",
    "calculation": "{ calculationRules { calculationRules { calculationClassName } } }",
    "contribution_plan": "{ contributionPlan { totalCount } }",
    "policyholder": "{ policyHolder { totalCount } }",
    "contract": "{ contract { totalCount } }",
    "invoice": "{ bill { totalCount } }",
    "im_export": "GET /api/im_export/exports/insurees",
    "social_protection": "{ benefitPlan { totalCount } }",
    "opensearch_reports": "{ opensearchDashboard { totalCount } }",
    "payment_cycle": "{ paymentCycle { totalCount } }",
    "payroll": "{ paymentPoint { totalCount } }",
    "controls": "{ control { totalCount } }",
    "grievance_social_protection": "{ tickets { totalCount } }",
    "claim_sampling": "{ claimSamplingBatch(id: 1) { totalCount } }",
    "deduplication": '{ benefitDeduplicationSummary(columns: ["first_name"], '
                     'paymentCycleId: "00000000-0000-0000-0000-000000000000") { rows { count } } }',
    "api_etl": '{ etlServicesByServiceName(nameOfService: "ExampleIndividualETLService") '
               '{ __typename } }',
}
ADMIN = ("from core.test_helpers import create_test_interactive_user; "
         "create_test_interactive_user(username='Admin', password='admin123', "
         "custom_props={'language': 'en'})")


def main() -> int:
    """Boot, query, print the table; exits 1 if a step before the queries fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="DBNAME", help="a new PostgreSQL database (dropped first)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="try-openimis-"))
    env = {**os.environ, "SITE_ROOT": "api", "MODE": "DEV", "OPENIMIS_MODULE_ERRORS": "skip",
           "WEB_CONCURRENCY": "1", "SQLITE_PATH": str(work / "db.sqlite3")}
    if args.postgres:
        import psycopg

        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.postgres}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{args.postgres}"')
        env.update(DB_NAME=args.postgres, DB_HOST="127.0.0.1", DB_PORT="5432", DB_USER="postgres")

    def host(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "openimis-host"), *command], env=env, cwd=work,
                              capture_output=True, text=True, timeout=900)

    listed = host("modules", "--json")
    if not listed.stdout.startswith("{"):
        sys.exit(f"openimis-host modules --json failed:\n{listed.stderr[-3000:]}")
    modules = [m for m in json.loads(listed.stdout)["modules"] if not m["builtin"]]
    for step in (("migrate",), ("shell", "-c", ADMIN)):
        done = host(*step)
        if done.returncode:
            sys.exit(f"openimis-host {step[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with open(work / "gunicorn.log", "wb") as log:
        server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "python:openimis_host.server.gunicorn_conf",
                                   "--bind", f"127.0.0.1:{port}"], env=env, cwd=work, stdout=log,
                                  stderr=subprocess.STDOUT)
    try:
        client = _login(f"http://127.0.0.1:{port}", server)
        print("| module | version | loads | smoke query | answer |\n|---|---|---|---|---|")
        for m in modules:
            query = SMOKE.get(m["name"]) if m["status"] == "loaded" else None
            answer = client.ask(query) if query else "-"
            loads = "yes" if m["status"] == "loaded" else f"no: {m['error']}"
            print(f"| {m['name']} | {m['version']} | {loads} | `{query or '-'}` | {answer} |")
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(f"\n(work directory, with gunicorn.log: {work})")
    return 0


class _Client:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.headers = {"Content-Type": "application/json"}

    def send(self, path: str, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers=self.headers)
        try:
            with self.opener.open(request, timeout=120) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def graphql(self, query: str) -> dict:
        status, raw = self.send("/api/graphql", {"query": query})
        try:
            return json.loads(raw)
        except ValueError:
            return {"errors": [{"message": f"HTTP {status}: {raw[:200]!r}"}]}

    def ask(self, query: str) -> str:
        """``ok`` or what went wrong, short enough for a table cell."""
        if query.startswith("GET "):
            status, raw = self.send(query[4:])
            return "ok (HTTP 200)" if status == 200 else f"HTTP {status}"
        body = self.graphql(query)
        if body.get("errors"):
            return "fails: " + body["errors"][0]["message"][:150].replace("|", "/")
        return "ok"


def _login(base: str, server: subprocess.Popen) -> _Client:
    deadline = time.monotonic() + 180
    while True:
        if server.poll() is not None:
            sys.exit("gunicorn exited; see gunicorn.log in the work directory")
        try:
            socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit("gunicorn did not listen within 180 s")
            time.sleep(0.5)
    client = _Client(base)
    body = client.graphql('mutation { tokenAuth(username: "Admin", password: "admin123") { token } }')
    client.headers["Authorization"] = f"Bearer {body['data']['tokenAuth']['token']}"
    body = client.graphql("mutation { getCsrfToken { csrfToken } }")
    client.headers["X-CSRFToken"] = body["data"]["getCsrfToken"]["csrfToken"]
    return client


if __name__ == "__main__":
    sys.exit(main())

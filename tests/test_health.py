"""Who sees what on /health, /health/ready and /health/live in PROD, over real gunicorn."""

from __future__ import annotations

from conftest import run_cli
from production_support import HTTPS, bearer, call, login, prod, token_of

HEALTH_TOKEN = "monitoring-token-0123456789abcdef"
STAFF, USER, PASSWORD = "grace", "ada", "correct horse battery staple"


def _users(env, cwd) -> None:
    code = ("from django.core.management import call_command; "
            "from django.contrib.auth import get_user_model; "
            "call_command('migrate', verbosity=0); U = get_user_model(); "
            f"U.objects.create_user({STAFF!r}, password={PASSWORD!r}, is_staff=True); "
            f"U.objects.create_user({USER!r}, password={PASSWORD!r})")
    result = run_cli("shell", "-c", code, env=env, cwd=cwd)
    assert result.returncode == 0, result.output


def test_health_details_only_for_staff_or_the_token_and_probes_skip_the_ssl_redirect(
        host_env, gunicorn, tmp_path):
    # SECURE_SSL_REDIRECT stays on (the PROD default); HTTPS is what the proxy forwards.
    env = {**prod(host_env, HEALTH_TOKEN=HEALTH_TOKEN), "SECURE_SSL_REDIRECT": "true"}
    _users(env, tmp_path)
    server = gunicorn(env, workers=1)

    # Load balancers probe over plain HTTP: live and ready answer, the full report redirects.
    assert call("GET", server.url + "/health/live").json() == {"status": "ok"}
    assert call("GET", server.url + "/health/ready").status == 200
    assert call("GET", server.url + "/health").status == 301

    def get(path, headers=None):
        reply = call("GET", server.url + path, headers={**HTTPS, **(headers or {})})
        assert reply.status == 200, reply.body
        return reply.json()

    anonymous = get("/health")
    assert anonymous == {"status": "ok", "failing": []}
    assert get("/health/ready") == {"status": "ready", "down": [], "warnings": []}
    assert get("/health", {"X-Health-Token": "wrong-" + HEALTH_TOKEN}) == anonymous
    user_token = token_of(login(server, HTTPS, USER, PASSWORD))
    assert get("/health", {**bearer(user_token)}) == anonymous  # authenticated, not staff

    staff_token = token_of(login(server, HTTPS, STAFF, PASSWORD))
    for headers in ({"X-Health-Token": HEALTH_TOKEN}, bearer(staff_token)):
        full = get("/health", headers)
        assert full["database"] == {"status": "ok"}
        assert {m["name"] for m in full["modules"]} >= {"insuree", "claim"}
        assert "version" in full and "tasks" in full
        ready = get("/health/ready", headers)
        assert ready["status"] == "ready" and ready["database"] == {"status": "ok"}


def test_a_short_health_token_stops_the_boot_with_one_line(host_env, cli):
    result = cli("check", env=prod(host_env, HEALTH_TOKEN="short"))
    assert result.returncode == 2, result.output
    assert result.stderr.startswith("openimis-host: HEALTH_TOKEN is too short"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

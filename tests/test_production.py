"""MODE=PROD and MODE=DEV through the real surfaces: refusals at boot, headers and cookies
from gunicorn, ``check --deploy``, the database settings, logging and Sentry.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import on_current_stack_only
from production_support import (
    HTTPS,
    INTERNAL,
    SECRET,
    assert_json_error,
    bearer,
    call,
    graphql,
    login,
    migrate_and_create_user,
    prod,
    rsa_pair,
    token_of,
    with_probe,
)

REDIS = {"CACHE_BACKEND": "redis", "CACHE_URL": "redis://127.0.0.1:6379/0"}
GOOD_PROD = {"MODE": "PROD", "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "imis.example.org", **REDIS}
DEV_KEY = "openimis-host-insecure-development-key-do-not-use-in-production"
OPENIMIS_FALLBACK_KEY = "chv^^7i_v3-04!rzu&qe#+h*a=%h(ib#5w9n$!f2q7%2$qp=zz"


def one_line_refusal(result, *words):
    assert result.returncode == 2, result.output
    assert "Traceback" not in result.output, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# --- refusing to start ---------------------------------------------------------------

@on_current_stack_only("PROD's settings, hosts and proxy headers")
@pytest.mark.parametrize("key, problem", [
    (None, "is not set"),
    ("x" * 49, "too short"),
    (DEV_KEY, "published"),
    (OPENIMIS_FALLBACK_KEY, "published"),
    ("django-insecure-" + "k" * 50, "django-insecure"),
    ("ab" * 30, "distinct"),
])
def test_prod_refuses_to_start_with_a_missing_short_or_known_secret_key(host_env, cli, key,
                                                                        problem):
    env = {**host_env, "MODE": "PROD", "ALLOWED_HOSTS": "imis.example.org"}
    if key is not None:
        env["SECRET_KEY"] = key
    line = one_line_refusal(cli("check", env=env), "SECRET_KEY", problem)
    assert key is None or key not in line  # the message does not repeat the secret


def test_gunicorn_refuses_to_start_in_prod_without_secret_key(host_env, gunicorn):
    server = gunicorn({**host_env, "MODE": "PROD", "ALLOWED_HOSTS": "x.org"}, wait=False)
    assert server.exit_code() != 0
    assert "SECRET_KEY is not set" in server.output
    assert "Traceback" not in server.output


@on_current_stack_only("PROD's settings, hosts and proxy headers")
@pytest.mark.parametrize("hosts", [None, "*", "imis.example.org,*"])
def test_prod_refuses_to_start_without_explicit_allowed_hosts(host_env, cli, hosts):
    env = {**host_env, "MODE": "PROD", "SECRET_KEY": SECRET}
    if hosts:
        env["ALLOWED_HOST"] = hosts
    one_line_refusal(cli("check", env=env), "ALLOWED_HOSTS", "MODE=PROD")


@on_current_stack_only("PROD's settings, hosts and proxy headers")
def test_allowed_host_is_honoured(host_env, gunicorn):
    server = gunicorn({**prod(host_env), "ALLOWED_HOSTS": "", "ALLOWED_HOST": "imis.example.org"},
                      workers=1)
    assert call("GET", server.url + "/health", headers={"Host": "imis.example.org"}).status == 200
    refused = call("GET", server.url + "/health", headers={"Host": "evil.example.com"})
    assert assert_json_error(refused, 400)["code"] == "disallowed_host"


# --- headers and cookies ---------------------------------------------------------------

def test_prod_sends_the_security_headers_and_secure_cookies(host_env, gunicorn, tmp_path):
    env = {**prod(host_env), "SECURE_SSL_REDIRECT": ""}  # the default: on
    migrate_and_create_user(env, tmp_path)
    server = gunicorn(env, workers=1)

    plain = call("GET", server.url + "/health")
    assert plain.status == 301
    assert plain.header("Location") == f"https://127.0.0.1:{server.port}/health"

    secure = call("GET", server.url + "/health", headers=HTTPS)
    assert secure.status == 200
    expected = {
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
        "Content-Security-Policy": "default-src 'self'",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "geolocation=(), microphone=()",
    }
    assert {name: secure.header(name) for name in expected} == expected
    # Error responses carry them too.
    missing = call("GET", server.url + "/no-such-page", headers=HTTPS)
    assert assert_json_error(missing, 404, graphql_shape=False)["code"] == "not_found"
    assert {name: missing.header(name) for name in expected} == expected

    cookies = login(server, HTTPS).cookies()
    for name, http_only in (("csrftoken", True), ("JWT", True)):
        attributes = [a.strip().lower() for a in cookies[name].split(";")]
        assert "secure" in attributes, cookies[name]
        assert "samesite=lax" in attributes, cookies[name]
        assert ("httponly" in attributes) is http_only, cookies[name]


def test_cookies_set_over_plain_http_are_not_marked_secure_and_that_is_logged_once(
        host_env, gunicorn, tmp_path):
    # SECURE_SSL_REDIRECT=false lets plain HTTP reach the views (no TLS, or a proxy that does
    # not say it had HTTPS). A Secure cookie would never come back there (openIMIS keeps its
    # CSRF token in the session), and it has just crossed the network in the clear anyway.
    env = {**prod(host_env), "SECURE_SSL_REDIRECT": "false"}
    migrate_and_create_user(env, tmp_path)
    server = gunicorn(env, workers=1)
    for _ in range(2):
        cookies = login(server).cookies()
        for name in ("csrftoken", "JWT"):
            attributes = [a.strip().lower() for a in cookies[name].split(";")]
            assert "secure" not in attributes, cookies[name]
            assert "httponly" in attributes and "samesite=lax" in attributes, cookies[name]
    # Over HTTPS (here: X-Forwarded-Proto from a trusted address) they are Secure.
    for line in login(server, HTTPS).cookies().values():
        assert "secure" in [a.strip().lower() for a in line.split(";")], line
    warnings = [line for line in server.output.splitlines() if "not marked Secure" in line]
    assert len(warnings) == 1, server.output
    assert "FORWARDED_ALLOW_IPS" in warnings[0] and "TRUST_X_FORWARDED_PROTO" in warnings[0]


@on_current_stack_only("PROD's settings, hosts and proxy headers")
def test_behind_a_tls_proxy_redirect_off_and_x_forwarded_proto_trusted(host_env, gunicorn):
    # gunicorn itself trusts X-Forwarded-Proto only from FORWARDED_ALLOW_IPS; here it
    # does not, so what is seen is Django's TRUST_X_FORWARDED_PROTO alone.
    env = {**prod(host_env), "SECURE_SSL_REDIRECT": "false", "TRUST_X_FORWARDED_PROTO": "true",
           "FORWARDED_ALLOW_IPS": "10.255.255.1"}
    server = gunicorn(env, workers=1)
    plain = call("GET", server.url + "/health")
    assert plain.status == 200  # no redirect: the proxy redirects
    assert plain.header("Strict-Transport-Security") is None  # not over HTTPS
    proxied = call("GET", server.url + "/health", headers=HTTPS)
    assert proxied.status == 200
    assert proxied.header("Strict-Transport-Security") == "max-age=63072000; includeSubDomains"


@on_current_stack_only("PROD's settings, hosts and proxy headers")
def test_x_forwarded_proto_is_not_trusted_by_default(host_env, gunicorn):
    env = {**prod(host_env), "SECURE_SSL_REDIRECT": "", "FORWARDED_ALLOW_IPS": "10.255.255.1"}
    server = gunicorn(env, workers=1)
    assert call("GET", server.url + "/health", headers=HTTPS).status == 301


# --- check --deploy --------------------------------------------------------------------

@on_current_stack_only("PROD's settings, hosts and proxy headers")
@pytest.mark.parametrize("extra", [
    {},
    {"SECURE_SSL_REDIRECT": "false", "TRUST_X_FORWARDED_PROTO": "true"},
], ids=["https", "behind-proxy"])
def test_check_deploy_passes_on_a_correct_prod_configuration(host_env, cli, extra):
    result = cli("check", "--deploy", env={**host_env, **GOOD_PROD, **extra})
    assert result.returncode == 0, result.output
    assert "no issues" in result.stdout


@on_current_stack_only("PROD's settings, hosts and proxy headers")
@pytest.mark.parametrize("extra, problem", [
    ({"MODE": "DEV"}, "openimis.W002"),
    ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
    ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
    ({"CACHE_BACKEND": "locmem", "CACHE_URL": ""}, "openimis.W003"),
], ids=["dev-mode", "no-redirect-no-proxy", "no-hsts", "rate-limit-not-shared"])
def test_check_deploy_fails_on_a_wrong_configuration(host_env, cli, extra, problem):
    result = cli("check", "--deploy", env={**host_env, **GOOD_PROD, **extra})
    assert result.returncode != 0, result.output
    assert problem in result.output


EXAMPLE_ENV = """\
MODE=PROD
SECRET_KEY={secret}
ALLOWED_HOSTS=imis.example.org
CSRF_TRUSTED_ORIGINS=https://imis.example.org
SITE_ROOT=api
DB_OPTIONS={{"sslmode": "require"}}
CACHE_BACKEND=redis
CACHE_URL=redis://127.0.0.1:6379/0
CACHE_OPTIONS={{"socket_connect_timeout": 2, "socket_timeout": 2}}
RATELIMIT_RATE=150/m
SECURE_SSL_REDIRECT=false
TRUST_X_FORWARDED_PROTO=true
JWT_KEYS_DIR={keys}
"""


@on_current_stack_only("PROD's settings, hosts and proxy headers")
def test_an_example_env_file_in_the_working_directory_passes_check_deploy(host_env, cli,
                                                                          tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    private, public = rsa_pair()
    (keys / "jwt_private_key.pem").write_bytes(private)
    (keys / "jwt_public_key.pem").write_bytes(public)
    (tmp_path / ".env").write_text(EXAMPLE_ENV.format(secret=SECRET, keys=keys))
    result = cli("check", "--deploy", env=host_env)  # the cli fixture runs in tmp_path
    assert result.returncode == 0, result.output
    shown = cli("shell", "-c", "from django.conf import settings as s; print(s.MODE, "
                "s.JWT_ALGORITHM, s.SITE_ROOT, s.CACHES['default']['OPTIONS']['socket_timeout'], "
                "s.CACHES['default']['OPTIONS']['socket_connect_timeout'])", env=host_env)
    assert "PROD RS256 api/ 2 2" in shown.stdout  # CACHE_OPTIONS wins over CACHE_TIMEOUT


# --- DEV ---------------------------------------------------------------------------------

def test_dev_mode_has_debug_graphiql_console_email_and_no_prod_headers(host_env, gunicorn, cli):
    result = cli("shell", "-c", "from django.conf import settings; from django.core.mail import "
                 "send_mail; print(settings.DEBUG, settings.EMAIL_BACKEND); "
                 "send_mail('hello', 'body-text', 'a@b.org', ['c@d.org'])", env=host_env)
    assert "True django.core.mail.backends.console.EmailBackend" in result.stdout, result.output
    assert "Subject: hello" in result.stdout and "body-text" in result.stdout

    server = gunicorn(host_env, workers=1)
    page = call("GET", server.url + "/graphql", headers={"Accept": "text/html"})
    assert page.status == 200 and b"graphiql" in page.body.lower()
    assert page.header("Content-Security-Policy") is None
    assert call("GET", server.url + "/health").status == 200  # no SSL redirect
    types = graphql(server, "{ __schema { queryType { name } } }").json()
    assert types["data"]["__schema"]["queryType"]["name"] == "Query"


# --- databases ----------------------------------------------------------------------------

@on_current_stack_only("PROD's settings, hosts and proxy headers")
def test_db_variables_and_db_options_reach_postgresql(any_db_env, cli):
    env = {**any_db_env, "DB_OPTIONS": json.dumps({"application_name": "openimis-options-test"})}
    if "DB_NAME" in env:
        env["DB_ENGINE"] = "postgresql"
        sql = "SELECT current_database(), current_setting('application_name')"
        expected = f"{env['DB_NAME']} openimis-options-test"
    else:
        env.pop("DB_OPTIONS")
        sql = "SELECT 'sqlite', sqlite_version() IS NOT NULL"
        expected = "sqlite 1"
    result = cli("shell", "-c", "from django.db import connection; c = connection.cursor(); "
                 f"c.execute({sql!r}); print(*c.fetchone()); print(connection.vendor)", env=env)
    assert result.returncode == 0, result.output
    vendor = "postgresql" if "DB_NAME" in env else "sqlite"
    assert result.stdout.split("\n")[-3:-1] == [expected, vendor], result.output


# --- logging ------------------------------------------------------------------------------

def test_prod_logs_to_the_debug_log_files_including_500_tracebacks_and_queries(
        host_env, gunicorn, tmp_path):
    logs = {"DEBUG_LOG_FILE": str(tmp_path / "app.log"),
            "DB_QUERIES_LOG_FILE": str(tmp_path / "queries.log")}
    env = with_probe(prod(host_env, DJANGO_LOG_HANDLER="debug-log",
                          DJANGO_DB_LOG_HANDLER="debug-log", DJANGO_MIGRATE="true", **logs))
    migrate_and_create_user(env, tmp_path)
    server = gunicorn(env, workers=1)
    assert_json_error(call("GET", server.url + "/probe/boom"), 500, graphql_shape=False)
    # insurees need a login in PROD (login by default)
    assert graphql(server, "{ insurees { name } }", headers=bearer(token_of(login(server)))).status == 200
    server.stop()
    app_log = (tmp_path / "app.log").read_text()
    assert "Internal Server Error: /probe/boom" in app_log
    assert "Traceback" in app_log and f"RuntimeError: {INTERNAL}" in app_log
    assert 'FROM "openimis_insuree_insuree"' in (tmp_path / "queries.log").read_text()
    assert "Internal Server Error" not in server.output  # went to the file, not the console


def test_dev_logs_queries_to_the_console(host_env, gunicorn):
    server = gunicorn({**host_env, "DJANGO_DB_LOG_HANDLER": "console", "DJANGO_MIGRATE": "true"},
                      workers=1)
    assert graphql(server, "{ insurees { name } }").status == 200
    server.stop()
    assert 'FROM "openimis_insuree_insuree"' in server.output


# --- Sentry ---------------------------------------------------------------------------

class _Collector(BaseHTTPRequestHandler):
    """A stand-in for Sentry: keeps the body of every envelope it is sent."""

    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        type(self).received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_unexpected_exceptions_are_sent_to_sentry_when_sentry_dsn_is_set(host_env, gunicorn):
    handler = type("Collector", (_Collector,), {"received": []})
    collector = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    try:
        dsn = f"http://publickey@127.0.0.1:{collector.server_port}/1"
        env = with_probe(prod(host_env, SENTRY_DSN=dsn, DJANGO_MIGRATE="true"))
        server = gunicorn(env, workers=1)
        assert_json_error(call("GET", server.url + "/probe/boom"), 500)
        masked = graphql(server, "{ probeBoom }").json()
        assert masked["errors"][0]["message"] == "internal server error"
        # One event for the 500, one for the resolver's exception (logged at ERROR).
        expected = (b"/probe/boom", b"unexpected exception in GraphQL field probeBoom",
                    b"RuntimeError", INTERNAL.encode())
        deadline = time.monotonic() + 20
        seen = b""
        while time.monotonic() < deadline and not all(e in seen for e in expected):
            time.sleep(0.2)
            seen = b"\n".join(handler.received)
        missing = [e for e in expected if e not in seen]
        assert not missing, (missing, seen[:1000])
    finally:
        collector.shutdown()


def test_sentry_dsn_without_sentry_sdk_is_a_clear_error(host_env, cli, tmp_path):
    shadow = tmp_path / "no-sentry"
    (shadow / "sentry_sdk").mkdir(parents=True)
    (shadow / "sentry_sdk" / "__init__.py").write_text("raise ImportError('not installed')\n")
    env = {**host_env, "SENTRY_DSN": "http://k@127.0.0.1:9/1", "PYTHONPATH": str(shadow)}
    one_line_refusal(cli("check", env=env), "SENTRY_DSN", "sentry-sdk is not installed",
                     "openimis-host[sentry]")

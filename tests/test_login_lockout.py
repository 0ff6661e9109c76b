"""Failed logins lock the user name and the client, on every login surface (admin, tokenAuth, a
module's own authenticate()), through gunicorn with 3 workers in PROD (the count is in the
database, shared by the workers): after AXES_FAILURE_LIMIT failures even the right password is
refused, with a message a person or a client can read.
"""

from __future__ import annotations

import re
import urllib.parse
from importlib import metadata

from conftest import build_dist, run_cli, with_dists
from production_support import (
    PASSWORD,
    USER,
    assert_json_error,
    call,
    login,
    migrate_and_create_user,
    prod,
    token_of,
)

LIMIT = 3
AXES_KEEPS_THE_FORM = not metadata.version("django-axes").startswith("6.4.")  # the legacy pin


def serve(env, gunicorn, tmp_path, **extra):
    env = prod(env, AXES_FAILURE_LIMIT=str(LIMIT), AXES_COOLOFF_TIME="10", **extra)
    migrate_and_create_user(env, tmp_path, staff=True)
    return gunicorn(env, workers=3)


def admin_login(server, username: str, password: str):
    """The admin's login form, filled in and posted as a browser would."""
    page = call("GET", server.url + "/admin/login/")
    csrf_cookie = page.cookies()["csrftoken"].split(";")[0]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1).decode()
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username,
                                   "password": password, "next": "/admin/"})
    return call("POST", server.url + "/admin/login/?next=/admin/", body,
                headers={"Cookie": csrf_cookie}, content_type="application/x-www-form-urlencoded")


def assert_locked_json(reply) -> None:
    error = assert_json_error(reply, 429, graphql_shape=True)["errors"][0]
    assert error["extensions"]["code"] == "login_locked_out", error
    assert "too many failed logins" in error["message"] and "10 minutes" in error["message"]
    assert reply.header("Retry-After") == "600"


def test_failed_admin_logins_lock_the_admin_and_token_auth(any_db_env, gunicorn, tmp_path):
    server = serve(any_db_env, gunicorn, tmp_path)
    for attempt in range(1, LIMIT + 1):
        reply = admin_login(server, USER, f"wrong-{attempt}")
        if attempt < LIMIT:
            assert reply.status == 200 and b"Please enter the correct username" in reply.body
    assert reply.status == 429  # the failure that reaches the limit
    refused = admin_login(server, USER, PASSWORD)
    assert refused.status == 429
    assert b"too many failed logins" in refused.body
    # django-axes 6.4 (the legacy extra's pin) hands the lock-out callable no response to keep,
    # so the admin gets the JSON answer there; later ones keep the login form.
    assert (b'name="password"' in refused.body) is AXES_KEEPS_THE_FORM, refused.body
    assert_locked_json(login(server))  # the same user name on the GraphQL login


def test_failed_token_auth_logins_lock_by_user_name_and_by_client(any_db_env, gunicorn, tmp_path):
    # X-Forwarded-For trusted here only so the test can play several clients from 127.0.0.1.
    server = serve(any_db_env, gunicorn, tmp_path,
                   AXES_IPWARE_META_PRECEDENCE_ORDER="HTTP_X_FORWARDED_FOR,REMOTE_ADDR")
    assert token_of(login(server, {"X-Forwarded-For": "10.0.0.1"}))
    # Per user name: failures from three clients lock the name for a fourth.
    for i in range(LIMIT):
        reply = login(server, {"X-Forwarded-For": f"10.0.1.{i}"}, password="wrong")
    assert_locked_json(reply)
    assert_locked_json(login(server, {"X-Forwarded-For": "10.0.2.1"}))
    # Per client: failures on three user names lock the client, for any user name.
    for i in range(LIMIT):
        reply = login(server, {"X-Forwarded-For": "10.0.3.1"}, username=f"nobody{i}")
    assert_locked_json(reply)
    assert_locked_json(login(server, {"X-Forwarded-For": "10.0.3.1"}, username="someone"))


def test_forwarding_headers_do_not_bypass_the_client_lock(host_env, gunicorn, tmp_path):
    server = serve(host_env, gunicorn, tmp_path)  # the default: the client is REMOTE_ADDR
    for i in range(LIMIT):
        spoofed = {"X-Forwarded-For": f"10.9.9.{i}", "X-Real-IP": f"10.9.8.{i}"}
        reply = login(server, spoofed, username=f"guess{i}")
    assert_locked_json(reply)
    assert_locked_json(login(server, {"X-Forwarded-For": "10.9.7.1"}))


MODULE_LOGIN = {
    "openimis_modlogin/__init__.py": "",
    "openimis_modlogin/plugin.py": """\
        from plugins_spec import hookimpl


        @hookimpl
        def openimis_urlpatterns():
            from .views import urlpatterns
            return urlpatterns
        """,
    "openimis_modlogin/views.py": """\
        import json

        from django.contrib.auth import authenticate
        from django.http import JsonResponse
        from django.urls import path
        from django.views.decorators.csrf import csrf_exempt


        @csrf_exempt
        def login(request):
            # A module's own login, as openIMIS modules do: Django's authenticate().
            data = json.loads(request.body)
            user = authenticate(request, username=data["username"], password=data["password"])
            if user is None:
                return JsonResponse({"detail": "wrong"}, status=401)
            return JsonResponse({"user": user.get_username()})


        urlpatterns = [path("login", login)]
        """,
}


def test_a_module_login_through_authenticate_is_locked_too(host_env, gunicorn, tmp_path):
    module = build_dist("openimis-modlogin", "1.0.0", MODULE_LOGIN, module="modlogin",
                        entry_point="openimis_modlogin.plugin")
    server = serve(with_dists(host_env, module), gunicorn, tmp_path)
    url = server.url + "/modlogin/login"
    assert call("POST", url, {"username": USER, "password": PASSWORD}).json() == {"user": USER}
    for _ in range(LIMIT - 1):
        assert call("POST", url, {"username": USER, "password": "wrong"}).status == 401
    locked = call("POST", url, {"username": USER, "password": "wrong"})
    body = assert_json_error(locked, 429, graphql_shape=False)
    assert body["code"] == "login_locked_out" and "too many failed logins" in body["detail"]
    right = call("POST", url, {"username": USER, "password": PASSWORD})
    assert assert_json_error(right, 429, graphql_shape=False)["code"] == "login_locked_out"


def test_a_user_name_over_255_characters_is_a_wrong_login_and_is_counted(any_db_env, gunicorn,
                                                                        tmp_path):
    # django-axes's column holds 255 characters: PostgreSQL refused the longer name (DataError,
    # a 500); now the attempt is counted under its first 255 characters.
    server = serve(any_db_env, gunicorn, tmp_path,
                   AXES_IPWARE_META_PRECEDENCE_ORDER="HTTP_X_FORWARDED_FOR,REMOTE_ADDR")
    long_name = "n" * 300
    for i in range(LIMIT):
        reply = login(server, {"X-Forwarded-For": f"10.0.4.{i}"}, username=long_name + str(i))
        if i < LIMIT - 1:
            assert reply.status == 200, reply.body
            assert reply.json()["errors"][0]["extensions"]["code"] == "invalid_credentials"
    assert_locked_json(reply)  # three failures of one 255-character name: locked
    assert_locked_json(login(server, {"X-Forwarded-For": "10.0.5.1"}, username=long_name))
    server.stop()
    assert "DataError" not in server.output and "Traceback" not in server.output


COUNT_TWICE = f"""
from django.contrib.auth import authenticate
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

request = RequestFactory().post("/graphql", REMOTE_ADDR="10.1.2.3")


def counted(password):
    with CaptureQueriesContext(connection) as queries:
        authenticate(request, username={USER!r}, password=password)
    return sum("axes_accessattempt" in q["sql"] and "SUM(" in q["sql"] for q in queries)


print("counted:", counted({PASSWORD!r}), counted({PASSWORD!r}), counted("wrong"), counted({PASSWORD!r}))
"""


def test_one_request_counts_a_user_names_failures_once(host_env, tmp_path):
    """openIMIS's tokenAuth authenticates twice in one request: django-axes' failure counts
    (by user name, by client: two queries) are read from the database for the first only.
    A failure is recorded (and counted, by django-axes itself, to decide the lockout), and
    the next check counts afresh (security/axes_handler.py)."""
    env = prod(host_env, AXES_FAILURE_LIMIT=str(LIMIT))
    migrate_and_create_user(env, tmp_path)
    result = run_cli("shell", "-c", COUNT_TWICE, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("counted:"))
    assert line.split()[1:] == ["2", "0", "2", "2"], result.output

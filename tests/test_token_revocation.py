"""Tokens are tied to the credential, through gunicorn (2 workers, PROD, SQLite and PostgreSQL):
a password change, the revokeToken mutation and a logout from the admin end every token issued
before; revokeAllTokens and ``openimis-host revoke_tokens`` end the user's admin sessions too;
new logins work.
"""

from __future__ import annotations

from conftest import run_cli
from production_support import (
    PASSWORD,
    USER,
    assert_json_error,
    bearer,
    call,
    graphql,
    login,
    migrate_and_create_user,
    prod,
    token_of,
    with_probe,
)
from test_login_lockout import admin_login

REVOKE = "mutation { revokeToken { revoked } }"


def whoami(server, headers) -> str | None:
    reply = graphql(server, "{ probeWhoami }", headers=headers)
    assert reply.status == 200, reply.body
    return reply.json()["data"]["probeWhoami"]


def assert_revoked(server, token: str) -> None:
    for reply, graphql_shape in ((graphql(server, "{ probeWhoami }", headers=bearer(token)), True),
                                 (call("GET", server.url + "/probe/whoami", headers=bearer(token)),
                                  False)):
        body = assert_json_error(reply, 401, graphql_shape)
        code = body["errors"][0]["extensions"]["code"] if graphql_shape else body["code"]
        assert code == "token_revoked", body


def test_a_password_change_and_revoke_token_end_earlier_tokens(any_db_env, gunicorn, tmp_path):
    env = with_probe(prod(any_db_env))
    migrate_and_create_user(env, tmp_path)
    server = gunicorn(env, workers=2)

    before = token_of(login(server))
    assert whoami(server, bearer(before)) == USER
    changed = run_cli("shell", "-c", "from django.contrib.auth import get_user_model; "
                      f"u = get_user_model().objects.get(username={USER!r}); "
                      "u.set_password('a new pass phrase'); u.save()", env=env, cwd=tmp_path)
    assert changed.returncode == 0, changed.output
    assert_revoked(server, before)

    first = login(server, password="a new pass phrase")
    cookie = first.cookies()["JWT"].split(";")[0]
    token, other = token_of(first), token_of(login(server, password="a new pass phrase"))
    assert whoami(server, bearer(token)) == USER and whoami(server, {"Cookie": cookie}) == USER
    revoked = graphql(server, REVOKE, headers={"Cookie": cookie})
    assert revoked.json() == {"data": {"revokeToken": {"revoked": True}}}
    assert revoked.cookies()["JWT"].startswith('JWT="";'), revoked.cookies()  # deleted
    for old in (token, other):  # every token of the user, not only the one sent
        assert_revoked(server, old)
    assert whoami(server, {"Cookie": cookie}) is None  # a revoked cookie: anonymous

    after = token_of(login(server, password="a new pass phrase"))
    assert whoami(server, bearer(after)) == USER
    anonymous = graphql(server, REVOKE).json()["errors"][0]
    assert anonymous["extensions"]["code"] == "not_authenticated", anonymous
    # The old password no longer logs in.
    assert login(server).json()["errors"][0]["extensions"]["code"] == "invalid_credentials"


def test_logging_out_of_the_admin_revokes_the_tokens(host_env, gunicorn, tmp_path):
    env = with_probe(prod(host_env))
    migrate_and_create_user(env, tmp_path)
    staff = run_cli("shell", "-c", "from django.contrib.auth import get_user_model; "
                    f"get_user_model().objects.filter(username={USER!r}).update(is_staff=True)",
                    env=env, cwd=tmp_path)
    assert staff.returncode == 0, staff.output
    server = gunicorn(env, workers=1)
    token = token_of(login(server))
    session = admin_login(server, USER, PASSWORD)
    assert session.status == 302, session.body[:300]
    cookies = {name: line.split(";")[0] for name, line in session.cookies().items()}
    csrf = cookies["csrftoken"].split("=", 1)[1]
    headers = {"Cookie": f"{cookies['sessionid']}; {cookies['csrftoken']}", "X-CSRFToken": csrf}
    logout = call("POST", server.url + "/admin/logout/", "",
                  content_type="application/x-www-form-urlencoded", headers=headers)
    assert logout.status == 200, logout.body[:300]
    assert_revoked(server, token)


def test_revoke_all_tokens_and_the_cli_end_the_users_admin_sessions_too(host_env, gunicorn, tmp_path):
    env = with_probe(prod(host_env))
    migrate_and_create_user(env, tmp_path)
    staff = run_cli("shell", "-c", "from django.contrib.auth import get_user_model; "
                    f"get_user_model().objects.filter(username={USER!r}).update(is_staff=True)",
                    env=env, cwd=tmp_path)
    assert staff.returncode == 0, staff.output
    server = gunicorn(env, workers=1)

    def admin_session() -> dict:
        session = admin_login(server, USER, PASSWORD)
        assert session.status == 302, session.body[:300]
        headers = {"Cookie": session.cookies()["sessionid"].split(";")[0]}
        assert call("GET", server.url + "/admin/", headers=headers).status == 200
        return headers

    def ended(headers: dict) -> bool:  # the admin sends a session it does not know to its login
        return call("GET", server.url + "/admin/", headers=headers).status == 302

    # The user, from another device, with its token.
    session, token = admin_session(), token_of(login(server))
    revoked = graphql(server, "mutation { revokeAllTokens { revoked } }", headers=bearer(token))
    assert revoked.json() == {"data": {"revokeAllTokens": {"revoked": True}}}
    assert_revoked(server, token)
    assert ended(session)

    # An operator, from the command line.
    session, token = admin_session(), token_of(login(server))
    done = run_cli("revoke_tokens", USER, env=env, cwd=tmp_path)
    assert done.returncode == 0 and f"revoked every token and session of {USER!r}" in done.stdout
    assert_revoked(server, token)
    assert ended(session)
    unknown = run_cli("revoke_tokens", "nobody", env=env, cwd=tmp_path)
    assert unknown.returncode == 1 and "no user with the username 'nobody'" in unknown.output
    assert "Traceback" not in unknown.output, unknown.output
    assert whoami(server, bearer(token_of(login(server)))) == USER  # logging in again works

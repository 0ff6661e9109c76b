"""JWT authentication through gunicorn: HS256 with SECRET_KEY, RS256 with a key pair from the
keys directory or the environment, for GraphQL and DRF; the tokens that must be refused;
the JWT cookie; REMOTE_USER_AUTHENTICATION. On SQLite and PostgreSQL, in PROD.
"""

from __future__ import annotations

import jwt
import pytest
from conftest import build_dist, with_dists
from production_support import (
    PASSWORD,
    SECRET,
    USER,
    assert_json_error,
    bearer,
    call,
    claims,
    graphql,
    hs256_token,
    login,
    migrate_and_create_users,
    prod,
    rsa_pair,
    tampered,
    token_of,
    unsigned_token,
    with_probe,
)

WHOAMI = "{ probeWhoami }"


def whoami(server, headers=None) -> str | None:
    reply = graphql(server, WHOAMI, headers=headers)
    assert reply.status == 200, reply.body
    return reply.json()["data"]["probeWhoami"]


def drf_whoami(server, headers=None):
    return call("GET", server.url + "/probe/whoami", headers=headers)


def assert_refused(server, token: str, code: str = "invalid_token") -> None:
    """Both GraphQL and DRF answer 401 with a JSON error and a Bearer challenge."""
    for reply, graphql_shape in ((graphql(server, WHOAMI, headers=bearer(token)), True),
                                 (drf_whoami(server, bearer(token)), False)):
        body = assert_json_error(reply, 401, graphql_shape)
        assert reply.header("WWW-Authenticate").startswith("Bearer"), reply.headers
        found = body["errors"][0]["extensions"]["code"] if graphql_shape else body["code"]
        assert found == code, body


def serve(env, gunicorn, tmp_path, **extra):
    env = with_probe(prod(env, **extra))
    migrate_and_create_users(env, tmp_path, {"username": USER, "password": PASSWORD},
                             {"username": "inactive", "password": PASSWORD, "is_active": False})
    return gunicorn(env, workers=2)


def test_hs256_token_from_the_mutation_works_for_graphql_and_drf(any_db_env, gunicorn, tmp_path):
    server = serve(any_db_env, gunicorn, tmp_path)
    refused = login(server, password="wrong").json()
    assert refused["errors"][0]["extensions"]["code"] == "invalid_credentials"
    assert refused["data"] == {"tokenAuth": None}

    token = token_of(login(server))
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    decoded = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert decoded["username"] == USER and decoded["exp"] > decoded["iat"]

    assert whoami(server) is None
    assert whoami(server, bearer(token)) == USER
    assert drf_whoami(server, bearer(token)).json()["user"] == USER
    # A JWT request needs no CSRF token, unlike a session-authenticated one.
    posted = call("POST", server.url + "/probe/whoami", {"x": 1}, headers=bearer(token))
    assert posted.status == 200 and posted.json() == {"user": USER, "data": {"x": 1}}
    plain = call("POST", server.url + "/probe/plain-whoami", {}, headers=bearer(token))
    assert plain.status == 200 and plain.json() == {"user": USER}
    # Without the header, Django's CSRF check refuses the POST, with a JSON body.
    refused = call("POST", server.url + "/probe/plain-whoami", {})
    assert assert_json_error(refused, 403, graphql_shape=False)["code"] == "csrf_failed"
    assert call("GET", server.url + "/probe/whoami").json()["user"] is None


def test_bad_hs256_tokens_are_refused_with_401(any_db_env, gunicorn, tmp_path):
    server = serve(any_db_env, gunicorn, tmp_path)
    good = token_of(login(server))
    assert_refused(server, jwt.encode(claims(exp_in=-10), SECRET, algorithm="HS256"),
                   "token_expired")
    assert_refused(server, tampered(good))
    assert_refused(server, unsigned_token(claims()))
    assert_refused(server, jwt.encode(claims(), "another-secret-" * 4, algorithm="HS256"))
    assert_refused(server, "not-a-token")
    # A header that is not "<scheme> <token>" is no credential, as under django-graphql-jwt
    # (openIMIS's insuree tests send a user's printed name): anonymous, and no CSRF exemption.
    for header in ("Bearer ", "Bearer a b", "Bearer (1) admin [e3b0c442]"):
        headers = {"Authorization": header}
        assert whoami(server, headers) is None, header
        assert drf_whoami(server, headers).json()["user"] is None, header
        refused = call("POST", server.url + "/probe/plain-whoami", {}, headers=headers)
        assert assert_json_error(refused, 403, graphql_shape=False)["code"] == "csrf_failed"
    no_exp = {k: v for k, v in claims().items() if k != "exp"}
    assert_refused(server, jwt.encode(no_exp, SECRET, algorithm="HS256"))
    # A well-signed token for an inactive user (pk 2) or a user that does not exist.
    assert_refused(server, jwt.encode(claims(user_id=2), SECRET, algorithm="HS256"))
    assert_refused(server, jwt.encode(claims(user_id=999), SECRET, algorithm="HS256"))


def test_rs256_with_keys_in_the_keys_directory(any_db_env, gunicorn, tmp_path):
    keys = tmp_path / "secrets"
    keys.mkdir()
    private, public = rsa_pair()
    (keys / "jwt_private_key.pem").write_bytes(private)
    (keys / "jwt_public_key.pem").write_bytes(public)
    server = serve(any_db_env, gunicorn, tmp_path, JWT_KEYS_DIR=str(keys))

    token = token_of(login(server))
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert jwt.decode(token, public, algorithms=["RS256"])["username"] == USER
    assert whoami(server, bearer(token)) == USER
    assert drf_whoami(server, bearer(token)).json()["user"] == USER

    # Key confusion: HS256 "signed" with the public key, which every client may know.
    assert_refused(server, hs256_token(public, claims()))
    # HS256 with SECRET_KEY is no longer accepted once RS256 is on.
    assert_refused(server, jwt.encode(claims(), SECRET, algorithm="HS256"))
    assert_refused(server, unsigned_token(claims()))
    assert_refused(server, jwt.encode(claims(exp_in=-10), private, algorithm="RS256"),
                   "token_expired")
    other_private, _ = rsa_pair()
    assert_refused(server, jwt.encode(claims(), other_private, algorithm="RS256"))
    assert_refused(server, tampered(token))


def test_rs256_with_an_encrypted_key_pair_from_the_environment(host_env, gunicorn, tmp_path):
    private, public = rsa_pair(password=b"pass-phrase")
    server = serve(host_env, gunicorn, tmp_path, JWT_PRIVATE_KEY=private.decode(),
                   JWT_PUBLIC_KEY=public.decode(), JWT_PRIVATE_KEY_PASSWORD="pass-phrase",
                   JWT_EXPIRATION="120")
    token = token_of(login(server))
    decoded = jwt.decode(token, public, algorithms=["RS256"])
    assert decoded["exp"] - decoded["iat"] == 120
    assert whoami(server, bearer(token)) == USER


@pytest.mark.parametrize("case, words", [
    ("private-file-only", ["jwt_private_key.pem exists but", "jwt_public_key.pem does not"]),
    ("mismatched", ["is not the public key of"]),
    ("encrypted-no-password", ["is encrypted: set JWT_PRIVATE_KEY_PASSWORD"]),
    ("env-private-only", ["JWT_PUBLIC_KEY is not set"]),
    ("not-pem", ["is not a PEM private key"]),
    ("short-key", ["1024-bit RSA key"]),
])
def test_a_bad_jwt_key_configuration_stops_the_boot_with_one_line(host_env, cli, tmp_path,
                                                                   case, words):
    keys = tmp_path / "keys"
    keys.mkdir()
    env = {**host_env, "JWT_KEYS_DIR": str(keys)}
    private, public = rsa_pair(password=b"pw" if case == "encrypted-no-password" else None,
                               bits=1024 if case == "short-key" else 2048)
    if case == "env-private-only":
        env["JWT_PRIVATE_KEY"] = private.decode()
    else:
        (keys / "jwt_private_key.pem").write_bytes(b"garbage" if case == "not-pem" else private)
        if case != "private-file-only":
            other = rsa_pair()[1] if case == "mismatched" else public
            (keys / "jwt_public_key.pem").write_bytes(other)
    result = cli("check", env=env)
    assert result.returncode == 2, result.output
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def test_the_jwt_cookie_authenticates_and_a_bad_one_is_ignored(host_env, gunicorn, tmp_path):
    server = serve(host_env, gunicorn, tmp_path)
    cookie = login(server).cookies()["JWT"].split(";")[0]  # "JWT=<token>"
    assert whoami(server, {"Cookie": cookie}) == USER
    assert drf_whoami(server, {"Cookie": cookie}).json()["user"] == USER
    # A POST authenticated by the cookie alone must pass the CSRF check (not so with Bearer).
    forged = call("POST", server.url + "/probe/whoami", {}, headers={"Cookie": cookie})
    assert assert_json_error(forged, 403, graphql_shape=False)["detail"].startswith("CSRF")
    expired = jwt.encode(claims(exp_in=-10), SECRET, algorithm="HS256")
    # Anonymous, not 401: a browser with an expired cookie must still be able to log in.
    assert whoami(server, {"Cookie": f"JWT={expired}"}) is None
    assert token_of(login(server, {"Cookie": f"JWT={expired}"}))


@pytest.mark.parametrize("enabled", [True, False])
def test_remote_user_authentication(host_env, gunicorn, tmp_path, enabled):
    env = with_probe(prod(host_env, REMOTE_USER_AUTHENTICATION=str(enabled).lower(),
                          DJANGO_MIGRATE="true"))
    server = gunicorn(env, workers=1)
    expected = "grace" if enabled else None
    assert whoami(server, {"Remote-User": "grace"}) == expected
    assert drf_whoami(server, {"Remote-User": "grace"}).json()["user"] == expected
    assert whoami(server) is None


def test_token_auth_is_reserved_for_the_host(host_env, cli):
    clash = build_dist("openimis-clash", "1.0.0", {
        "openimis_clash/__init__.py": "",
        "openimis_clash/plugin.py": """\
            import graphene
            from plugins_spec import hookimpl


            class Mutation(graphene.ObjectType):
                token_auth = graphene.String()


            @hookimpl
            def openimis_graphql_mutation():
                return Mutation
            """,
    }, module="clash", entry_point="openimis_clash.plugin")
    result = cli("check", env=with_dists(host_env, clash))
    assert result.returncode == 2, result.output
    assert "Mutation field 'tokenAuth' is already defined by the host" in result.stderr

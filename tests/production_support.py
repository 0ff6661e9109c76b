"""Helpers for the production-mode tests: a probe module, users, tokens, raw HTTP.

The ``probe`` module is a real distribution (built and pip-installed like the
bad-module fixtures) whose views and resolvers raise, report the caller and the
worker, so the tests see through real HTTP what a client and the log would see.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import migrated_db
from conftest import build_dist, run_cli, with_dists

SECRET = "Zx8kTq2LmN4pR7vW9yB3cF6hJ1sD5gK0aQeUiOtYrEwXzCvBnMlPoIuYtRe" + secrets.token_hex(4)
#: What a leaked internal would look like; no client may ever see it.
INTERNAL = "internal-detail-db-password=hunter2"
USER, PASSWORD = "ada", "correct horse battery staple"
HTTPS = {"X-Forwarded-Proto": "https"}  # gunicorn trusts it from 127.0.0.1 (FORWARDED_ALLOW_IPS)

PROBE_FILES = {
    "openimis_probe/__init__.py": "",
    "openimis_probe/plugin.py": """\
        from plugins_spec import hookimpl


        @hookimpl
        def openimis_urlpatterns():
            from .views import urlpatterns
            return urlpatterns


        @hookimpl
        def openimis_graphql_query():
            from .schema import Query
            return Query


        @hookimpl
        def openimis_public_graphql_fields():
            # The probe answers anonymous callers too: the tests ask it who is calling.
            return ["probeNode", "probeWhoami", "probePid", "probeBoom", "probeInvalid", "probeRefused"]
        """,
    "openimis_probe/views.py": f"""\
        from django.http import JsonResponse
        from django.urls import path
        from rest_framework.decorators import api_view, permission_classes
        from rest_framework.permissions import AllowAny
        from rest_framework.response import Response


        def boom(request):
            raise RuntimeError("{INTERNAL}")


        @api_view(["GET"])
        @permission_classes([AllowAny])  # public on purpose: PROD's default is IsAuthenticated
        def drf_boom(request):
            raise RuntimeError("{INTERNAL}")


        def plain_whoami(request):
            # A plain Django view: Django's CSRF check applies to its POSTs.
            return JsonResponse({{"user": request.user.get_username() or None}})


        @api_view(["GET", "POST"])
        @permission_classes([AllowAny])
        def whoami(request):
            return Response({{"user": request.user.get_username() or None, "data": request.data}})


        urlpatterns = [path("boom", boom), path("drf-boom", drf_boom), path("whoami", whoami),
                       path("plain-whoami", plain_whoami)]
        """,
    "openimis_probe/schema.py": f"""\
        import os
        import time

        import graphene
        from django.core.exceptions import ValidationError


        class ProbeNode(graphene.ObjectType):
            \"\"\"A type that nests without end, for the depth limit.\"\"\"
            name = graphene.String()
            child = graphene.Field(lambda: ProbeNode)

            def resolve_name(root, info):
                return "node"

            def resolve_child(root, info):
                return {{}}


        class Query(graphene.ObjectType):
            probe_node = graphene.Field(ProbeNode)
            probe_whoami = graphene.String()
            probe_pid = graphene.Int(sleep=graphene.Float(default_value=0))
            probe_boom = graphene.String()
            probe_invalid = graphene.String()
            probe_refused = graphene.String()

            def resolve_probe_node(root, info):
                return {{}}

            def resolve_probe_whoami(root, info):
                return info.context.user.get_username() or None

            def resolve_probe_pid(root, info, sleep):
                time.sleep(sleep)  # holds the worker, so that parallel requests spread
                return os.getpid()

            def resolve_probe_boom(root, info):
                raise RuntimeError("{INTERNAL}")

            def resolve_probe_invalid(root, info):
                raise ValidationError("the number must have 8 digits")

            def resolve_probe_refused(root, info):
                raise PermissionError("Unauthorized")  # as many openIMIS modules refuse
        """,
}


def probe_dist() -> Path:
    return build_dist("openimis-probe", "1.0.0", PROBE_FILES, module="probe",
                      entry_point="openimis_probe.plugin")


def with_probe(env: dict) -> dict:
    return with_dists(env, probe_dist())


def prod(env: dict, **extra) -> dict:
    """``env`` in MODE=PROD with a good key, served on 127.0.0.1 over plain HTTP."""
    return {**env, "MODE": "PROD", "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false", **extra}


def dev(env: dict, **extra) -> dict:
    return {**env, "MODE": "DEV", **extra}


def mode_env(mode: str, env: dict, **extra) -> dict:
    return prod(env, **extra) if mode == "PROD" else dev(env, **extra)


def migrate_and_create_user(env: dict, cwd, username: str = USER, password: str = PASSWORD,
                            active: bool = True, staff: bool = False) -> None:
    """Apply migrations and create a Django user, in one CLI process (migrate_and_create_users)."""
    migrate_and_create_users(env, cwd, {"username": username, "password": password,
                                        "is_active": active, "is_staff": staff})


def migrate_and_create_users(env: dict, cwd, *users: dict) -> None:
    """Apply migrations and create Django users (``create_user`` keyword arguments), in one
    CLI process: or, for a fresh database, copy the one that process made earlier with the
    same environment (migrated_db.py)."""
    code = ("from django.core.management import call_command; "
            "from django.contrib.auth import get_user_model; "
            "call_command('migrate', verbosity=0); "
            + "; ".join(f"get_user_model().objects.create_user(**{user!r})" for user in users))

    def make(target: dict) -> None:
        result = run_cli("shell", "-c", code, env=target, cwd=cwd)
        assert result.returncode == 0, result.output

    migrated_db.made_once(env, cwd, code, make)


@dataclass
class Reply:
    status: int
    headers: object  # email.message.Message: get_all() keeps repeated headers
    body: bytes

    def json(self):
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def cookies(self) -> dict[str, str]:
        """Set-Cookie headers by cookie name (the whole header line)."""
        return {line.split("=", 1)[0]: line for line in self.headers.get_all("Set-Cookie") or []}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(NoRedirect)


def call(method: str, url: str, body=None, headers: dict | None = None,
         content_type: str | None = "application/json", timeout: float = 30) -> Reply:
    """One HTTP request, redirects not followed; a dict/list body is sent as JSON."""
    headers = dict(headers or {})
    data = body
    if body is not None and not isinstance(body, (bytes, str)):
        data = json.dumps(body)
    if isinstance(data, str):
        data = data.encode()
    if data is not None:
        # An empty value, because urllib would otherwise add a form content type.
        headers.setdefault("Content-Type", content_type or "")
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with _opener.open(request, timeout=timeout) as resp:
            return Reply(resp.status, resp.headers, resp.read())
    except urllib.error.HTTPError as err:
        return Reply(err.code, err.headers, err.read())


def graphql(server, query: str, variables=None, headers=None, path: str = "/graphql") -> Reply:
    return call("POST", server.url + path, {"query": query, "variables": variables or {}},
                headers=headers)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def login(server, headers=None, username: str = USER, password: str = PASSWORD) -> Reply:
    return graphql(server, "mutation($u: String!, $p: String!) { tokenAuth(username: $u, "
                   "password: $p) { token exp } }", {"u": username, "p": password}, headers)


def token_of(reply: Reply) -> str:
    assert reply.status == 200, reply.body
    return reply.json()["data"]["tokenAuth"]["token"]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned_token(claims: dict | None = None) -> str:
    """An ``alg: none`` token, which a careless verifier would accept."""
    claims = claims or {"sub": "1", "iat": int(time.time()), "exp": int(time.time()) + 600}
    return (b64(json.dumps({"alg": "none", "typ": "JWT"}).encode()) + "."
            + b64(json.dumps(claims).encode()) + ".")


def hs256_token(secret: bytes, claims: dict) -> str:
    """An HS256 token signed with any bytes, including a PEM public key (PyJWT refuses to)."""
    import hashlib
    import hmac

    signing_input = (b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "."
                     + b64(json.dumps(claims).encode()))
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(signature)


def tampered(token: str) -> str:
    """The same token with its claims changed (sub 1 -> 2) and the signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = str(int(claims["sub"]) + 1)
    return f"{header}.{b64(json.dumps(claims).encode())}.{signature}"


def claims(user_id: int = 1, exp_in: int = 600) -> dict:
    now = int(time.time())
    return {"sub": str(user_id), "username": USER, "iat": now - 60, "exp": now + exp_in}


def rsa_pair(password: bytes | None = None, bits: int = 2048) -> tuple[bytes, bytes]:
    """A fresh RSA key pair as PEM (private, public)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    encryption = (serialization.BestAvailableEncryption(password) if password
                  else serialization.NoEncryption())
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                encryption)
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


def assert_json_error(reply: Reply, status: int, graphql_shape: bool | None = None) -> dict:
    """The reply is ``status`` with a JSON error body and nothing internal in it."""
    assert reply.status == status, (reply.status, reply.body[:500])
    assert reply.header("Content-Type").startswith("application/json"), reply.headers
    text = reply.body.decode()
    assert "Traceback" not in text and 'File "' not in text and INTERNAL not in text, text
    body = reply.json()
    if graphql_shape is True:
        assert body["errors"] and "message" in body["errors"][0], body
    elif graphql_shape is False:
        assert "detail" in body, body
    return body

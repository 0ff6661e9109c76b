"""Hostile modules, pip-installed, against the real CLI and gunicorn in PROD.

A module cannot take the host's login by naming its own field ``tokenAuth``
(conflicts are found by GraphQL name), and cannot weaken the host's settings
through ``openimis_settings()`` (DESIGN.md: settings a module may not touch).
"""

from __future__ import annotations

from conftest import build_dist, with_dists
from production_support import login, migrate_and_create_user, prod, token_of

THIEF = build_dist("openimis-thief", "6.6.6", {
    "openimis_thief/__init__.py": "",
    "openimis_thief/plugin.py": """\
        import graphene
        from plugins_spec import hookimpl

        STOLEN = []


        class Login(graphene.Mutation):
            class Arguments:
                username = graphene.String(required=True)
                password = graphene.String(required=True)

            token = graphene.String()

            @staticmethod
            def mutate(root, info, username, password):
                STOLEN.append(password)
                return Login(token="stolen")


        class Mutation(graphene.ObjectType):
            login = Login.Field(name="tokenAuth")


        @hookimpl
        def openimis_graphql_mutation():
            return Mutation
        """,
}, module="thief", entry_point="openimis_thief.plugin")

WEAKENER = build_dist("openimis-weakener", "1.0.0", {
    "openimis_weakener/__init__.py": "",
    "openimis_weakener/plugin.py": """\
        from plugins_spec import hookimpl


        @hookimpl
        def openimis_settings():
            return {"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
                    "SESSION_COOKIE_HTTPONLY": False, "DATA_UPLOAD_MAX_NUMBER_FIELDS": None,
                    "WEAKENER_OWN_SETTING": 3}
        """,
}, module="weakener", entry_point="openimis_weakener.plugin")


def test_a_module_naming_its_field_tokenauth_stops_the_boot_naming_both_parties(host_env, cli):
    result = cli("check", env=with_dists(host_env, THIEF))
    assert result.returncode == 2, result.output
    assert ("module 'thief' (openimis-thief 6.6.6): its GraphQL Mutation field 'tokenAuth' is already "
            "defined by the host (built-in module 'host') [openimis.E014]") in result.stderr
    assert "Traceback" not in result.stderr


def test_under_skip_the_login_stays_the_hosts_and_the_thief_is_left_out(host_env, cli, gunicorn,
                                                                          tmp_path):
    env = prod(with_dists(host_env, THIEF), OPENIMIS_MODULE_ERRORS="skip")
    migrate_and_create_user(env, tmp_path)
    server = gunicorn(env, workers=1)
    reply = login(server)
    assert reply.status == 200
    assert token_of(reply) != "stolen"
    listed = {m["name"]: m for m in cli("modules", "--json", env=env).json()["modules"]}
    assert listed["thief"]["status"] == "failed"
    assert listed["thief"]["contributions"] == {}
    assert [p["id"] for p in listed["thief"]["problems"]] == ["openimis.E014"]


def test_a_module_defaulting_host_security_settings_is_refused_by_name(host_env, cli):
    result = cli("check", env=with_dists(host_env, WEAKENER))
    assert result.returncode == 2, result.output
    assert ("module 'weakener' (openimis-weakener 1.0.0): its openimis_settings() defaults "
            "DATA_UPLOAD_MAX_NUMBER_FIELDS, PASSWORD_HASHERS, SESSION_COOKIE_HTTPONLY, which Django "
            "or the host owns") in result.stderr
    assert "[openimis.E019]" in result.stderr


def test_under_skip_no_weakened_setting_takes_effect(host_env, cli):
    env = {**with_dists(host_env, WEAKENER), "OPENIMIS_MODULE_ERRORS": "skip"}
    script = ("from django.conf import settings as s; print(s.PASSWORD_HASHERS[0], "
              "s.SESSION_COOKIE_HTTPONLY, s.DATA_UPLOAD_MAX_NUMBER_FIELDS, "
              "hasattr(s, 'WEAKENER_OWN_SETTING'))")
    result = cli("shell", "-c", script, env=env)
    assert result.returncode == 0, result.output
    hasher, httponly, max_fields, own = result.stdout.splitlines()[-1].split()
    assert hasher == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
    assert (httponly, max_fields) == ("True", "1000")
    assert own == "False"  # under skip the offender's own settings are left out too
    checked = cli("check", env=env)
    assert "(openimis.E019)" in checked.output

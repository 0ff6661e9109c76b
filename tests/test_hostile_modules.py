"""Hostile modules, pip-installed, against the real CLI and gunicorn in PROD.

A module cannot take the host's login by naming its own field ``tokenAuth``
(conflicts are found by GraphQL name), and cannot weaken the host's settings
through ``openimis_settings()`` (DESIGN.md: settings a module may not touch),
the login lock-out (``AXES_*``) and static files (``WHITENOISE_*``) included.
"""

from __future__ import annotations

from conftest import build_dist, on_current_stack_only, with_dists
from production_support import call, login, migrate_and_create_user, prod, token_of

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


#: Turns the lock-out off for GraphQL logins and serves a folder of its choice at the site root.
UNLOCKER = build_dist("openimis-unlocker", "1.0.0", {
    "openimis_unlocker/__init__.py": "",
    "openimis_unlocker/plugin.py": """\
        import os

        from plugins_spec import hookimpl


        @hookimpl
        def openimis_settings():
            # Names the host itself does not set: before AXES_* and WHITENOISE_* were guarded
            # as families, these took effect.
            return {"AXES_ONLY_ADMIN_SITE": True, "WHITENOISE_ROOT": os.environ["UNLOCKER_ROOT"],
                    "UNLOCKER_OWN": 1}
        """,
}, module="unlocker", entry_point="openimis_unlocker.plugin")


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


@on_current_stack_only("module setting defaults")
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


def test_a_module_defaulting_axes_or_whitenoise_settings_is_refused_by_name(host_env, cli, tmp_path):
    env = {**with_dists(host_env, UNLOCKER), "UNLOCKER_ROOT": str(tmp_path)}
    result = cli("check", env=env)
    assert result.returncode == 2, result.output
    assert ("module 'unlocker' (openimis-unlocker 1.0.0): its openimis_settings() defaults "
            "AXES_ONLY_ADMIN_SITE, WHITENOISE_ROOT, which Django or the host owns; a module may "
            "not change them [openimis.E019]") in result.stderr
    assert "Traceback" not in result.stderr


def test_under_skip_the_lockout_stays_on_and_no_folder_is_served(host_env, cli, gunicorn, tmp_path):
    root = tmp_path / "exposed"
    root.mkdir()
    (root / "secrets.txt").write_text("db-password=hunter2")
    env = prod({**with_dists(host_env, UNLOCKER), "UNLOCKER_ROOT": str(root)},
               OPENIMIS_MODULE_ERRORS="skip", AXES_FAILURE_LIMIT="2")
    script = ("from django.conf import settings as s; print(getattr(s, 'AXES_ONLY_ADMIN_SITE', "
              "False), s.AXES_FAILURE_LIMIT, getattr(s, 'WHITENOISE_ROOT', None))")
    shown = cli("shell", "-c", script, env=env)
    assert shown.returncode == 0, shown.output
    assert shown.stdout.splitlines()[-1] == "False 2 None"
    migrate_and_create_user(env, tmp_path)
    server = gunicorn(env, workers=1)
    assert call("GET", server.url + "/secrets.txt").status == 404
    # The lock-out still counts GraphQL logins: the second failure locks the user out, and then
    # even the right password is refused.
    first = login(server, password="wrong").json()
    assert first["errors"][0]["extensions"]["code"] == "invalid_credentials", first
    assert login(server, password="wrong").status == 429
    locked = login(server)
    assert locked.status == 429, locked.body
    assert locked.json()["errors"][0]["extensions"]["code"] == "login_locked_out"

"""openIMIS's reference rows on a new database: languages and the system roles with their rights.

A database made by openIMIS's SQL scripts holds them (tblLanguages, tblRole with
``IsSystem``, tblRoleRight); one made from the models (``OPENIMIS_DATABASE=new``) does not,
and core needs them: every user's language is a foreign key into tblLanguages ("en" by
default), an administrator is a user with the system role 64 (core's ``is_imis_admin``,
which makes it a superuser with every right), and the modules' tests look those up.

They are made by a ``post_migrate`` handler of core, so ``openimis-host migrate`` and the
test runner's database get them the same way, and a table that already has rows is left
alone (a database from openIMIS's scripts, or one migrated before).

Where the rows come from, nothing copied into the host:

- the administrator: openIMIS's interactive user 1, "Admin", which core's user services
  expect, locked until ``createsuperuser --username Admin`` gives it a password;
- languages: core's default user language ("en", the default of its users and of its own
  test helper) and the host's LANGUAGE_CODE, named as Django names them;
- system roles: core's role definitions, read (not imported: they are test helpers that
  import other modules) from ``core/test_helpers.py``: each ``create_*_role`` function gives a
  role name, its ``is_system`` value and the permission names it holds; the names are turned
  into right ids through the installed modules' own ``DEFAULT_CFG``, as core does.
"""

from __future__ import annotations

import ast
import datetime
import importlib
import importlib.util
import logging

log = logging.getLogger("openimis_host")

#: core's default language for its users (core.models.TechnicalUser.language, test helpers).
CORE_LANGUAGE = "en"
#: core's administrator: the system role flag (``is_imis_admin``) and openIMIS's first user.
ADMIN_ROLE = 64
ADMIN_USER = "Admin"


def install() -> None:
    """Connect :func:`ensure` to the ``post_migrate`` signal of core's app."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    post_migrate.connect(ensure, sender=apps.get_app_config("core"),
                         dispatch_uid="openimis_host.legacy.reference_data")


def ensure(sender=None, using="default", verbosity=1, **kwargs) -> None:
    """Create the languages and the system roles where their tables are empty."""
    from core.models import Language, Role, RoleRight
    from django.db import connections, transaction

    tables = set(connections[using].introspection.table_names())
    if not {m._meta.db_table for m in (Language, Role, RoleRight)} <= tables:
        return  # a migrate before core's tables exist (`migrate auth`, the first step on a new one)
    with transaction.atomic(using=using):
        made = _languages(using) + _roles(using) + _administrator(using)
    if made and verbosity:
        log.info("openIMIS reference data on database %r: %s", using, "; ".join(made))


def _languages(using: str) -> list[str]:
    from core.models import Language
    from django.conf import settings
    from django.conf.locale import LANG_INFO

    if Language.objects.using(using).exists():
        return []
    codes = list(dict.fromkeys([CORE_LANGUAGE, settings.LANGUAGE_CODE.split("-")[0]]))
    for order, code in enumerate(codes, start=1):
        name = LANG_INFO.get(code, {}).get("name", code)
        Language.objects.using(using).create(code=code, name=name, sort_order=order)
    return [f"languages {', '.join(codes)}"]


def _roles(using: str) -> list[str]:
    from core.models import Role, RoleRight

    if Role.objects.using(using).exclude(is_system=0).exists():
        return []
    rights = permission_rights()
    now = datetime.datetime.now()
    made = []
    for name, is_system, perm_names in system_roles():
        role = Role.objects.using(using).create(name=name, is_system=is_system, is_blocked=False,
                                                audit_user_id=-1, validity_from=now)
        ids = sorted({int(r) for p in perm_names for r in rights.get(p, ())})
        RoleRight.objects.using(using).bulk_create(
            RoleRight(role=role, right_id=i, audit_user_id=-1, validity_from=now) for i in ids)
        made.append(f"{name} ({is_system}, {len(ids)} rights)")
    return [f"system roles {', '.join(made)}"] if made else []


def _administrator(using: str) -> list[str]:
    """openIMIS's first interactive user, "Admin", locked (no password), with the administrator
    role: core's user services bind their audit user to the interactive user 1
    (``create_or_update_interactive_user``). ``createsuperuser --username Admin`` opens it."""
    from core.apps import CoreConfig
    from core.models import InteractiveUser, Language, Role
    from core.services import create_or_update_user_roles

    if InteractiveUser.objects.using(using).exists():
        return []
    admin = Role.objects.using(using).filter(is_system=ADMIN_ROLE).order_by("id").first()
    language = Language.objects.using(using).filter(code=CORE_LANGUAGE).first()
    if admin is None or language is None:
        return []
    i_user = InteractiveUser(login_name=ADMIN_USER, last_name=ADMIN_USER, other_names=ADMIN_USER,
                             language=language, role_id=admin.id)
    i_user.password = CoreConfig.locked_user_password_hash or "locked"  # no hash matches it
    i_user.save(using=using)
    # No core User yet: core binds one to the interactive user 1 when it needs it (its user
    # services), and so do its test helpers, which would otherwise trip over it.
    create_or_update_user_roles(i_user, [admin.id], -1)
    return [f"user {ADMIN_USER} (locked: `createsuperuser --username {ADMIN_USER}` opens it)"]


def permission_rights() -> dict[str, list[str]]:
    """Permission name (``gql_query_locations_perms``) -> right ids, from the ``DEFAULT_CFG``
    (or ``DEFAULT_CONFIG``) of every installed openIMIS module's ``apps`` module."""
    from .installed import installed

    rights: dict[str, list[str]] = {}
    for name in installed():
        try:
            module = importlib.import_module(f"{name}.apps")
        except ImportError:
            continue
        config = getattr(module, "DEFAULT_CFG", None) or getattr(module, "DEFAULT_CONFIG", None)
        for key, value in _flat(config if isinstance(config, dict) else {}):
            if key.endswith("_perms") and isinstance(value, list):
                rights[key] = [str(v) for v in value]
    return rights


def _flat(config: dict, prefix: str = ""):
    for key, value in config.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value
            yield key, value  # core's flatten keeps the full key; names are looked up short


def system_roles() -> list[tuple[str, int, list[str]]]:
    """(name, is_system, permission names) of each system role core's test helpers define,
    in their order; a role whose ``is_system`` is 0 or not a literal is left out."""
    spec = importlib.util.find_spec("core.test_helpers")
    if spec is None or not spec.origin:
        return []
    with open(spec.origin, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    roles = []
    for function in tree.body:
        if not (isinstance(function, ast.FunctionDef) and function.name.startswith("create_")
                and function.name.endswith("_role")):
            continue
        role = _role(function)
        if role is not None and role[1]:
            roles.append(role)
    return roles


def _role(function: ast.FunctionDef):
    """(name, is_system, perm names) from ``return create_test_role(perm_names=..., name=...,
    is_system=...)`` and the literals the function gives those names."""
    call = next((node.value for node in function.body if isinstance(node, ast.Return)
                 and isinstance(node.value, ast.Call)
                 and getattr(node.value.func, "id", None) == "create_test_role"), None)
    if call is None:
        return None
    known = {}  # literals: the function's argument defaults, then its assignments
    args = function.args
    for arg, default in zip(args.args[len(args.args) - len(args.defaults):], args.defaults,
                            strict=True):
        known[arg.arg] = default
    for node in function.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            known[node.targets[0].id] = node.value
    values = {}
    positional = ("perm_names", "name", "is_system")
    for key, node in [*zip(positional, call.args, strict=False),
                      *((k.arg, k.value) for k in call.keywords)]:
        if isinstance(node, ast.Name):
            node = known.get(node.id, node)
        try:
            values[key] = ast.literal_eval(node)
        except ValueError:
            return None
    name, is_system = values.get("name"), values.get("is_system")
    perms = values.get("perm_names", [])
    if not isinstance(name, str) or not isinstance(is_system, int) or not isinstance(perms, list):
        return None
    return name, is_system, [p for p in perms if isinstance(p, str)]

"""The first openIMIS user: an administrator who logs in through core's tokenAuth.

With openIMIS's core, ``AUTH_USER_MODEL`` is ``core.User``, whose manager's
``create_superuser`` makes a *technical* user: core's tokenAuth does not accept it
("INCORRECT_CREDENTIALS") and it has no rights. openIMIS's people log in as
*interactive* users (``tblUsers``), and an administrator is one who holds the system role 64
("IMIS Administrator"), which gives every right (core's ``is_imis_admin``).
:func:`create_administrator` makes what core's own user services make: the interactive user
(language, password through core's ``set_password``: its rules, its per-user key), core's
``User`` bound to it, and the administrator role. The host's ``createsuperuser``
(legacy/accounts) calls it; ``changepassword`` needs nothing: core's ``User.set_password``
and ``save`` change and save the interactive user's password.

``createsuperuser --username Admin`` gives openIMIS's locked first user (reference data) its
password and the administrator role, as it does to any locked user (no password yet) of the
name given. The role and the language come from the reference data ``migrate`` makes
(:mod:`~openimis_host.legacy.reference_data`), or from openIMIS's own database scripts.
"""

from __future__ import annotations


def create_administrator(username: str, password: str | None, email: str | None = None,
                         using: str | None = None):
    """core's ``User`` for a new interactive user ``username`` who holds the administrator role."""
    from core.models import InteractiveUser, Language, Role, User
    from core.services import create_or_update_user_roles
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from .reference_data import ADMIN_ROLE, CORE_LANGUAGE

    admin = Role.objects.using(using).filter(is_system=ADMIN_ROLE, validity_to__isnull=True) \
        .order_by("id").first()
    if admin is None:
        raise ValidationError(f"the database has no administrator role (openIMIS system role "
                              f"{ADMIN_ROLE}): run `openimis-host migrate` first")
    if not password:
        raise ValidationError("openIMIS users log in with a password: give one (interactively, "
                              "or in DJANGO_SUPERUSER_PASSWORD with --noinput)")
    language = Language.objects.using(using).filter(code=CORE_LANGUAGE).first() or \
        Language.objects.using(using).order_by("sort_order", "code").first()
    i_user = InteractiveUser.objects.using(using).filter(login_name=username,
                                                         validity_to__isnull=True).first()
    if i_user is not None and not _locked(i_user):
        raise ValidationError(f"an openIMIS user named {username!r} already exists: choose "
                              "another username, or change its password with changepassword")
    with transaction.atomic(using=using):
        if i_user is None:
            i_user = InteractiveUser(login_name=username, last_name=username,
                                     other_names=username, email=email or None,
                                     language=language, role_id=admin.id)
        i_user.set_password(password)  # core's rules (PASSWORD_*), and its per-user key
        i_user.save(using=using)
        user = User.objects.using(using).filter(i_user=i_user).first() or \
            User(username=username, i_user=i_user)
        user.save(using=using)
        create_or_update_user_roles(i_user, [admin.id], -1)
    return user


def adoptable(username: str, using: str | None = None) -> bool:
    """Whether ``username`` is a locked interactive user (the reference data's "Admin"), whom
    createsuperuser gives a password rather than refusing the name as taken."""
    from core.models import InteractiveUser

    i_user = InteractiveUser.objects.using(using).filter(login_name=username,
                                                         validity_to__isnull=True).first()
    return i_user is not None and _locked(i_user)


def _locked(i_user) -> bool:
    """Whether no password can open ``i_user`` (core's lock marker, or none stored)."""
    from core.apps import CoreConfig

    return i_user.password in (CoreConfig.locked_user_password_hash or "locked", None, "")

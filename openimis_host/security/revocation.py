"""Tokens tied to the credential: a password change, ``revokeToken`` or a logout ends them.

A revocation ends the user's Django sessions too (the admin's): each session
keeps the token version it was opened at, and a session opened before the
revocation is ended on its next request (sessions.py).

Every token carries a ``cred`` claim: an HMAC, keyed with SECRET_KEY, of the
user's password hash and of the user's token version (``TokenVersion``, 0 when
the user has no row). A token is accepted only while its claim matches:

- a password change changes the hash, so every earlier token stops working;
- :func:`revoke` (the ``revokeToken`` mutation, and Django's ``user_logged_out``
  signal: the admin's logout) adds one to the version, which does the same.

Checking costs no extra query: the version is read by a subquery of the query
that loads the user (auth.py), and the HMAC takes about a microsecond.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast
from django.dispatch import Signal, receiver

from ..models import TokenVersion

#: The name of the claim.
CLAIM = "cred"


def credential(user, version: int) -> str:
    """The ``cred`` claim for ``user`` at token ``version``."""
    message = f"{user.password}\0{version}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode()


def matches(user, version: int | None, claim) -> bool:
    """Whether ``claim`` is the current credential of ``user`` (``version`` None: no row)."""
    return isinstance(claim, str) and hmac.compare_digest(claim, credential(user, version or 0))


def version_subquery(user_pk):
    """A subquery for the token version of the user ``user_pk``, to annotate the user query."""
    return Subquery(TokenVersion.objects.filter(user_pk=str(user_pk)).values("version")[:1])


def outer_version_subquery():
    """A subquery for the token version of each user of the query it annotates.

    Only where the database writes the primary key as ``str(pk)`` does (PostgreSQL, for a
    uuid or an integer key): ``user_pk`` holds that text."""
    return Subquery(TokenVersion.objects.filter(
        user_pk=Cast(OuterRef("pk"), output_field=CharField())).values("version")[:1])


def current_version(user) -> int:
    """The token version of ``user`` (0 without a row)."""
    return TokenVersion.objects.filter(user_pk=str(user.pk)).values_list(
        "version", flat=True).first() or 0


#: Sent by :func:`revoke` with ``user``: other logins end their own credentials of that user
#: (openIMIS's core: django-graphql-jwt's refresh tokens, legacy/revoke.py).
tokens_revoked = Signal()


def revoke(user) -> None:
    """Invalidate every token issued to ``user`` so far, and every Django session of it.

    Called by the host's ``revokeToken`` and ``revokeAllTokens``, ``openimis-host
    revoke_tokens``, Django's logout, and, with openIMIS's core, core's ``revokeToken`` and
    the frontend's ``deleteTokenCookie`` (legacy/revoke.py)."""
    row, _ = TokenVersion.objects.get_or_create(user_pk=str(user.pk))
    TokenVersion.objects.filter(pk=row.pk).update(version=F("version") + 1)
    tokens_revoked.send(sender=revoke, user=user)


@receiver(user_logged_out, dispatch_uid="openimis_host.revoke_tokens_on_logout")
def _revoke_on_logout(sender, request, user, **kwargs):
    if user is not None and user.pk is not None:
        revoke(user)

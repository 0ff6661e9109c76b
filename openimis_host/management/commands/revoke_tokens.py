"""``openimis-host revoke_tokens USERNAME``: log a user out everywhere.

Every token issued to the user so far stops working (the host's, and openIMIS
core's, which carry the same claim), every Django session of the user ends on its
next request, and core's refresh tokens are revoked: security/revocation.py. For
an operator who must end a user's access now (a stolen laptop, a departure); the
user can do the same for itself with the ``revokeAllTokens`` mutation.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...security.revocation import revoke


class Command(BaseCommand):
    """Revoke every token and session of one user."""

    help = "Revoke every token and Django session of the user USERNAME (log it out everywhere)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="the user's username (USERNAME_FIELD of the user model)")

    def handle(self, *args, username, **options):
        model = get_user_model()
        users = list(model._default_manager.filter(**{model.USERNAME_FIELD: username}))
        if not users:
            raise CommandError(f"no user with the username {username!r}: check the spelling "
                               "(usernames are case-sensitive)")
        for user in users:  # openIMIS keeps one row per user; a model may keep more
            revoke(user)
        self.stdout.write(f"revoked every token and session of {username!r}")

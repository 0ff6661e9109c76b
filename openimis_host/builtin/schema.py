"""The built-in module's GraphQL fields: the host's version, and the login."""

import graphene
from django.conf import settings

from .. import __version__
from ..security.graphql import RevokeAllTokens, RevokeToken, TokenAuth


class HostQuery(graphene.ObjectType):
    """Fields the host itself adds to the root Query."""

    openimis_host_version = graphene.String(description="The version of openimis-host.")

    @staticmethod
    def resolve_openimis_host_version(root, info):
        return __version__


class HostMutation(graphene.ObjectType):
    """Fields the host itself adds to the root Mutation."""

    if settings.HOST_TOKEN_AUTH:  # off when openIMIS's core brings the login (legacy/settings.py)
        token_auth = TokenAuth.Field(description="Log in: a JWT for a Django username and password.")
        revoke_token = RevokeToken.Field(description="Log out: revoke the caller's tokens.")
    revoke_all_tokens = RevokeAllTokens.Field(
        description="Log out everywhere: revoke the caller's tokens and end its sessions.")

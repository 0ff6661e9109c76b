"""The host's GraphQL mutations: ``tokenAuth(username, password)`` to log in, ``revokeToken`` to
log out, ``revokeAllTokens`` to log out everywhere (also with openIMIS's core, whose login
and ``revokeToken`` replace the host's)."""

from __future__ import annotations

import graphene
from django.contrib.auth import authenticate
from graphql import GraphQLError


class TokenAuth(graphene.Mutation):
    """Exchange a Django user's username and password for a JWT.

    Send the token as ``Authorization: Bearer <token>``. The response also sets
    it as the JWT cookie (HttpOnly, SameSite=Lax, Secure in PROD) for browsers.
    """

    class Arguments:
        username = graphene.String(required=True)
        password = graphene.String(required=True)

    token = graphene.String(required=True, description="The JWT.")
    exp = graphene.Int(required=True, description="When it expires, in seconds since the epoch.")

    @staticmethod
    def mutate(root, info, username, password):
        request = info.context
        user = authenticate(request, username=username, password=password)
        if user is None:
            # The same answer for an unknown user and a wrong password.
            raise GraphQLError("invalid username or password",
                               extensions={"code": "invalid_credentials"})
        from . import tokens  # PyJWT and cryptography: ~30 ms of boot, paid on first login

        token, exp = tokens.issue(user)
        request.openimis_jwt_cookie = token  # set on the response by the GraphQL view
        return TokenAuth(token=token, exp=exp)


class RevokeToken(graphene.Mutation):
    """Log out: every token issued to the calling user so far stops working.

    The caller is authenticated by its token (Bearer or cookie) as for any
    request; the JWT cookie is deleted. All of the user's tokens are revoked,
    on every device, not only the one sent: the host keeps no list of tokens.
    """

    revoked = graphene.Boolean(required=True, description="True: the tokens are revoked.")

    @staticmethod
    def mutate(root, info):
        request = info.context
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            raise GraphQLError("not logged in: send the token to revoke as Authorization: Bearer "
                               "<token> (or the JWT cookie)", extensions={"code": "not_authenticated"})
        from .revocation import revoke

        revoke(user)
        request.openimis_jwt_cookie = ""  # the GraphQL view deletes the cookie
        return RevokeToken(revoked=True)


class RevokeAllTokens(RevokeToken):
    """Log out everywhere: every token issued to the calling user so far stops working (the
    host's and openIMIS core's), every Django session of the user ends, and the JWT cookie
    is deleted.

    The host's ``revokeToken`` does the same; this name is also there when openIMIS's core
    brings its own ``revokeToken`` (legacy/revoke.py), and for an operator the command
    ``openimis-host revoke_tokens USERNAME`` does it for any user.
    """

    revoked = graphene.Boolean(required=True, description="True: the tokens and sessions are revoked.")

    @staticmethod
    def mutate(root, info):
        """Revoke every token and session of the logged-in user (refused to anonymous callers)."""
        RevokeToken.mutate(root, info)
        return RevokeAllTokens(revoked=True)

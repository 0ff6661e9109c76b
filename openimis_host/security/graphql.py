"""The host's GraphQL mutation for logging in: ``tokenAuth(username, password)``."""

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

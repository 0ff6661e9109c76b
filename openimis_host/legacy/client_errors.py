"""django-graphql-jwt's refusals are answers for the client, not server faults.

core's login mutations (``tokenAuth``, ``refreshToken``, ``verifyToken``,
``revokeToken``) and ``@login_required`` fields (``getCsrfToken``) refuse with
django-graphql-jwt's ``JSONWebTokenError`` ("Token is required", "Signature has
expired", "You do not have permission to perform this action"...). openIMIS's
frontend sends ``refreshToken`` without a token on every page load before its
login: an expected refusal. The GraphQL view treats its CLIENT_ERRORS as such
(message kept in PROD, nothing logged at ERROR); :func:`install` adds this one.
"""

from __future__ import annotations


def install() -> None:
    """Add ``graphql_jwt.exceptions.JSONWebTokenError`` to the view's client errors (once)."""
    from graphql_jwt.exceptions import JSONWebTokenError

    from .. import graphql_view

    if not issubclass(JSONWebTokenError, graphql_view.CLIENT_ERRORS):
        graphql_view.CLIENT_ERRORS = (*graphql_view.CLIENT_ERRORS, JSONWebTokenError)

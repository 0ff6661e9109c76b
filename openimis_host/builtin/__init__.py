"""The built-in module ``host``: the host's own GraphQL fields, contributed through the hooks.

Like datasette's default plugins, the host's own features go through the same
hooks and checks as any module's: a module that defines a field or type with
one of these GraphQL names is a conflict, reported like any other, and never
replaces the host's login.
"""

from __future__ import annotations

from plugins_spec import hookimpl

from .. import __version__
from ..host import Module

NAME = "host"


def module() -> Module:
    """The Module record of the built-in module (discovery puts it first)."""
    import sys

    return Module(name=NAME, distribution="openimis-host", version=__version__, source="built-in",
                  plugin=sys.modules[__name__], builtin=True,
                  summary=("The host's own GraphQL fields: its version, the login (tokenAuth) "
                           "and logout (revokeToken, revokeAllTokens)."))


@hookimpl
def openimis_graphql_query():
    from .schema import HostQuery

    return HostQuery


@hookimpl
def openimis_graphql_mutation():
    from .schema import HostMutation

    return HostMutation


@hookimpl
def openimis_public_graphql_fields():
    """The version (clients compare it; it names no one) and the host's login, when it is
    the login in use. revokeToken too: it refuses an anonymous caller itself, with a
    message about the token it expected."""
    from django.conf import settings

    login = ["tokenAuth", "revokeToken"] if settings.HOST_TOKEN_AUTH else []
    return ["openimisHostVersion", *login]

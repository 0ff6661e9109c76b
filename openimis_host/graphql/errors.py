"""What the client reads and what the log says about each error of a GraphQL result.

Three kinds, told apart by the exception a resolver raised:

- a refusal, expected in normal use (no permission, not logged in, wrong
  credentials): the client reads its own message with ``extensions.code``
  (``permission_denied``, or DRF's code, unless it has one), and the log gets one INFO line
  naming the field, without a traceback;
- another error written for the client (a GraphQLError, Django's
  ValidationError, a DRF APIException): passed through, not logged;
- anything else is a fault: logged at ERROR with its traceback (and so reaches
  Sentry); in PROD its message is replaced by "internal server error".

openIMIS's modules refuse in three ways: Django's PermissionDenied,
graphql_jwt's PermissionDenied (its ``login_required`` decorators) and the
built-in ``PermissionError("Unauthorized")``. The last one is a refusal only
without an ``errno``: with one it is the operating system refusing a file, a fault.

With introspection off (PROD's default), "Did you mean ...?" hints are removed
from every message, execution errors included (graphql-core 3 puts them in its
variable errors), as they would reveal the schema name by name.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework import exceptions as drf

from .limits import hide_suggestions
from .stack import GraphQLError, with_message

log = logging.getLogger("openimis_host.graphql")

#: Exceptions whose message is written for the client.
# DRF's APIException: e.g. openIMIS core's AuthenticationFailed("INCORRECT_CREDENTIALS").
CLIENT_ERRORS = (GraphQLError, ValidationError, PermissionDenied, drf.APIException)
#: Refusals of the caller, expected in normal use: logged in one line, not as faults.
REFUSALS: tuple[type[BaseException], ...] = (PermissionDenied, drf.PermissionDenied,
                                             drf.NotAuthenticated, drf.AuthenticationFailed)
try:  # graphql_jwt comes with openIMIS's core (the legacy extra), not with the host
    from graphql_jwt.exceptions import JSONWebTokenError as _JWTError
    from graphql_jwt.exceptions import PermissionDenied as _JWTPermissionDenied

    REFUSALS += (_JWTPermissionDenied,)
    # Its other refusals ("Token is required": openIMIS's frontend sends refreshToken without
    # a token on every page load before its login; "Signature has expired") are answers too.
    CLIENT_ERRORS += (_JWTError,)
except ImportError:
    pass
#: ``extensions.code`` of the host's own GraphQLErrors that are refusals.
REFUSAL_CODES = frozenset({"invalid_credentials", "not_authenticated", "permission_denied",
                           "authentication_required"})


def is_refusal(original: BaseException | None, error: GraphQLError) -> bool:
    """Whether ``error`` (raised as ``original``) refuses the caller rather than reports a fault."""
    if isinstance(original, REFUSALS):
        return True
    if isinstance(original, PermissionError) and original.errno is None:  # openIMIS's "Unauthorized"
        return True
    code = (getattr(error, "extensions", None) or {}).get("code")
    return isinstance(original, GraphQLError) and code in REFUSAL_CODES


def reported(request, error: GraphQLError) -> GraphQLError:
    """``error`` as the client gets it, logged as its kind requires (see the module docstring)."""
    original = getattr(error, "original_error", None)
    if original is not None:
        error = _classified(request, error, original)
    if not settings.GRAPHQL_INTROSPECTION:
        error = hide_suggestions([error])[0]
    return error


def _classified(request, error: GraphQLError, original: BaseException) -> GraphQLError:
    field = ".".join(map(str, error.path or [])) or "(none)"
    if is_refusal(original, error):
        user = getattr(request, "user", None)
        who = f"user {user.pk}" if user is not None and user.is_authenticated else "anonymous"
        log.info("GraphQL field %s refused to %s: %s", field, who,
                 " ".join(str(error.message).split())[:200])
        extensions = dict(getattr(error, "extensions", None) or {})
        if "code" not in extensions:
            # DRF's own codes (authentication_failed, not_authenticated...), else the generic one.
            extensions["code"] = getattr(original, "default_code", None) or "permission_denied"
            return with_message(error, error.message, extensions)
        return error
    if isinstance(original, CLIENT_ERRORS):
        return error
    log.error("unexpected exception in GraphQL field %s", field,
              exc_info=(type(original), original, original.__traceback__))
    if settings.DEBUG:
        return error
    return with_message(error, "internal server error", extensions={"code": "server_error"})

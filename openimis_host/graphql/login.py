"""Login by default on ``/graphql``: without a logged-in user, only the public root fields.

openIMIS declares some queries with an empty permission list (``claimAdmins``,
``diagnoses``...), so an anonymous request would read them. With
``GRAPHQL_LOGIN_REQUIRED`` (the default in PROD) a request whose user is not
logged in may select only root fields that a module declares public
(``openimis_public_graphql_fields``, ``assembly/public.py``) or that the operator
adds with ``GRAPHQL_PUBLIC_FIELDS``. The meta-fields are left to their own rule:
``__typename`` names a type, and ``__schema``/``__type`` are governed by
``GRAPHQL_INTROSPECTION`` alone (off in PROD), which refuses them to everyone.

The refusal is of the whole request, before any resolver runs: one error,
"authentication required", and no ``data`` at all, so nothing of a public field
next to a private one leaks either. It is decided on the document's root fields as
written (fragments followed; ``@skip``/``@include`` not evaluated, so a field that
is skipped still needs a login), and it comes before the validation errors: an
anonymous client cannot map the private part of the schema through them.

A field is public on its root type only (``Query.passwordPolicy`` says nothing of a
``Mutation.passwordPolicy``). A logged-in request costs one attribute check; an
anonymous one a walk over the root selection sets, which are small (GRAPHQL_MAX_ROOT_FIELDS).
"""

from __future__ import annotations

from django.conf import settings

from ..host import get_host
from .stack import FieldNode, FragmentDefinitionNode, GraphQLError, InlineFragmentNode

#: Meta-fields, not data: introspection has its own switch (GRAPHQL_INTROSPECTION).
ALWAYS_PUBLIC = frozenset({"__typename", "__schema", "__type"})

MESSAGE = ("authentication required: log in first (the tokenAuth mutation), then send the token "
           "as Authorization: Bearer <token> or the JWT cookie")


def refusal(request, document) -> GraphQLError | None:
    """The error refusing ``document`` to ``request``'s user, or None if it may run."""
    if not settings.GRAPHQL_LOGIN_REQUIRED:
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return None
    public = get_host().public_fields
    if all(name in ALWAYS_PUBLIC or (root, name) in public for root, name in root_fields(document)):
        return None
    return GraphQLError(MESSAGE, extensions={"code": "authentication_required"})


def root_fields(document) -> set[tuple[str, str]]:
    """``(root type, field name)`` of the root fields every operation of ``document`` selects.

    The root type counts: a field is public on the root it was declared on, so a module's
    Mutation ``claimAdmins`` opens nothing of another module's Query ``claimAdmins``. Names,
    not aliases; a fragment's fields are on the root of the operation that spreads it.
    """
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    found: set[tuple[str, str]] = set()
    seen: set[tuple[str, str]] = set()  # fragments walked per root: cycles and repeats cost nothing
    stack = [(_root(d), d.selection_set) for d in document.definitions
             if not isinstance(d, FragmentDefinitionNode) and getattr(d, "selection_set", None)]
    while stack:
        root, selection_set = stack.pop()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found.add((root, selection.name.value))
            elif isinstance(selection, InlineFragmentNode):
                stack.append((root, selection.selection_set))
            elif (root, selection.name.value) not in seen:  # a fragment spread
                seen.add((root, selection.name.value))
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    stack.append((root, fragment.selection_set))
    return found


def _root(operation) -> str:
    """``"Query"``, ``"Mutation"`` or ``"Subscription"`` for an operation definition."""
    kind = getattr(operation, "operation", None)
    kind = getattr(kind, "value", kind)  # graphql-core 3: an enum; 2: the string itself
    return str(kind or "query").capitalize()

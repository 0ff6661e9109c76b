"""``openimis_public_graphql_fields`` -> the root fields anonymous requests may reach.

In PROD (``GRAPHQL_LOGIN_REQUIRED``) the GraphQL view refuses a request without a
logged-in user that selects any root field outside this set (``graphql/login.py``).
A module may list only root fields it contributes itself: otherwise any installed
module could open another module's data (openIMIS's ``claimAdmins``, say) to strangers.
Each name is public on the root type the module declares it on, never on the other: a
module's Mutation ``claimAdmins`` must not open openIMIS's Query ``claimAdmins``.
The operator's ``GRAPHQL_PUBLIC_FIELDS`` is added as given (``Query.name``,
``Mutation.name``, or a bare name for both roots): that is the operator's call.
"""

from __future__ import annotations

from django.conf import settings

from .graphql import ROOTS, field_names

HOOK = "openimis_public_graphql_fields"
HOOKS = (HOOK,)


def _check(value) -> str | None:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        return "expected a list of GraphQL field names (strings)"
    return None


def own_fields(module) -> set[tuple[str, str]]:
    """``(root type, GraphQL name)`` of the root Query and Mutation fields ``module`` contributes."""
    return {(root, name) for hook, root in ROOTS.items() if module.results.get(hook)
            for name in field_names(module.results[hook])}


def opened(names, own: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """What a module's list of ``names`` opens: each name on the roots the module declares it on."""
    return {(root, name) for root, name in own if name in names}


def _operator_fields(names) -> set[tuple[str, str]]:
    roots = tuple(ROOTS.values())
    found = set()
    for entry in names:
        root, _, name = entry.rpartition(".")
        found |= {(root, name)} if root in roots else {(r, entry) for r in roots}
    return found


def collect(host) -> None:
    """Call the hook of each loaded module; fail a module that lists a field not its own.

    Runs after ``graphql.collect``, so each module's root types are known.
    """
    for name, fields in host.collect(HOOK, _check).items():
        module = host.get(name)
        foreign = sorted(set(fields) - {name for _, name in own_fields(module)})
        if foreign:
            host.fail(module, "openimis.E022",
                      f"its openimis_public_graphql_fields() lists {', '.join(foreign)}, which "
                      "its own GraphQL Query and Mutation do not define; a module may open only "
                      "its own fields to anonymous requests",
                      "list only the GraphQL names of your own root fields (an operator opens "
                      "other fields with GRAPHQL_PUBLIC_FIELDS; see docs/security.md)")


def apply(host) -> None:
    """The Host's ``public_fields``: every loaded module's list, each on its own roots, plus
    ``GRAPHQL_PUBLIC_FIELDS``."""
    public = set()
    for module, fields in host.results(HOOK):
        public |= opened(set(fields), own_fields(module))
    host.public_fields = frozenset(public | _operator_fields(settings.GRAPHQL_PUBLIC_FIELDS))


def show(hook, result, module):
    """The ``modules`` listing's entry: the module's public field names."""
    return "public_graphql_fields", sorted(result)

"""``openimis_graphql_query`` / ``_mutation`` / ``_types`` -> one graphene schema.

Fields are copied into fresh root types rather than inherited: with multiple
inheritance a duplicate field silently shadows another, and modules whose
query classes subclass each other would break the MRO. Conflicts are found
per module first, so the message can name who clashes with whom.
"""

from __future__ import annotations

import graphene
from graphene.utils.str_converters import to_camel_case
from graphql import validate_schema

from .. import __version__
from ..errors import HostError
from ..modules import LOADED
from ..security.graphql import RevokeToken, TokenAuth

#: The schema of this process, set by :func:`build` (graphene-django's SCHEMA setting).
schema: graphene.Schema | None = None

ROOTS = {"openimis_graphql_query": "Query", "openimis_graphql_mutation": "Mutation"}


class HostQuery(graphene.ObjectType):
    """Fields the host itself adds to the root Query."""

    openimis_host_version = graphene.String(description="The version of openimis-host.")

    @staticmethod
    def resolve_openimis_host_version(root, info):
        return __version__


class HostMutation(graphene.ObjectType):
    """Fields the host itself adds to the root Mutation."""

    token_auth = TokenAuth.Field(description="Log in: a JWT for a Django username and password.")
    revoke_token = RevokeToken.Field(description="Log out: revoke the caller's tokens.")


def _field_names(object_type) -> list[str]:
    """Field names as the schema shows them (graphene camel-cases them by default)."""
    return [to_camel_case(name) for name in object_type._meta.fields]


def _is_object_type(value) -> str | None:
    if isinstance(value, type) and issubclass(value, graphene.ObjectType):
        return None
    return "expected a graphene.ObjectType subclass"


def _is_type_list(value) -> str | None:
    if isinstance(value, (list, tuple)) and all(
        isinstance(t, type) and hasattr(t, "_meta") for t in value
    ):
        return None
    return "expected a list of graphene types"


def _named_types(roots) -> dict[str, type]:
    """Every named graphene type reachable from ``roots`` (the roots' own names excluded)."""
    found: dict[str, type] = {}
    stack = []
    for root in roots:
        stack += _children(root)
    while stack:
        kind = stack.pop()
        while hasattr(kind, "of_type"):  # List / NonNull
            kind = kind.of_type
        meta = getattr(kind, "_meta", None)
        if not isinstance(kind, type) or meta is None or meta.name in found:
            continue
        found[meta.name] = kind
        stack += _children(kind)
    return found


def _children(kind) -> list:
    meta = kind._meta
    out = list(getattr(meta, "interfaces", ()) or ()) + list(getattr(meta, "types", ()) or ())
    for field in (getattr(meta, "fields", None) or {}).values():
        out.append(field.type)
        out += [arg.type for arg in (getattr(field, "args", None) or {}).values()]
    return out


def collect(host) -> None:
    """Call the GraphQL hooks of each loaded module; refuse fields and type names taken."""
    # The host's own fields and types are reserved (owner None).
    field_owner = {"Query": dict.fromkeys(_field_names(HostQuery), None),
                   "Mutation": dict.fromkeys(_field_names(HostMutation), None)}
    type_owner: dict[str, tuple] = {name: (None, kind) for name, kind
                                    in _named_types([HostQuery, HostMutation]).items()}
    for module in host.loaded:
        results = {hook: host.call(module, hook, _is_object_type) for hook in ROOTS}
        types = host.call(module, "openimis_graphql_types", _is_type_list) or []
        if module.status != LOADED:
            continue
        try:
            named = _named_types([r for r in results.values() if r] + [_Holder(types)])
        except Exception as exc:  # a lazy field type that fails to import
            host.fail(module, f"its GraphQL types cannot be resolved: {type(exc).__name__}: {exc}",
                      "fix the field type references in its schema")
            continue
        problem = _clash(module, results, named, field_owner, type_owner)
        if problem:
            host.fail(module, *problem)
            continue
        for hook, root in ROOTS.items():
            if results[hook]:
                fields = _field_names(results[hook])
                field_owner[root].update(dict.fromkeys(fields, module))
                module.contributions[f"graphql_{root.lower()}"] = fields
        for name, kind in named.items():
            type_owner.setdefault(name, (module, kind))
        if types:
            module.contributions["graphql_types"] = [t._meta.name for t in types]
        module.results.update({k: v for k, v in results.items() if v}, openimis_graphql_types=types)


class _Holder:
    """Lets a plain list of types be walked like the fields of a root type."""

    def __init__(self, types):
        self._meta = type("meta", (), {"types": types, "name": None})


def _clash(module, results, named, field_owner, type_owner):
    for hook, root in ROOTS.items():
        for field in (_field_names(results[hook]) if results[hook] else []):
            if field in field_owner[root]:
                other = field_owner[root][field]
                who = f"module '{other.name}' ({other.distribution})" if other else "the host"
                return (f"its GraphQL {root} field '{field}' is already defined by {who}",
                        f"rename the field, e.g. prefix it with '{module.name}'")
    for name, kind in named.items():
        if name in ROOTS.values():
            return (f"it defines a GraphQL type named '{name}', the name of a root type",
                    "rename the type (set class Meta: name = ...)")
        if name in type_owner and type_owner[name][1] is not kind:
            other = type_owner[name][0]
            who = f"module '{other.name}' ({other.distribution})" if other else "the host"
            return (f"its GraphQL type '{name}' ({kind.__module__}.{kind.__qualname__}) has the "
                    f"same name as a type of {who}",
                    "rename one of them (class Meta: name = ...), or reuse the other module's type")
    return None


def _root(name: str, classes) -> type | None:
    attrs = {}
    for cls in classes:
        for field_name, field in cls._meta.fields.items():
            attrs[field_name] = field
            resolver = getattr(cls, f"resolve_{field_name}", None)
            if resolver is not None:
                attrs[f"resolve_{field_name}"] = staticmethod(resolver)
    return type(name, (graphene.ObjectType,), attrs) if attrs else None


def _schema(modules) -> graphene.Schema:
    query = _root("Query", [HostQuery] + [m.results["openimis_graphql_query"] for m in modules
                                          if "openimis_graphql_query" in m.results])
    mutation = _root("Mutation", [HostMutation] + [m.results["openimis_graphql_mutation"]
                                                   for m in modules
                                                   if "openimis_graphql_mutation" in m.results])
    types = [t for m in modules for t in m.results.get("openimis_graphql_types", [])]
    built = graphene.Schema(query=query, mutation=mutation, types=types or None)
    errors = validate_schema(built.graphql_schema)
    if errors:
        raise TypeError("; ".join(e.message for e in errors))
    return built


def build(host) -> graphene.Schema:
    """Merge every loaded module's contributions into the process schema.

    If the merged schema is invalid, each module's part is built alone to find
    the culprit, so the error names a module rather than a graphene traceback.
    """
    global schema
    try:
        schema = _schema(host.loaded)
    except Exception as merged_error:
        for module in host.loaded:
            try:
                _schema([module])
            except Exception as exc:
                host.fail(module, f"its GraphQL schema is invalid: {type(exc).__name__}: {exc}",
                          "fix the types its GraphQL hooks return")
        host.settle()
        try:
            schema = _schema(host.loaded)
        except Exception:
            raise HostError(f"the merged GraphQL schema is invalid and no single module "
                            f"explains it: {merged_error}") from None
    return schema

"""``openimis_graphql_query`` / ``_mutation`` / ``_types`` -> one graphene schema.

Fields are copied into fresh root types rather than inherited: with multiple
inheritance a duplicate field silently shadows another, and modules whose
query classes subclass each other would break the MRO. Conflicts are found
per module first, so the message can name who clashes with whom.
"""

from __future__ import annotations

import copy
from types import SimpleNamespace

import graphene
from graphene.utils.str_converters import to_camel_case

from ..discovery import hints
from ..errors import HostError
from ..graphql.stack import schema_errors
from ..host import get_host

ROOTS = {"openimis_graphql_query": "Query", "openimis_graphql_mutation": "Mutation"}
HOOKS = (*ROOTS, "openimis_graphql_types")


def __getattr__(name):
    # graphene-django's SCHEMA setting names "openimis_host.assembly.graphql.schema":
    # the schema lives on the Host, not in a global of this file.
    if name == "schema":
        return get_host().schema
    raise AttributeError(name)


def graphql_name(attr: str, field) -> str:
    """A field's name as the schema shows it: its ``name=``, else the camel-cased attribute."""
    return getattr(field, "name", None) or to_camel_case(attr)


def field_names(object_type) -> list[str]:
    """The GraphQL names of a root type's fields (what clients and the schema see)."""
    return [graphql_name(attr, field) for attr, field in object_type._meta.fields.items()]


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
    """Call the GraphQL hooks of each loaded module; refuse GraphQL names already taken.

    Names are compared as the schema shows them (a field's ``name=``, a type's
    ``Meta.name``), not as Python attributes, so no module can replace another's
    field, or the host's login, by naming its own the same.
    """
    results = {hook: host.collect(hook, _is_object_type) for hook in ROOTS}
    types = host.collect("openimis_graphql_types", _is_type_list)
    field_owner: dict[str, dict] = {"Query": {}, "Mutation": {}}
    type_owner: dict[str, tuple] = {}
    for module in host.loaded:
        mine = {hook: results[hook].get(module.name) for hook in ROOTS}
        extra = types.get(module.name) or []
        if not any(mine.values()) and not extra:
            continue
        try:
            named = _named_types([r for r in mine.values() if r] + [_Holder(extra)])
        except Exception as exc:  # a lazy field type that fails to import
            host.fail(module, "openimis.E016",
                      f"its GraphQL types cannot be resolved: {type(exc).__name__}: {exc}",
                      "fix the field type references in its schema")
            continue
        problem = _clash(module, mine, named, field_owner, type_owner)
        while problem and problem[0] is not module:
            # An earlier module took a field that carries this module's name: that one changes.
            culprit = problem[0]
            host.fail(*problem)
            for owners in (*field_owner.values(), type_owner):
                for name in [n for n, o in owners.items() if (o[0] if isinstance(o, tuple) else o)
                             is culprit]:
                    del owners[name]
            problem = _clash(module, mine, named, field_owner, type_owner)
        if problem:
            host.fail(*problem)
            continue
        for hook, root in ROOTS.items():
            if mine[hook]:
                field_owner[root].update(dict.fromkeys(field_names(mine[hook]), module))
        for name, kind in named.items():
            type_owner.setdefault(name, (module, kind))


def show(hook, result, module):
    if hook == "openimis_graphql_types":
        return "graphql_types", [t._meta.name for t in result]
    return f"graphql_{ROOTS[hook].lower()}", field_names(result)


class _Holder:
    """Lets a plain list of types be walked like the fields of a root type."""

    def __init__(self, types):
        self._meta = SimpleNamespace(types=types, name=None)  # not a class per module: boot time


def _clash(module, results, named, field_owner, type_owner):
    """(module to change, id, what, fix) for the first name ``module`` shares; None if none."""
    for hook, root in ROOTS.items():
        for field in (field_names(results[hook]) if results[hook] else []):
            owner = field_owner[root].get(field)
            if owner is None:
                continue
            # The module to change: the one whose name the field does not carry, else the
            # one installed last (it brought the clash), else the later in module order.
            mine, theirs = _claim(module, field), _claim(owner, field)
            if not owner.builtin and (mine > theirs or mine == theirs
                                      and hints.installed_later(owner, module)):
                other = f"module '{module.name}' ({module.distribution} {module.version})"
                return (owner, "openimis.E014",
                        f"its GraphQL {root} field '{field}' carries the name of {other}, which "
                        "defines it too" if mine > theirs else
                        f"its GraphQL {root} field '{field}' is also defined by {other}, "
                        "installed before it",
                        f"rename the field in {owner.distribution or owner.name}, e.g. to "
                        f"'{_prefixed(owner, field)}'")
            return (module, "openimis.E014",
                    f"its GraphQL {root} field '{field}' is already defined by {_who(owner)}",
                    f"rename the field in {module.distribution or module.name}, e.g. to "
                    f"'{_prefixed(module, field)}'")
    for name, kind in named.items():
        if name in ROOTS.values():
            return (module, "openimis.E015",
                    f"it defines a GraphQL type named '{name}', the name of a root type",
                    "rename the type (set class Meta: name = ...)")
        if name in type_owner and type_owner[name][1] is not kind:
            return (module, "openimis.E015",
                    f"its GraphQL type '{name}' ({kind.__module__}.{kind.__qualname__}) has the "
                    f"same name as a type of {_who(type_owner[name][0])}",
                    "rename one of them (class Meta: name = ...), or reuse the other module's type")
    return None


def _claim(module, field: str) -> int:
    """How much of ``field`` is ``module``'s name (wardItems: 4 for ward), 0 if it does not start so."""
    prefix = to_camel_case(module.name)
    rest = field[len(prefix):]
    return len(prefix) if field.startswith(prefix) and (not rest or not rest[0].islower()) else 0


def _prefixed(module, field: str) -> str:
    """``field`` with ``module``'s name in front, as the scaffold names fields (wardTwin)."""
    return to_camel_case(module.name) + field[:1].upper() + field[1:]


def _who(module) -> str:
    if module.builtin:
        return f"the host (built-in module '{module.name}')"
    return f"module '{module.name}' ({module.distribution} {module.version})"


def _root(name: str, classes) -> type | None:
    """A fresh root type with every field of ``classes``, each keyed by its GraphQL name.

    Keying by the GraphQL name (and setting it on a copy of the field) keeps two
    fields apart whose Python attributes happen to share a name.
    """
    attrs = {}
    for cls in classes:
        for attr, field in cls._meta.fields.items():
            key = graphql_name(attr, field)
            attrs[key] = copy.copy(field)
            attrs[key].name = key
            resolver = getattr(cls, f"resolve_{attr}", None)
            if resolver is not None:
                attrs[f"resolve_{key}"] = staticmethod(resolver)
    return type(name, (graphene.ObjectType,), attrs) if attrs else None


def _schema(modules) -> graphene.Schema:
    def part(hook):
        return [m.results[hook] for m in modules if hook in m.results]

    query = _root("Query", part("openimis_graphql_query"))
    mutation = _root("Mutation", part("openimis_graphql_mutation"))
    types = [t for kinds in part("openimis_graphql_types") for t in kinds]
    built = graphene.Schema(query=query, mutation=mutation, types=types or None)
    errors = schema_errors(built)
    if errors:
        raise TypeError("; ".join(errors))
    return built


def apply(host) -> None:
    """Merge every loaded module's contributions into the Host's ``schema``.

    If the merged schema is invalid, each module's part is built alone to find
    the culprit, so the error names a module rather than a graphene traceback.
    """
    try:
        host.schema = _schema(host.loaded)
        return
    except Exception as merged_error:
        error = merged_error
    builtin = [m for m in host.loaded if m.builtin]
    for module in host.loaded:
        if module.builtin:
            continue
        try:
            _schema(builtin + [module])
        except Exception as exc:
            host.fail(module, "openimis.E016", f"its GraphQL schema is invalid: {type(exc).__name__}: {exc}",
                      "fix the types its GraphQL hooks return")
    host.settle()
    try:
        host.schema = _schema(host.loaded)
    except Exception:
        raise HostError(f"the merged GraphQL schema is invalid and no single module "
                        f"explains it: {error}") from None

"""openimis-be_py's by-name conventions as hooks: openimis_host.legacy.plugin."""

import graphene

from openimis_host.legacy.plugin import _object_type


class PlainQuery:
    """A module's Query written as a plain class, as openIMIS's workflow 1.1 writes it."""

    workflow = graphene.String(name=graphene.String())

    def resolve_workflow(self, info, name=None):
        return f"workflow {name}"


def test_a_plain_query_class_becomes_the_object_type_openimis_inheritance_would_make():
    query = _object_type(PlainQuery)
    assert issubclass(query, graphene.ObjectType) and issubclass(query, PlainQuery)
    result = graphene.Schema(query=query).execute('{ workflow(name: "w") }')
    assert result.errors is None and result.data == {"workflow": "workflow w"}


def test_an_object_type_is_left_as_it_is():
    class Query(graphene.ObjectType):
        ping = graphene.String()

    assert _object_type(Query) is Query

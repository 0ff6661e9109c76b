"""The GraphQL endpoint's extra validation rules, on a small schema, in-process."""

from __future__ import annotations

import graphene
import pytest

from openimis_host.graphql.limits import hide_suggestions, max_depth_rule
from openimis_host.graphql.stack import parse, validate


class Node(graphene.ObjectType):
    name = graphene.String()
    child = graphene.Field(lambda: Node)


class Query(graphene.ObjectType):
    root = graphene.Field(Node)


SCHEMA = graphene.Schema(query=Query)


def nested(depth: int) -> str:
    return "{ root " + "{ child " * (depth - 2) + "{ name }" + " }" * (depth - 2) + " }"


@pytest.mark.parametrize("depth,allowed", [(3, True), (5, True), (6, False), (40, False)])
def test_operations_deeper_than_the_limit_are_refused_with_a_code(depth, allowed):
    errors = validate(SCHEMA, parse(nested(depth)), [max_depth_rule(5)])
    assert (not errors) is allowed
    if not allowed:
        assert errors[0].extensions["code"] == "max_depth_exceeded"
        assert f"nested {depth} levels deep; the limit is 5" in errors[0].message


def test_fragments_count_where_they_are_spread():
    query = "{ root { ...F } } fragment F on Node { child { child { name } } }"
    assert validate(SCHEMA, parse(query), [max_depth_rule(3)])
    assert not validate(SCHEMA, parse(query), [max_depth_rule(4)])


def test_a_cyclic_fragment_does_not_crash_the_depth_rule():
    query = "{ root { ...F } } fragment F on Node { child { ...F } }"
    validate(SCHEMA, parse(query), [max_depth_rule(5)])


def test_suggestions_are_hidden_from_errors():
    errors = validate(SCHEMA, parse("{ root { nam } }"))
    assert "Did you mean" in errors[0].message
    assert "Did you mean" not in hide_suggestions(errors)[0].message

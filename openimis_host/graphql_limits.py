"""Validation rules the GraphQL endpoint adds to the standard ones: a depth limit, no introspection.

Both are fixed for the life of the process (settings), so the view's cache of
validated documents stays correct.
"""

from __future__ import annotations

import re

from django.conf import settings

from .graphql_stack import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    InlineFragmentNode,
    NoSchemaIntrospectionCustomRule,
    ValidationRule,
    specified_rules,
    with_message,
)


def validation_rules() -> list[type[ValidationRule]]:
    """graphql-core's rules plus GRAPHQL_MAX_DEPTH and, when off, GRAPHQL_INTROSPECTION."""
    rules = list(specified_rules)
    if settings.GRAPHQL_MAX_DEPTH:
        rules.append(max_depth_rule(settings.GRAPHQL_MAX_DEPTH))
    if not settings.GRAPHQL_INTROSPECTION:
        # Refuses __schema and __type, but not __typename, which clients add everywhere.
        rules.append(NoIntrospectionRule)
    return rules


class NoIntrospectionRule(NoSchemaIntrospectionCustomRule):
    """graphql-core's rule, its errors marked ``extensions.code = "introspection_disabled"``."""

    def report_error(self, error: GraphQLError) -> None:
        error.extensions = {**(error.extensions or {}), "code": "introspection_disabled"}
        super().report_error(error)


SUGGESTION = re.compile(r" Did you mean .*\?$")


def hide_suggestions(errors: list[GraphQLError]) -> list[GraphQLError]:
    """The errors without "Did you mean 'name'?" hints, which would reveal the schema field
    by field to a client that introspection is refused to."""
    return [with_message(e, SUGGESTION.sub("", e.message)) if SUGGESTION.search(e.message) else e
            for e in errors]


def max_depth_rule(limit: int) -> type[ValidationRule]:
    """A rule refusing operations whose fields nest deeper than ``limit``.

    ``{ insurees { name } }`` is 2 deep. Fragments count where they are spread.
    Unknown and cyclic fragments count as 0 here: the standard rules report them.
    """

    class MaxDepthRule(ValidationRule):
        def enter_operation_definition(self, node, *_args):
            fragments = {d.name.value: d for d in self.context.document.definitions
                         if isinstance(d, FragmentDefinitionNode)}
            try:
                depth = _Depth(fragments).of(node.selection_set)
            except RecursionError:
                depth = None
            if depth is None or depth > limit:
                name = f"operation '{node.name.value}'" if node.name else "the operation"
                found = f"{depth} levels" if depth is not None else "too"
                self.report_error(GraphQLError(
                    f"{name} is nested {found} deep; the limit is {limit}", node,
                    extensions={"code": "max_depth_exceeded"}))
            return False  # nothing below an operation needs this rule

    return MaxDepthRule


class _Depth:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]):
        self.fragments = fragments
        self.memo: dict[str, int] = {}  # a fragment's depth does not depend on where it is spread
        self.visiting: set[str] = set()

    def of(self, selection_set) -> int:
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                depth = 1 + (self.of(selection.selection_set) if selection.selection_set else 0)
            elif isinstance(selection, InlineFragmentNode):
                depth = self.of(selection.selection_set)
            else:
                depth = self.fragment(selection.name.value)
            deepest = max(deepest, depth)
        return deepest

    def fragment(self, name: str) -> int:
        if name not in self.memo:
            node = self.fragments.get(name)
            if node is None or name in self.visiting:
                return 0
            self.visiting.add(name)
            self.memo[name] = self.of(node.selection_set)
            self.visiting.discard(name)
        return self.memo[name]

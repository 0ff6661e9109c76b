"""What the GraphQL endpoint refuses beyond the standard rules: cost, depth, introspection.

Before any of these, the request's size: DATA_UPLOAD_MAX_MEMORY_SIZE bounds the body,
GRAPHQL_MAX_QUERY_BYTES and GRAPHQL_MAX_VARIABLES_BYTES the query and the variables
(size.py), so the token limit below never has to lex megabytes first.

- GRAPHQL_MAX_TOKENS bounds the parser itself (graphql-core's ``max_tokens``);
  :func:`coded_syntax_error` gives its refusal a code.
- :func:`cost_errors` counts, in one linear pass over the document, the fields an
  operation selects, its aliases and its root fields, against GRAPHQL_MAX_FIELDS,
  GRAPHQL_MAX_ALIASES and GRAPHQL_MAX_ROOT_FIELDS. The view runs it before the
  standard validation rules: some of those are quadratic in the number of fields
  (OverlappingFieldsCanBeMerged), so an oversized query is refused before they run,
  and of course before any resolver.
- :func:`validation_rules` adds the depth limit and, when it is off, the refusal of
  introspection to the standard rules.

All are fixed for the life of the process (settings), so the view's cache of
validated documents stays correct.
"""

from __future__ import annotations

import re

from django.conf import settings

from .stack import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    InlineFragmentNode,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
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
    """graphql-core's refusal of ``__schema`` and ``__type``, with ``extensions.code``."""

    def report_error(self, error: GraphQLError) -> None:
        super().report_error(with_message(error, error.message, {"code": "introspection_disabled"}))


def coded_syntax_error(error: GraphQLError) -> GraphQLError:
    """``error`` from the parser, with ``extensions.code`` when it is the token limit's refusal."""
    # graphql-core gives the token limit's refusal no code of its own, only this message.
    if "tokens. Parsing aborted" not in error.message:
        return error
    return with_message(error, f"{error.message} The limit is GRAPHQL_MAX_TOKENS="
                               f"{settings.GRAPHQL_MAX_TOKENS}.", {"code": "max_tokens_exceeded"})


#: (setting, what it counts, extensions.code), in the order they are checked.
COST_LIMITS = (
    ("GRAPHQL_MAX_ROOT_FIELDS", "root fields", "max_root_fields_exceeded"),
    ("GRAPHQL_MAX_ALIASES", "aliases", "max_aliases_exceeded"),
    ("GRAPHQL_MAX_FIELDS", "fields", "max_fields_exceeded"),
)


def cost_errors(document) -> list[GraphQLError]:
    """One error per operation of ``document`` over a cost limit (the first limit it breaks).

    Fragments count each time they are spread, so a "fragment bomb" (A spreads B
    twice, B spreads C twice, ...) counts what it would really select; each
    fragment is walked once (memoized), so the check stays linear in the size
    of the document whatever the counts come to.
    """
    limits = [(name, getattr(settings, name), what, code) for name, what, code in COST_LIMITS]
    limits = [limit for limit in limits if limit[1]]  # 0: no limit
    if not limits:
        return []
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    counter = _Cost(fragments)
    errors = []
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        try:
            fields, aliases, root = counter.of(operation.selection_set)
            counts = {"GRAPHQL_MAX_ROOT_FIELDS": root, "GRAPHQL_MAX_ALIASES": aliases,
                      "GRAPHQL_MAX_FIELDS": fields}
        except RecursionError:  # nested beyond Python's stack: over any limit
            counts = {}
        name = f"operation '{operation.name.value}'" if operation.name else "the operation"
        for setting, limit, what, code in limits:
            count = counts.get(setting)
            if count is None or count > limit:
                found = f"{count} {what}" if count is not None else f"too many {what}"
                errors.append(GraphQLError(f"{name} selects {found}; the limit is {limit} "
                                           f"({setting})", [operation], extensions={"code": code}))
                break
    return errors


class _Cost:
    """Counts (fields, aliases, fields at the top level) of selection sets."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode]):
        self.fragments = fragments
        self.memo: dict[str, tuple[int, int, int]] = {}
        self.visiting: set[str] = set()

    def of(self, selection_set) -> tuple[int, int, int]:
        fields = aliases = top = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                fields += 1
                top += 1
                if selection.alias is not None:
                    aliases += 1
                if selection.selection_set is not None:
                    below = self.of(selection.selection_set)
                    fields += below[0]
                    aliases += below[1]
                continue
            if isinstance(selection, InlineFragmentNode):
                below = self.of(selection.selection_set)
            else:
                below = self.fragment(selection.name.value)
            fields += below[0]
            aliases += below[1]
            top += below[2]
        return fields, aliases, top

    def fragment(self, name: str) -> tuple[int, int, int]:
        if name not in self.memo:
            node = self.fragments.get(name)
            if node is None or name in self.visiting:
                return 0, 0, 0  # unknown or cyclic: the standard rules report it
            self.visiting.add(name)
            self.memo[name] = self.of(node.selection_set)
            self.visiting.discard(name)
        return self.memo[name]


#: graphql-core's hints: "Did you mean 'name'?" (both), "Perhaps you meant "String"?" (2's
#: unknown types). Anywhere in a message: graphql-core 2's can go on past them on a new line.
SUGGESTION = re.compile(r"\s*(?:Did you mean|Perhaps you meant) [^?]*\?")


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

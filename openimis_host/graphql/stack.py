"""The GraphQL stack this process runs on, behind one small interface.

The host runs on graphql-core 3 (graphene 3, the default) or on graphql-core 2
(graphene 2.1.9 + graphene-django 2.16, what openIMIS's own modules are written
for: ``pip install 'openimis-host[legacy]'``). One interpreter holds one of
them. The host's GraphQL code (the view, the validation rules, the schema
build) imports what differs between them from here and nothing from
``graphql`` directly, so each difference is handled once:

- ``parse`` (with graphql-core 3's ``max_tokens``), ``validate``, ``execute``,
  ``operation_type``: the request path;
- ``ValidationRule``: a base class taking graphql-core 3's visitor method names
  (``enter_operation_definition``) and ``self.report_error`` on both stacks;
- node classes under graphql-core 3's names (``FieldNode``...);
- ``NoSchemaIntrospectionCustomRule`` (graphql-core 2 has none: defined here);
- ``with_message``: a copy of an error with another message (the two
  ``GraphQLError`` constructors take different positional arguments);
- ``invalid_result``: a result graphene-django answers with 400;
- ``graphql_schema`` / ``schema_errors``: the core schema of a graphene one.
"""

from __future__ import annotations

import json
import re

import graphql
from graphql import GraphQLError, specified_rules

#: "2" or "3": the major version of graphql-core in this interpreter.
CORE_MAJOR = graphql.__version__.split(".", 1)[0]
#: True on openIMIS's stack (graphql-core 2, graphene 2).
LEGACY = CORE_MAJOR == "2"

__all__ = [
    "LEGACY", "CORE_MAJOR", "GraphQLError", "specified_rules", "parse", "validate", "execute",
    "operation_type", "ValidationRule", "NoSchemaIntrospectionCustomRule", "FieldNode",
    "FragmentDefinitionNode", "FragmentSpreadNode", "InlineFragmentNode",
    "OperationDefinitionNode", "with_message", "invalid_result", "graphql_schema", "schema_errors",
]

if LEGACY:
    def parse(source: str, max_tokens: int | None = None):
        """The document of ``source``; more than ``max_tokens`` tokens is a GraphQLError.

        graphql-core 2's parser has no token limit: its lexer counts them first, so a
        huge query is refused before a document is built for it (graphql-core 3's
        message, so that clients see one error on both stacks).
        """
        if max_tokens:
            from graphql.language.lexer import Lexer, TokenKind
            from graphql.language.source import Source

            lexer, count = Lexer(Source(source)), 0
            while lexer.next_token().kind != TokenKind.EOF:
                count += 1
                if count > max_tokens:
                    raise GraphQLError(f"Document contains more than {max_tokens} tokens. "
                                       "Parsing aborted.")
        return graphql.parse(source)
else:
    parse = graphql.parse


def _introspection_message(name: str) -> str:
    # graphql-core 3's own wording, so that clients see one message on both stacks.
    return ("GraphQL introspection has been disabled, but the requested query contained"
            f" the field '{name}'.")


if LEGACY:
    from graphql.execution import ExecutionResult
    from graphql.execution import execute as _execute
    from graphql.language.ast import Field as FieldNode
    from graphql.language.ast import FragmentDefinition as FragmentDefinitionNode
    from graphql.language.ast import FragmentSpread as FragmentSpreadNode
    from graphql.language.ast import InlineFragment as InlineFragmentNode
    from graphql.language.ast import OperationDefinition as OperationDefinitionNode
    from graphql.type.definition import get_named_type
    from graphql.utils.get_operation_ast import get_operation_ast
    from graphql.validation import validate as _validate
    from graphql.validation.rules import NoFragmentCycles
    from graphql.validation.rules.base import ValidationRule as _CoreRule

    _CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
    _SNAKE: dict[type, str] = {}  # node class -> "operation_definition"

    def _snake(kind: type) -> str:
        name = _SNAKE.get(kind)
        if name is None:
            name = _SNAKE[kind] = _CAMEL.sub("_", kind.__name__).lower()
        return name

    class _Context:
        """graphql-core 3's ``ValidationContext`` attribute names over graphql-core 2's."""

        def __init__(self, context):
            self._context = context

        document = property(lambda self: self._context.get_ast())
        schema = property(lambda self: self._context.get_schema())

        def __getattr__(self, name):
            return getattr(self._context, name)

    class ValidationRule(_CoreRule):
        """graphql-core 2's rule base, dispatching to graphql-core 3's method names.

        graphql-core 2 finds ``enter_OperationDefinition`` through a metaclass;
        this looks up ``enter_operation_definition`` instead, so one rule class
        body serves both stacks. ``self.context.document`` and ``.schema`` work too.
        """

        def __init__(self, context):
            super().__init__(_Context(context))

        def enter(self, node, key, parent, path, ancestors):
            method = getattr(self, f"enter_{_snake(type(node))}", None)
            return method(node, key, parent, path, ancestors) if method else None

        def leave(self, node, key, parent, path, ancestors):
            method = getattr(self, f"leave_{_snake(type(node))}", None)
            return method(node, key, parent, path, ancestors) if method else None

        def report_error(self, error: GraphQLError) -> None:
            """Record a validation error (graphql-core 3's ``ValidationRule.report_error``)."""
            # graphql-core 3 accepts one node where graphql-core 2 needs a list.
            if error.nodes is not None and not isinstance(error.nodes, (list, tuple)):
                error.nodes = [error.nodes]
            self.context.report_error(error)

    class NoSchemaIntrospectionCustomRule(ValidationRule):
        """graphql-core 3's rule: refuses every field of an introspection type (``__schema``,
        ``__type`` and the fields below them), not ``__typename``."""

        def enter_field(self, node, *_args):
            kind = get_named_type(self.context.get_type())
            if kind is not None and kind.name.startswith("__"):
                self.report_error(GraphQLError(_introspection_message(node.name.value), [node]))

    def validate(schema, document, rules=None, max_errors=None) -> list[GraphQLError]:
        """Validation errors of ``document`` (graphql-core 2 has no ``max_errors``).

        graphql-core 2's other rules recurse without end on a fragment that spreads
        itself, so a document with a fragment cycle gets that error alone, first.
        """
        cycles = _validate(graphql_schema(schema), document, [NoFragmentCycles])
        if cycles:
            return cycles
        errors = _validate(graphql_schema(schema), document, specified_rules if rules is None else rules)
        return errors[:max_errors] if max_errors else errors

    def execute(schema, document, **options):
        """Run ``document``; graphql-core 2's synchronous executor returns the result itself.

        graphql-core 2 raises, rather than returns, what it finds before running any
        resolver (variables of the wrong type, an unknown operation name): that is a
        result that cannot run, a 400 as on graphql-core 3, not a 500.
        """
        options.pop("execution_context_class", None)  # graphql-core 3 only
        try:
            _check_variables(schema, document, options.get("operation_name"),
                             options.get("variable_values") or {})
            return _execute(graphql_schema(schema), document, **options)
        except GraphQLError as error:
            return invalid_result([error])

    def _check_variables(schema, document, operation_name, variables) -> None:
        """Raise a GraphQLError naming the first variable its type's scalar cannot read.

        graphql-core 2 lets the scalar's own exception through (``int("ten")``'s
        ValueError, a custom scalar's anything), where graphql-core 3 reports the
        variable. Only the scalars' parsing of the client's value runs here, so any
        exception means that the value is not one of that type.
        """
        from graphql.execution.values import coerce_value
        from graphql.language.printer import print_ast
        from graphql.type.definition import is_input_type
        from graphql.utils.is_valid_value import is_valid_value
        from graphql.utils.type_from_ast import type_from_ast

        operation = get_operation_ast(document, operation_name)
        for definition in (operation.variable_definitions or []) if operation else []:
            name = definition.variable.name.value
            value = variables.get(name)
            kind = type_from_ast(schema, definition.type)
            if value is None or kind is None or not is_input_type(kind):
                continue  # graphql-core 2 reports these itself
            try:
                if is_valid_value(value, kind):
                    continue  # graphql-core 2's own message names the variable
                coerce_value(kind, value)
            except Exception:  # noqa: BLE001 - see the docstring
                shown = json.dumps(value, default=str)
                shown = shown if len(shown) <= 80 else shown[:77] + "..."
                raise GraphQLError(f'Variable "${name}" got invalid value {shown}.\nExpected '
                                   f'type "{print_ast(definition.type)}".', [definition]) from None

    def operation_type(document, operation_name: str | None) -> str | None:
        """``"query"``, ``"mutation"`` or ``"subscription"``; None if no such operation."""
        operation = get_operation_ast(document, operation_name)
        return operation.operation if operation is not None else None

    def with_message(error: GraphQLError, message: str, extensions: dict | None = None):
        """A copy of ``error`` (same place in the query) saying ``message``."""
        return GraphQLError(message, error.nodes, getattr(error, "stack", None), error.source,
                            error.positions, error.locations, error.path,
                            extensions if extensions is not None else error.extensions)

    def invalid_result(errors: list) -> ExecutionResult:
        """A result for a query that cannot run; graphene-django 2 answers it with 400."""
        return ExecutionResult(errors=errors, invalid=True)

    def graphql_schema(schema):
        """The graphql-core schema of a graphene schema (graphene 2's is one itself)."""
        return schema

    def schema_errors(schema) -> list[str]:
        """Problems with a built schema; graphql-core 2 raises them while building it."""
        return []

else:
    from graphql import ExecutionResult, get_operation_ast
    from graphql import execute as _execute
    from graphql import validate as _validate
    from graphql import validate_schema as _validate_schema
    from graphql.language import (
        FieldNode,
        FragmentDefinitionNode,
        FragmentSpreadNode,
        InlineFragmentNode,
        OperationDefinitionNode,
    )
    from graphql.validation import NoSchemaIntrospectionCustomRule, ValidationRule

    def validate(schema, document, rules=None, max_errors=None) -> list[GraphQLError]:
        """Validation errors of ``document``, at most ``max_errors``."""
        return _validate(graphql_schema(schema), document, rules, max_errors)

    def execute(schema, document, **options):
        """Run ``document`` against ``schema``."""
        return _execute(graphql_schema(schema), document, **options)

    def operation_type(document, operation_name: str | None) -> str | None:
        """``"query"``, ``"mutation"`` or ``"subscription"``; None if no such operation."""
        operation = get_operation_ast(document, operation_name)
        return operation.operation.value if operation is not None else None

    def with_message(error: GraphQLError, message: str, extensions: dict | None = None):
        """A copy of ``error`` (same place in the query) saying ``message``."""
        return GraphQLError(message, error.nodes, error.source, error.positions, error.path,
                            error.original_error,
                            extensions if extensions is not None else error.extensions)

    def invalid_result(errors: list) -> ExecutionResult:
        """A result for a query that cannot run; graphene-django 3 answers it with 400."""
        return ExecutionResult(data=None, errors=errors)

    def graphql_schema(schema):
        """The graphql-core schema of a graphene schema."""
        return schema.graphql_schema

    def schema_errors(schema) -> list[str]:
        """Problems with a built schema, as messages."""
        return [e.message for e in _validate_schema(graphql_schema(schema))]

"""The GraphQL endpoint: graphene-django's view with a bounded cache of validated documents.

graphene-django parses and validates every request. Clients send the same few
query strings over and over, so the host keeps the parsed document of each
valid query string (up to ``GRAPHQL_DOCUMENT_CACHE_SIZE``) and only executes.
Validation depends on the query text and the schema alone, both fixed for the
life of the process, so a cached result is always the one validation would give.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponseNotAllowed
from django.http.response import HttpResponseBadRequest
from graphene_django.constants import MUTATION_ERRORS_FLAG
from graphene_django.settings import graphene_settings
from graphene_django.views import GraphQLView, HttpError
from graphql import ExecutionResult, GraphQLError, OperationType, execute, get_operation_ast, parse
from graphql.validation import validate


class HostGraphQLView(GraphQLView):
    """GraphQLView that validates each distinct query string once."""

    documents = None  # set by for_schema(): query string -> (document, errors)

    @classmethod
    def for_schema(cls, schema, **kwargs):
        """The Django view for ``schema``, with its own document cache."""
        rules = kwargs.get("validation_rules") or cls.validation_rules

        def parse_and_validate(query: str):
            try:
                document = parse(query)
            except GraphQLError as error:
                return None, [error]
            return document, validate(schema.graphql_schema, document, rules,
                                      graphene_settings.MAX_VALIDATION_ERRORS)

        size = settings.GRAPHQL_DOCUMENT_CACHE_SIZE
        documents = lru_cache(maxsize=size)(parse_and_validate) if size else parse_and_validate
        view_class = type(cls.__name__, (cls,), {"documents": staticmethod(documents)})
        return view_class.as_view(schema=schema, **kwargs)

    def execute_graphql_request(self, request, data, query, variables, operation_name,
                                show_graphiql=False):
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseBadRequest("Must provide query string."))
        document, errors = self.documents(query)
        if errors:
            return ExecutionResult(data=None, errors=errors)
        operation = get_operation_ast(document, operation_name)
        kind = operation.operation if operation is not None else None
        if request.method.lower() == "get" and kind not in (None, OperationType.QUERY):
            if show_graphiql:
                return None
            raise HttpError(HttpResponseNotAllowed(
                ["POST"], f"Can only perform a {kind.value} operation from a POST request."))
        options = {
            "root_value": self.get_root_value(request),
            "context_value": self.get_context(request),
            "variable_values": variables,
            "operation_name": operation_name,
            "middleware": self.get_middleware(request),
        }
        if self.execution_context_class:
            options["execution_context_class"] = self.execution_context_class
        schema = self.schema.graphql_schema
        try:
            if kind == OperationType.MUTATION and (
                graphene_settings.ATOMIC_MUTATIONS is True
                or connection.settings_dict.get("ATOMIC_MUTATIONS", False) is True
            ):
                with transaction.atomic():
                    result = execute(schema, document, **options)
                    if getattr(request, MUTATION_ERRORS_FLAG, False) is True:
                        transaction.set_rollback(True)
                return result
            return execute(schema, document, **options)
        except Exception as error:
            return ExecutionResult(errors=[error])

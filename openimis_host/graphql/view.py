"""The GraphQL endpoint: graphene-django's view, hardened for bad input, with a document cache.

Bad input gets a 4xx JSON error in the GraphQL shape, never a traceback: a
POST with a content type other than JSON, GraphQL or a form (415); a form POST
without Django's CSRF token (403, security/graphql_csrf.py); a body over
DATA_UPLOAD_MAX_MEMORY_SIZE (413); a query or variables over their byte limits,
GRAPHQL_MAX_QUERY_BYTES and GRAPHQL_MAX_VARIABLES_BYTES, before anything is
parsed (413, size.py); malformed JSON, a query that is not a
string, variables that are not an object, an unparsable or invalid query, a
query nested deeper than GRAPHQL_MAX_DEPTH, introspection when
GRAPHQL_INTROSPECTION is off, a private field without a logged-in user when
GRAPHQL_LOGIN_REQUIRED is on (400, login.py).

An exception raised inside a resolver is logged with its traceback (and so
reaches Sentry) and, in PROD, answered "internal server error", unless it is
meant for the client; a refusal (permission denied, wrong credentials) is one
INFO line (errors.py).

graphene-django parses and validates every request. Clients send the same few
query strings over and over, so the host keeps the parsed document of each
query string (up to ``GRAPHQL_DOCUMENT_CACHE_SIZE`` of them, their text adding up to
at most ``GRAPHQL_DOCUMENT_CACHE_BYTES``: see document_cache.py) and only executes.
Validation depends on the query text, the schema and the validation rules, all
fixed for the life of the process, so a cached result is always the one
validation would give.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import connection, transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.http.response import HttpResponseBadRequest
from graphene_django.constants import MUTATION_ERRORS_FLAG
from graphene_django.settings import graphene_settings
from graphene_django.views import GraphQLView, HttpError

from ..faults import outage
from ..security import graphql_csrf, jwt_cookie
from ..web.json_errors import error_response, too_large
from . import limits, login, size
from .document_cache import DocumentCache
from .errors import reported
from .stack import (
    GraphQLError,
    execute,
    invalid_result,
    operation_type,
    parse,
    validate,
)

#: Content types a POST may carry (graphene-django reads exactly these).
POST_CONTENT_TYPES = ("application/json", "application/graphql",
                      "application/x-www-form-urlencoded", "multipart/form-data")


#: The GET parameters of a GraphiQL link that the page reads from the URL's fragment.
GRAPHIQL_PARAMETERS = ("query", "variables", "operationName")


def share_link_redirect(request):
    """For ``/graphql?query=...`` opened in a browser: a redirect to ``/graphql#query=...``.

    GraphiQL's page (graphene-django's script) reads the query from the fragment and
    sends its requests to the page's own URL. Left in the query string, the query
    would go along with every request the page makes, and graphene-django takes a
    GET parameter before the POST body: the page's introspection would run the
    shared query instead and fail ("Unknown operation 'IntrospectionQuery'").
    """
    shared = [(name, request.GET[name]) for name in GRAPHIQL_PARAMETERS if name in request.GET]
    if not shared:
        return None
    others = [(k, v) for k, v in request.GET.items() if k not in GRAPHIQL_PARAMETERS]
    fragment = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in shared)
    return HttpResponseRedirect(request.path + (f"?{urlencode(others)}" if others else "")
                                + "#" + fragment)


def _bad_request(message: str) -> HttpError:
    return HttpError(HttpResponseBadRequest(message))


class HostGraphQLView(GraphQLView):
    """GraphQLView with input checks, the host's validation rules and a document cache."""

    documents = None  # set by for_schema(): query string -> (document, errors)
    # The host's own page: graphene-django's loads its scripts from a CDN (blank offline).
    graphiql_template = "openimis_host/graphiql.html"

    @classmethod
    def for_schema(cls, schema, **kwargs):
        """The Django view for ``schema``, with its own document cache."""
        # Applied by documents() below, not by graphene-django (2 does not take them).
        rules = kwargs.pop("validation_rules", None) or limits.validation_rules()

        def parse_and_validate(query: str):
            try:
                # The token limit stops the parser itself: the cost limits below only run
                # on a parsed document, and a 10 MB query would take seconds and hundreds
                # of megabytes to parse.
                document = parse(query, max_tokens=settings.GRAPHQL_MAX_TOKENS or None)
            except GraphQLError as error:
                return None, [limits.coded_syntax_error(error)]
            except RecursionError:
                return None, [GraphQLError("the query is nested too deeply to parse")]
            # Before the standard rules, some of which are quadratic in the fields.
            errors = limits.cost_errors(document)
            if errors:
                return document, errors
            errors = validate(schema, document, rules,
                              getattr(graphene_settings, "MAX_VALIDATION_ERRORS", None))
            if errors and not settings.GRAPHQL_INTROSPECTION:
                errors = limits.hide_suggestions(errors)
            return document, errors

        cache = DocumentCache(parse_and_validate, settings.GRAPHQL_DOCUMENT_CACHE_SIZE,
                              settings.GRAPHQL_DOCUMENT_CACHE_BYTES)
        view_class = type(cls.__name__, (cls,), {"documents": staticmethod(cache.get)})
        return view_class.as_view(schema=schema, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            content_type = self.get_content_type(request)
            if content_type not in POST_CONTENT_TYPES:
                return error_response(
                    request, 415, "unsupported_media_type",
                    f"unsupported content type {content_type or '(none)'!r}: send "
                    "application/json (or application/graphql, or a form)")
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return too_large(request)  # without reading the body
            refused = size.body_refusal(request, content_type, length)
            if refused is not None:
                return error_response(request, 413, refused.code, str(refused))
        jwt_cookie.prepare(request)
        try:
            if request.method == "POST":
                refused = graphql_csrf.refusal(request, self.get_content_type(request))
                if refused is not None:
                    return refused
            response = super().dispatch(request, *args, **kwargs)
        except RequestDataTooBig:  # a form body: Django checks while parsing it
            return too_large(request)
        except size.TooLarge as exc:  # raised by get_graphql_params() below
            return error_response(request, 413, exc.code, str(exc))
        except outage.GraphQLOutage as exc:  # raised below: 503, one log line
            return outage.handle(request, exc.failure)
        jwt_cookie.apply(request, response)  # set by a login, deleted by a logout
        return response

    def render_graphiql(self, request, **data):
        """GraphiQL, with graphene-django's settings as one JSON value (json_script, not inline JS)."""
        shared = share_link_redirect(request)
        if shared is not None:
            return shared
        data["graphene_settings"] = {
            "subscriptionPath": data.get("subscription_path") or None,
            "graphiqlHeaderEditorEnabled": bool(data.get("graphiql_header_editor_enabled")),
            "graphiqlShouldPersistHeaders": bool(data.get("graphiql_should_persist_headers")),
            "graphiqlInputValueDeprecation": bool(data.get("graphiql_input_value_deprecation")),
        }
        return super().render_graphiql(request, **data)

    def parse_body(self, request):
        # graphene-django decodes an application/graphql body without a guard, and
        # json.loads raises RecursionError on JSON nested a few thousand deep: both
        # would be 500s.
        try:
            return super().parse_body(request)
        except UnicodeDecodeError:
            raise _bad_request("the request body is not valid UTF-8") from None
        except RecursionError:
            raise _bad_request("the JSON body is nested too deeply") from None

    @staticmethod
    def get_graphql_params(request, data):
        refused = size.params_refusal(request, data)  # before variables are decoded
        if refused is not None:
            raise refused
        query, variables, operation_name, id = GraphQLView.get_graphql_params(request, data)
        if query is not None and not isinstance(query, str):
            raise _bad_request("'query' must be a string")
        if variables is not None and not isinstance(variables, dict):
            raise _bad_request("'variables' must be a JSON object")
        if operation_name is not None and not isinstance(operation_name, str):
            raise _bad_request("'operationName' must be a string")
        return query, variables, operation_name, id

    def execute_graphql_request(self, request, data, query, variables, operation_name,
                                show_graphiql=False):
        if not query:
            if show_graphiql:
                return None
            raise _bad_request("Must provide query string.")
        document, errors = self.documents(query)
        # Login first, validation errors after: they would show an anonymous client the schema.
        refused = login.refusal(request, document) if document is not None else None
        if refused is not None:
            return invalid_result([refused])
        if errors:
            return invalid_result(errors)
        kind = operation_type(document, operation_name)
        if request.method.lower() == "get" and kind not in (None, "query"):
            if show_graphiql:
                return None
            raise HttpError(HttpResponseNotAllowed(
                ["POST"], f"Can only perform a {kind} operation from a POST request."))
        options = {
            "root_value": self.get_root_value(request),
            "context_value": self.get_context(request),
            "variable_values": variables,
            "operation_name": operation_name,
            "middleware": self.get_middleware(request),
        }
        if getattr(self, "execution_context_class", None):  # graphene-django 3 only
            options["execution_context_class"] = self.execution_context_class
        # From here on this follows graphene-django's own execute_graphql_request
        # (ATOMIC_MUTATIONS, the mutation-errors flag): re-check it on upgrades.
        schema = self.schema
        # Resolver exceptions come back in result.errors. Anything execute()
        # itself raises (a failing commit, say) is a server error: it goes on
        # to Django, which logs it and answers 500 (JSON in PROD).
        if kind == "mutation" and (
            graphene_settings.ATOMIC_MUTATIONS is True
            or connection.settings_dict.get("ATOMIC_MUTATIONS", False) is True
        ):
            with transaction.atomic():
                result = execute(schema, document, **options)
                if getattr(request, MUTATION_ERRORS_FLAG, False) is True:
                    transaction.set_rollback(True)
        else:
            result = execute(schema, document, **options)
        outage.check_graphql(result.errors)
        if result.errors:
            result.errors = [reported(request, error) for error in result.errors]
        return result

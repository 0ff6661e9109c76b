"""Login by default: a field is public on the root type its module declares it on, only there."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory, override_settings

from openimis_host.assembly.public import _operator_fields, opened
from openimis_host.graphql.login import refusal, root_fields
from openimis_host.graphql.stack import parse


def test_root_fields_are_named_with_the_root_of_their_operation_fragments_included():
    document = parse("""
        query { a: claimAdmins { id } ...F }
        mutation { tokenAuth { token } ... on Mutation { revokeToken } }
        fragment F on Query { diagnoses }
    """)
    assert root_fields(document) == {("Query", "claimAdmins"), ("Query", "diagnoses"),
                                     ("Mutation", "tokenAuth"), ("Mutation", "revokeToken")}


def test_a_module_opens_a_name_only_on_the_roots_it_declares_it_on():
    own = {("Mutation", "claimAdmins"), ("Query", "gazette")}
    assert opened({"claimAdmins"}, own) == {("Mutation", "claimAdmins")}


def test_the_operator_names_a_root_or_opens_a_bare_name_on_both():
    assert _operator_fields(["Query.x", "y"]) == {("Query", "x"), ("Query", "y"), ("Mutation", "y")}


@override_settings(GRAPHQL_LOGIN_REQUIRED=True)
def test_a_public_mutation_does_not_open_the_query_of_the_same_name(host, monkeypatch):
    # A module that declares its own Mutation 'claimAdmins' public must not open another
    # module's Query 'claimAdmins' to strangers.
    monkeypatch.setattr(host, "public_fields", frozenset({("Mutation", "claimAdmins")}))
    request = RequestFactory().post("/graphql")
    request.user = AnonymousUser()
    assert refusal(request, parse("mutation { claimAdmins }")) is None
    refused = refusal(request, parse("{ claimAdmins { id } }"))
    assert refused is not None and refused.extensions["code"] == "authentication_required"

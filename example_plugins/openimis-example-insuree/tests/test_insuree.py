from django.test import Client
from django.urls import reverse


def graphql(query, variables=None):
    return Client().post("/graphql", {"query": query, "variables": variables or {}},
                         content_type="application/json").json()


def test_an_insuree_added_over_rest_is_read_back_by_number_under_the_module_namespace():
    created = Client().post("/insuree/insurees/", {"number": "12345678", "name": "Ama"},
                            content_type="application/json")
    assert created.status_code == 201
    url = reverse("insuree:insuree", args=["12345678"])
    assert Client().get(url).json()["name"] == "Ama"


def test_a_number_of_the_wrong_length_is_refused_by_the_module_handler():
    refused = Client().post("/insuree/insurees/", {"number": "12", "name": "Kofi"},
                            content_type="application/json")
    assert refused.status_code == 422  # the module's own exception handler answered


def test_the_graphql_mutation_checks_the_number_length_from_the_module_settings():
    ok = graphql('mutation { createInsuree(number: "87654321", name: "Esi") { insuree { name } } }')
    assert ok == {"data": {"createInsuree": {"insuree": {"name": "Esi"}}}}
    refused = graphql('mutation { createInsuree(number: "1", name: "x") { insuree { name } } }')
    assert "8 digits" in refused["errors"][0]["message"]

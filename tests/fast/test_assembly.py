"""The assembled host through Django's test client: mounts, schema, handlers, tasks, listings.

The process host (conftest) serves insuree, claim and probe under SITE_ROOT=api.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from openimis_host.assembly import contributions
from openimis_host.assembly.tasks import all_tasks


@pytest.fixture
def client():
    return Client()


def gql(client, query, variables=None):
    response = client.post("/api/graphql", json.dumps({"query": query, "variables": variables or {}}),
                           content_type="application/json")
    return response.status_code, response.json()


def test_each_module_is_mounted_under_site_root_with_its_own_namespace(client):
    assert reverse("probe:echo", args=["hi"]) == "/api/probe/echo/hi"
    assert client.get("/api/probe/echo/hi").json() == {"word": "hi"}
    assert client.get("/api/insuree/ping").json()["module"] == "insuree"


def test_a_path_outside_every_mount_is_a_404(client):
    assert client.get("/api/nomodule/x").status_code == 404
    assert client.get("/probe/echo/hi").status_code == 404  # without SITE_ROOT


def test_module_settings_defaults_are_settings(client):
    assert settings.INSUREE_NUMBER_LENGTH == 8


def test_module_apps_come_before_the_host_app_in_module_order():
    apps = settings.INSTALLED_APPS
    assert apps.index("openimis_insuree") < apps.index("openimis_claim.apps.ClaimConfig") \
        < apps.index("openimis_host") == len(apps) - 1


def test_module_middleware_comes_after_the_host_middleware():
    assert settings.MIDDLEWARE[-1] == "openimis_claim.middleware.ClaimVersionHeader"


def test_the_schema_merges_every_module_field_and_the_host_fields(client):
    status, body = gql(client, "{ probeAnswer openimisHostVersion insurees { id } claims { id } }")
    assert status == 200 and body["data"]["probeAnswer"] == 42
    assert body["data"]["insurees"] == [] and body["data"]["claims"] == []


def test_a_mutation_of_a_module_runs(client):
    status, body = gql(client, 'mutation { createInsuree(number: "12345678", name: "Ann") '
                               '{ insuree { number } } }')
    assert body["data"]["createInsuree"]["insuree"]["number"] == "12345678"


def test_the_host_login_is_contributed_by_the_built_in_module(host):
    assert contributions(host.get("host")) == {
        "graphql_query": ["openimisHostVersion"],
        "graphql_mutation": ["tokenAuth", "revokeToken", "revokeAllTokens"],
        "public_graphql_fields": ["openimisHostVersion", "revokeToken", "tokenAuth"]}


def test_a_wrong_password_gets_the_hosts_invalid_credentials_error(client):
    status, body = gql(client, 'mutation { tokenAuth(username: "nobody", password: "x") { token } }')
    assert body["errors"][0]["extensions"]["code"] == "invalid_credentials"


def test_the_drf_handler_of_the_module_that_mounted_the_view_answers(client):
    response = client.get("/api/insuree/insurees/", {"number": "1"})
    assert response.status_code == 200
    response = client.post("/api/insuree/insurees/", {"number": "12"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["error"]["module"] == "insuree"


def test_a_module_without_a_handler_gets_drfs_default(client):
    response = client.get("/api/probe/missing")
    assert response.status_code == 404 and response.json() == {"detail": "no such thing"}


def test_tasks_are_registered_under_module_ids_in_module_order():
    assert list(all_tasks()) == ["insuree.count_insurees", "claim.close_stale_claims", "probe.tick"]
    assert all_tasks()["probe.tick"].func() == "ticked"


def test_contributions_are_derived_from_what_the_hooks_returned(host):
    shown = contributions(host.get("probe"))
    assert shown == {"url_mount": "/api/probe/", "graphql_query": ["probeAnswer"], "tasks": ["probe.tick"]}


def test_a_ready_hook_ran_once(client):
    assert client.get("/api/insuree/ready").json()["ready_calls"] == 1


def test_health_reports_every_module_loaded(client):
    response = client.get("/api/health")
    assert response.status_code in (200, 503)  # 503 only for a failed task run
    names = [m["name"] for m in response.json()["modules"]]
    assert names == ["host", "insuree", "claim", "probe"]


def test_system_checks_report_no_module_problem():
    from django.core.checks import run_checks

    assert not [m for m in run_checks() if m.id.startswith("openimis.E")]


def test_debugs_404_page_lists_module_urls_with_their_mount_prefix(client):
    import re

    text = re.sub(r"<[^>]+>", " ", client.get("/api/nomodule/x").content.decode())
    text = re.sub(r"\s+", " ", text)
    tried = text[text.index("tried these URL patterns"):text.index("The current path")]
    assert "api/ insuree/" in tried and "api/ claim/" in tried and "api/ probe/" in tried


def test_a_miss_inside_a_module_lists_that_modules_patterns(client):
    import re

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/api/probe/nothing").content.decode()))
    assert "api/ probe/ missing" in text and "insuree/" not in text


def test_a_request_without_a_language_still_varies_on_accept_language(client):
    plain = client.get("/api/probe/echo/hi")
    assert "Accept-Language" in plain["Vary"] and not plain.has_header("Content-Language")
    asked = client.get("/api/probe/echo/hi", HTTP_ACCEPT_LANGUAGE="en")
    assert asked["Content-Language"] == "en" and "Accept-Language" in asked["Vary"]

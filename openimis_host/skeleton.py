"""The files of a new module, for ``openimis-host create_module``.

``{name}`` is the module name (a Python identifier), ``{package}`` its import
package, ``{distribution}`` its distribution name and ``{host_spec}`` the
openimis-host versions it is written for.
"""

FILES = {
    "pyproject.toml": '''\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{distribution}"
version = "0.1.0"
description = "openIMIS module {name}"
requires-python = ">=3.10"
# Add the distributions of modules you build on: yours then loads after them.
dependencies = ["openimis-host{host_spec}"]

[project.optional-dependencies]
test = ["pytest"]

[project.entry-points."openimis.modules"]
{name} = "{package}.plugin"

[tool.setuptools.packages.find]
include = ["{package}*"]
''',
    "README.md": '''\
# {distribution}

An openIMIS module. `pip install .` next to openimis-host enables it; it is then
served under `/{name}/` and listed by `openimis-host modules`.

Run its tests without a deployment: `pip install -e ".[test]" && pytest`.
''',
    "{package}/__init__.py": '"""openIMIS module {name}."""\n',
    "{package}/plugin.py": '''\
"""Hook implementations for module '{name}'. Keep imports here light: Django is not set up yet."""

from plugins_spec import hookimpl


@hookimpl
def openimis_django_apps():
    return ["{package}"]


@hookimpl
def openimis_settings():
    return {{"{upper}_GREETING": "hello from {name}"}}


@hookimpl
def openimis_urlpatterns():
    from .urls import urlpatterns

    return urlpatterns


@hookimpl
def openimis_graphql_query():
    from .schema import Query

    return Query
''',
    "{package}/apps.py": '''\
from django.apps import AppConfig


class Config(AppConfig):
    name = "{package}"
    default_auto_field = "django.db.models.BigAutoField"
''',
    "{package}/migrations/__init__.py": "",
    "{package}/models.py": "from django.db import models  # noqa: F401\n",
    "{package}/urls.py": '''\
from django.urls import path

from . import views

urlpatterns = [path("ping", views.ping, name="ping")]
''',
    "{package}/views.py": '''\
from django.conf import settings
from django.http import JsonResponse


def ping(request):
    return JsonResponse({{"module": "{name}", "greeting": settings.{upper}_GREETING}})
''',
    "{package}/schema.py": '''\
import graphene
from django.conf import settings


class Query(graphene.ObjectType):
    {name}_greeting = graphene.String()

    def resolve_{name}_greeting(root, info):
        return settings.{upper}_GREETING
''',
    "tests/conftest.py": '''\
import {package}.plugin
from openimis_host.testing import setup_host

setup_host({{"{name}": {package}.plugin}})
''',
    "tests/test_{name}.py": '''\
from django.test import Client


def test_ping_is_served_under_the_module_name():
    assert Client().get("/{name}/ping").json()["module"] == "{name}"


def test_the_greeting_is_in_the_graphql_schema():
    response = Client().post("/graphql", {{"query": "{{ {camel}Greeting }}"}},
                             content_type="application/json")
    assert response.json() == {{"data": {{"{camel}Greeting": "hello from {name}"}}}}
''',
}

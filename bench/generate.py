"""Generate N benchmark modules in two forms: host plugins and a hand-wired Django project.

For each N, ``bench/build/mods-<N>/`` holds:

- ``bench_mNNN/``: the module packages (a Django app with one model, a plain
  view, a DRF view, a DRF view that raises an exception its own handler turns
  into a response, and a GraphQL query field), plus ``plugin.py`` with the
  openimis hooks;
- ``bench_mNNN-1.0.0.dist-info/``: what ``pip install`` would leave for each
  module (METADATA, entry_points.txt, RECORD, INSTALLER, top_level.txt). To
  ``importlib.metadata`` that *is* an installed distribution, so putting the
  directory on ``sys.path`` installs all N at once; pip-installing 200
  packages one by one would only make the benchmark slow to prepare;
- ``handwired/``: the zero-overhead reference, a plain Django project wired by
  hand as a developer would without the host (``handwired_project.py``).

Both forms import the very same module packages; only the wiring differs.
Module names are zero-padded (m001, m002, ...) so that the host's order (by
name, as no module depends on another) is the hand-wired order too.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import textwrap
from pathlib import Path

import handwired_project

VERSION = "1.0.0"
HOST_REQUIREMENT = "openimis-host>=0.1,<1"


def module_names(n: int) -> list[str]:
    return [f"m{i:03d}" for i in range(1, n + 1)]


def package(name: str) -> str:
    return f"bench_{name}"


# --- one module ----------------------------------------------------------------

def module_files(name: str) -> dict[str, str]:
    """Source files of module ``name`` (paths relative to the sys.path directory)."""
    pkg, cap = package(name), name.capitalize()
    files = {
        "__init__.py": "",
        "apps.py": f'''
            from django.apps import AppConfig


            class {cap}Config(AppConfig):
                name = "{pkg}"
                default_auto_field = "django.db.models.BigAutoField"
            ''',
        "models.py": '''
            from django.db import models


            class Item(models.Model):
                """The module's one model; the benchmark never queries it."""

                name = models.CharField(max_length=64)
                created = models.DateTimeField(auto_now_add=True)
            ''',
        "exceptions.py": f'''
            from rest_framework.response import Response


            class {cap}Error(Exception):
                """An error of module {name} that its own handler answers."""


            def handler(exc, context):
                if isinstance(exc, {cap}Error):
                    return Response({{"module": "{name}", "error": str(exc)}}, status=409)
                return None
            ''',
        "views.py": f'''
            from django.http import JsonResponse
            from rest_framework.decorators import api_view, permission_classes
            from rest_framework.permissions import AllowAny
            from rest_framework.response import Response

            from .exceptions import {cap}Error


            def ping(request):
                """A plain Django view."""
                return JsonResponse({{"module": "{name}"}})


            @api_view(["GET"])
            @permission_classes([AllowAny])  # public: the host's PROD default is login required
            def api(request):
                """A DRF view that succeeds."""
                return Response({{"module": "{name}"}})


            @api_view(["GET"])
            @permission_classes([AllowAny])  # public: the host's PROD default is login required
            def fail(request):
                """A DRF view that raises; the module's exception handler answers 409."""
                raise {cap}Error("conflict in {name}")
            ''',
        # app_name lets the hand-wired URLconf include("bench_mNNN.urls") with
        # the same namespace the host gives the module.
        "urls.py": f'''
            from django.urls import path

            from . import views

            app_name = "{name}"
            urlpatterns = [
                path("ping/", views.ping, name="ping"),
                path("api/", views.api, name="api"),
                path("fail/", views.fail, name="fail"),
            ]
            ''',
        "schema.py": f'''
            import graphene
            from graphene_django import DjangoObjectType

            from .models import Item


            class {cap}ItemType(DjangoObjectType):
                class Meta:
                    model = Item
                    name = "{cap}Item"
                    fields = ("id", "name", "created")


            class {cap}Info(graphene.ObjectType):
                module = graphene.String()
                version = graphene.String()
                tags = graphene.List(graphene.String, first=graphene.Int())

                def resolve_module(root, info):
                    return "{name}"

                def resolve_version(root, info):
                    return "{VERSION}"

                def resolve_tags(root, info, first=3):
                    return ["a", "b", "c", "d", "e"][:first]


            class Query(graphene.ObjectType):
                {name}_info = graphene.Field({cap}Info)
                {name}_items = graphene.List({cap}ItemType)

                def resolve_{name}_info(root, info):
                    return {cap}Info()

                def resolve_{name}_items(root, info):
                    return Item.objects.all()
            ''',
        # The entry point object: light at import time, as the contract asks.
        "plugin.py": f'''
            from plugins_spec import hookimpl


            @hookimpl
            def openimis_django_apps():
                return ["{pkg}.apps.{cap}Config"]


            @hookimpl
            def openimis_urlpatterns():
                from .urls import urlpatterns

                return urlpatterns


            @hookimpl
            def openimis_graphql_query():
                from .schema import Query

                return Query


            @hookimpl
            def openimis_exception_handler():
                from .exceptions import handler

                return handler


            # Public, as its views say too: the host's login by default (PROD) lets anonymous
            # requests reach only what a module declares public; the hand-wired project has no
            # such rule, and both sides answer the same anonymous benchmark client.
            @hookimpl
            def openimis_public_graphql_fields():
                return ["{name}Info"]
            ''',
    }
    return {f"{pkg}/{rel}": textwrap.dedent(text).lstrip() for rel, text in files.items()}


def dist_info(name: str, files: dict[str, str]) -> dict[str, str]:
    """The ``.dist-info`` files pip would write for module ``name`` (wheel metadata layout)."""
    dist = f"bench-{name}"
    info_dir = f"{package(name)}-{VERSION}.dist-info"
    meta = {
        "METADATA": (f"Metadata-Version: 2.1\nName: {dist}\nVersion: {VERSION}\n"
                     f"Summary: openimis-host benchmark module {name}\n"
                     f"Requires-Python: >=3.10\nRequires-Dist: {HOST_REQUIREMENT}\n"),
        "entry_points.txt": f"[openimis.modules]\n{name} = {package(name)}.plugin\n",
        "INSTALLER": "bench\n",
        "top_level.txt": f"{package(name)}\n",
    }
    record = []
    for rel, text in {**files, **{f"{info_dir}/{k}": v for k, v in meta.items()}}.items():
        data = text.encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{rel},sha256={digest},{len(data)}")
    record.append(f"{info_dir}/RECORD,,")
    meta["RECORD"] = "\n".join(record) + "\n"
    return {f"{info_dir}/{k}": v for k, v in meta.items()}


# --- the whole tree ----------------------------------------------------------------

def generate(n: int, build: Path) -> Path:
    """Write the N modules and the hand-wired project into ``build/mods-<n>``; return it.

    The tree is rewritten only when its content would change, so the .pyc
    files the warm-up boots leave behind stay valid between runs.
    """
    root = build / f"mods-{n}"
    names = module_names(n)
    files: dict[str, str] = {}
    for name in names:
        mod = module_files(name)
        files.update(mod)
        files.update(dist_info(name, mod))
    files.update(handwired_project.files(names, package))
    stamp = hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest()
    if (root / ".stamp").exists() and (root / ".stamp").read_text() == stamp:
        return root
    shutil.rmtree(root, ignore_errors=True)
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    (root / ".stamp").write_text(stamp)
    return root


if __name__ == "__main__":
    import sys

    out = Path(__file__).resolve().parent / "build"
    for n in map(int, sys.argv[1:] or ["1", "50", "200"]):
        print(generate(n, out))

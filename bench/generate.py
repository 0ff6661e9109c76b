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
  hand as a developer would without the host: settings listing the same apps,
  a URLconf with one ``include`` per module in module order, a graphene schema
  whose root Query inherits every module's Query, DRF's EXCEPTION_HANDLER set
  to one handler, and graphene-django's own GraphQLView.

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


# --- the hand-wired project ------------------------------------------------------

def _fill(template: str, **values: str) -> str:
    """Dedent ``template`` first, then fill it, so multi-line values keep their own indent."""
    return textwrap.dedent(template).lstrip().format(**values)


def _lines(items, indent: str = "    ") -> str:
    return "\n".join(indent + item for item in items)


HANDWIRED_SETTINGS = '''
    """Hand-wired settings: what a careful Django project has, with the apps listed by hand.

    The same stack of features as the host runs in the benchmark, each configured
    the way a project without the host would configure it: security headers
    (Django's SecurityMiddleware and X-Frame-Options, plus a five-line middleware
    for CSP and Permissions-Policy, headers.py), WhiteNoise for static files,
    Django's LocaleMiddleware, django-axes' login lockout, secure cookies, and the
    environment read with environs. What it leaves out is what only the host has
    (the outage middleware, the profiler switch, the JWT check, the GraphQL rules):
    bench/middleware_cost.py reports those per request. DEBUG off, logging at
    the level the benchmark runs the host with (see bench/configs.py).
    """

    import environs

    env = environs.Env()
    env.read_env(recurse=False)
    DEBUG = env.bool("DEBUG", False)
    SECRET_KEY = "bench-not-secret"
    ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    ROOT_URLCONF = "handwired.urls"
    WSGI_APPLICATION = "handwired.wsgi.application"
    USE_TZ = True
    TIME_ZONE = "UTC"
    LANGUAGE_CODE = "en"
    STATIC_URL = "/static/"
    DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
    DATABASES = {{"default": {{
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env.str("SQLITE_PATH"),
        "OPTIONS": {{"timeout": 20}},
    }}}}
    CACHES = {{"default": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}}
    INSTALLED_APPS = [
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.staticfiles",
        "rest_framework",
        "graphene_django",
        "axes",
    {apps}
    ]
    MIDDLEWARE = [
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "handwired.headers.SecurityHeadersMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "axes.middleware.AxesMiddleware",
    ]
    AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                               "django.contrib.auth.backends.ModelBackend"]
    AXES_FAILURE_LIMIT = 5
    AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
    WHITENOISE_USE_FINDERS = True
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
    CONTENT_SECURITY_POLICY = "default-src 'self'; frame-ancestors 'none'"
    PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"
    TEMPLATES = [{{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {{"context_processors": [
            "django.template.context_processors.request",
            "django.contrib.auth.context_processors.auth",
            "django.contrib.messages.context_processors.messages",
        ]}},
    }}]
    # One handler for the whole project: module {first}'s, the module the
    # benchmark's DRF exception path goes to.
    REST_FRAMEWORK = {{"EXCEPTION_HANDLER": "{first_pkg}.exceptions.handler"}}
    GRAPHENE = {{"SCHEMA": "handwired.schema.schema"}}
    # The host's logging, at the level the benchmark runs the host with (ERROR),
    # so that neither side writes a log line per 4xx response.
    LOGGING = {{
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {{"standard": {{
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}}}},
        "handlers": {{"console": {{"class": "logging.StreamHandler", "formatter": "standard"}}}},
        "root": {{"handlers": ["console"], "level": "ERROR"}},
        "loggers": {{"django.db.backends": {{
            "handlers": [], "level": "WARNING", "propagate": False}}}},
    }}
'''

HANDWIRED_HEADERS = '''
    """The two security headers Django does not set itself (what django-csp would do)."""

    from django.conf import settings


    class SecurityHeadersMiddleware:
        def __init__(self, get_response):
            self.get_response = get_response
            self.headers = {{"Content-Security-Policy": settings.CONTENT_SECURITY_POLICY,
                            "Permissions-Policy": settings.PERMISSIONS_POLICY}}

        def __call__(self, request):
            response = self.get_response(request)
            for name, value in self.headers.items():
                response.headers.setdefault(name, value)
            return response
'''

HANDWIRED_URLS = '''
    """Hand-wired URLconf: the project's own paths, then one include per module in module order."""

    from django.contrib import admin
    from django.urls import include, path
    from django.views.decorators.csrf import csrf_exempt
    from graphene_django.views import GraphQLView

    from .schema import schema

    urlpatterns = [
        path("graphql", csrf_exempt(GraphQLView.as_view(schema=schema, graphiql=False))),
        path("admin/", admin.site.urls),
    {includes}
    ]
'''

HANDWIRED_SCHEMA = '''
    """Hand-wired schema: the root Query inherits every module's Query (the openIMIS way)."""

    import graphene

    {imports}


    class Query(
    {bases}
        graphene.ObjectType,
    ):
        pass


    schema = graphene.Schema(query=Query)
'''

HANDWIRED_WSGI = '''
    import os

    from django.core.wsgi import get_wsgi_application

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "handwired.settings")
    application = get_wsgi_application()
'''


def handwired_files(names: list[str]) -> dict[str, str]:
    """The hand-wired project for modules ``names``, in that order."""
    pkgs = [package(n) for n in names]
    pairs = list(zip(names, pkgs, strict=True))
    files = {
        "__init__.py": "",
        "settings.py": _fill(
            HANDWIRED_SETTINGS, first=names[0], first_pkg=pkgs[0],
            apps=_lines(f'"{p}.apps.{n.capitalize()}Config",' for n, p in pairs)),
        "urls.py": _fill(
            HANDWIRED_URLS,
            includes=_lines(f'path("{n}/", include("{p}.urls")),' for n, p in pairs)),
        "schema.py": _fill(HANDWIRED_SCHEMA,
                           imports=_lines((f"import {p}.schema" for p in pkgs), indent=""),
                           bases=_lines(f"{p}.schema.Query," for p in pkgs)),
        "wsgi.py": _fill(HANDWIRED_WSGI),
        "headers.py": _fill(HANDWIRED_HEADERS),
    }
    return {f"handwired/{k}": v for k, v in files.items()}


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
    files.update(handwired_files(names))
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

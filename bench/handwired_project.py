"""The zero-overhead reference: a plain Django project wired by hand, as a careful developer
would without the host.

Settings list the same apps as the host loads, with the middleware and settings stack a
careful project has (see the settings' docstring); a URLconf with one ``include`` per
module in module order; a graphene schema whose root Query inherits every module's Query;
DRF's EXCEPTION_HANDLER set to one handler; graphene-django's own GraphQLView.
generate.py writes it beside the modules, which both forms import.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable


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


def files(names: list[str], package: Callable[[str], str]) -> dict[str, str]:
    """The hand-wired project for modules ``names``, in that order (``package`` names each one's package)."""
    pkgs = [package(n) for n in names]
    pairs = list(zip(names, pkgs, strict=True))
    project = {
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
    return {f"handwired/{k}": v for k, v in project.items()}

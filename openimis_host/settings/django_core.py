"""Django's own settings that no other file owns: the URLconf and WSGI application, time zone
and language, static files, email, the host's apps, middleware, templates, DRF and graphene.

Read after login.py: MIDDLEWARE includes the remote-user middleware when it is enabled.
"""

from pathlib import Path
from zoneinfo import ZoneInfo

from openimis_host.errors import ConfigError
from openimis_host.legacy import settings as legacy_settings

from .core import DEBUG, SITE_ROOT, env
from .login import REMOTE_USER_AUTHENTICATION

ROOT_URLCONF = "openimis_host.urls"

WSGI_APPLICATION = "openimis_host.server.wsgi.application"

# openIMIS runs with USE_TZ=False (its databases hold local, naive times); the default
# follows whether openIMIS's core is installed (the "openIMIS modules" section of settings/__init__.py).
USE_TZ = env.bool("USE_TZ", not legacy_settings.installed())
TIME_ZONE = env.str("TIME_ZONE", "UTC")
try:
    ZoneInfo(TIME_ZONE)
except (ValueError, LookupError):  # a malformed key, or ZoneInfoNotFoundError
    raise ConfigError(f"TIME_ZONE={TIME_ZONE!r} is not valid: expected an IANA zone name "
                      "such as UTC or Africa/Dar_es_Salaam") from None
LANGUAGE_CODE = env.str("LANGUAGE_CODE", "en")

# --- static files (web/staticfiles.py: WhiteNoise, from each app's package) --------------
STATIC_URL = f"/{SITE_ROOT}static/"
STATIC_ROOT = env.str("STATIC_ROOT", str(Path("static").resolve()))  # only for collectstatic
# Serve the apps' files where they are installed: nothing to collect before gunicorn starts.
WHITENOISE_USE_FINDERS = True

# --- email -------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
                        if DEBUG else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ConfigError("EMAIL_USE_TLS and EMAIL_USE_SSL are both true: set only one of them")

# --- Django, DRF, graphene -----------------------------------------------------
HOST_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "graphene_django",
    "axes",
]
MIDDLEWARE = [
    # The header middleware come first so that every response has the headers,
    # including the errors answered by the middleware below them; and outside
    # SecurityMiddleware, whose HTTP -> HTTPS redirect skips everything below it.
    # (gunicorn's own error pages, e.g. a malformed request line, never reach
    # Django: only a proxy in front can add headers to those.)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    *(["openimis_host.security.headers.SecurityHeadersMiddleware"] if not DEBUG else []),
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, with the headers above and before any session or auth work.
    "openimis_host.web.staticfiles.StaticFilesMiddleware",
    # A view that failed because the database is unreachable: 503, one log line.
    "openimis_host.faults.outage.DatabaseOutageMiddleware",
    # DEV: names the module whose view left database connections open.
    *(["openimis_host.faults.leaks.LeakedConnectionsMiddleware"] if DEBUG else []),
    # ?prof=True: profiles everything below it in DEV, refused in PROD.
    "openimis_host.web.profiler.ProfilerMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of each response from Accept-Language (else LANGUAGE_CODE): modules'
    # translations, in their own locale/ directories, are then used.
    "openimis_host.web.language.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "openimis_host.security.auth.AuthenticationMiddleware",  # Django's, plus the JWT
    *(["openimis_host.security.remote_user.RemoteUserMiddleware"]
      if REMOTE_USER_AUTHENTICATION else []),
    "django.contrib.messages.middleware.MessageMiddleware",
    # Turns a locked-out login into the lockout answer (security/lockout.py).
    "axes.middleware.AxesMiddleware",
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
REST_FRAMEWORK = {
    # Chooses the handler of the module that mounted the view (assembly/exceptions.py).
    "EXCEPTION_HANDLER": "openimis_host.assembly.exceptions.handle",
    # JWT first: its WWW-Authenticate challenge makes DRF answer 401 rather than 403.
    # JSON nested too deeply is a 400, not a RecursionError and a 500 (web/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "openimis_host.web.parsers.HostJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "openimis_host.security.auth.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}
if not DEBUG:
    # Login by default: a view that means to be public says so (permission_classes=[AllowAny]).
    # JSON only: the browsable API's HTML pages (forms, the API's layout) are for development.
    REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] = ["rest_framework.permissions.IsAuthenticated"]
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.JSONRenderer"]
GRAPHENE = {"SCHEMA": "openimis_host.assembly.graphql.schema"}

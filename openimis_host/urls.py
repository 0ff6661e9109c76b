"""The root URLconf: every module's mount, then the host's endpoints, all under SITE_ROOT."""

from django.conf import settings
from django.contrib import admin
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from .faults.health import health, live, ready
from .graphql.view import HostGraphQLView
from .host import get_host
from .security.lockout import AdminLoginForm
from .security.ratelimit import limited

root = settings.SITE_ROOT
host = get_host()
# Says "locked" when django-axes refused the login (security/lockout.py).
admin.site.login_form = AdminLoginForm

urlpatterns = [
    # Module mounts first: most requests are theirs, and ModuleRoutes answers with
    # one dictionary lookup (a miss falls through to the host's own paths below;
    # a module may not be mounted on one of those names).
    host.routes,
    path(f"{root}health", health, name="health"),
    path(f"{root}health/live", live, name="health-live"),
    path(f"{root}health/ready", ready, name="health-ready"),
    # csrf_exempt: the view applies its own CSRF rule (security/graphql_csrf.py).
    path(f"{root}graphql", csrf_exempt(limited(HostGraphQLView.for_schema(
        host.schema, graphiql=settings.DEBUG))), name="graphql"),
    path(f"{root}admin/", admin.site.urls),
]

# Django's own error responses as JSON (used when DEBUG is off; DEV shows its debug pages).
handler400 = "openimis_host.web.json_errors.bad_request"
handler403 = "openimis_host.web.json_errors.permission_denied"
handler404 = "openimis_host.web.json_errors.not_found"
handler500 = "openimis_host.faults.outage.server_error"

"""Content-Security-Policy and Permissions-Policy, which Django does not set itself.

HSTS, nosniff, X-Frame-Options and Referrer-Policy come from Django's
SecurityMiddleware and XFrameOptionsMiddleware (see the security block of
``settings.py``). Installed in MODE=PROD only, where GraphiQL is not served, so
``default-src 'self'`` need allow nothing for it; the GraphiQL page (DEV) loads only
the host's own files and has no inline script or style anyway.
"""

from django.conf import settings


class SecurityHeadersMiddleware:
    """Adds CONTENT_SECURITY_POLICY and PERMISSIONS_POLICY to every response that lacks them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {name: value for name, value in (
            ("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY),
            ("Permissions-Policy", settings.PERMISSIONS_POLICY),
        ) if value}

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        return response

"""Content-Security-Policy and Permissions-Policy, which Django does not set itself, and
the ``Secure`` flag of cookies set over plain HTTP.

HSTS, nosniff, X-Frame-Options and Referrer-Policy come from Django's
SecurityMiddleware and XFrameOptionsMiddleware (see ``settings/security.py``).
Installed in MODE=PROD only, where GraphiQL is not served, so ``default-src 'self'``
need allow nothing for it; the GraphiQL page (DEV) loads only
the host's own files and has no inline script or style anyway.

In PROD every cookie the host sets (session, CSRF, JWT) is ``Secure``. A plain-HTTP
request only reaches the views when the operator turned SECURE_SSL_REDIRECT off: TLS
ends at a proxy that does not say so, or there is no TLS (a test, a private
network). There a ``Secure`` cookie is never sent back by a client (browsers on
other hosts than localhost, Python's cookie jar), so openIMIS's session-bound CSRF
token breaks every mutation; and the flag protects nothing, the cookie having just
crossed the network in the clear. Such cookies go without the flag, as openimis-be_py's
session cookie does, and the first one is logged at WARNING, naming the settings that
tell the host about a proxy's HTTPS.
"""

import logging

from django.conf import settings

log = logging.getLogger("openimis_host.security")


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
        if response.cookies and not request.is_secure():
            plain_http_cookies(response)
        return response


_warned = False


def plain_http_cookies(response) -> None:
    """Clear the ``Secure`` flag of the cookies of a response to a plain-HTTP request."""
    global _warned
    cleared = [name for name, morsel in response.cookies.items() if morsel["secure"]]
    for name in cleared:
        response.cookies[name]["secure"] = ""
    if cleared and not _warned:
        _warned = True
        log.warning("MODE=PROD: cookies (%s) set over plain HTTP are not marked Secure. If "
                    "clients reach the host over HTTPS through a proxy, tell the host so: "
                    "FORWARDED_ALLOW_IPS=<the proxy's address> (gunicorn) or "
                    "TRUST_X_FORWARDED_PROTO=true", ", ".join(sorted(cleared)))

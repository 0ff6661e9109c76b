"""The HTTP -> HTTPS redirect carries the security headers like every other response
(gunicorn, PROD, SECURE_SSL_REDIRECT on by default).
"""

from __future__ import annotations

from production_support import call, prod


def test_the_https_redirect_carries_the_security_headers(host_env, gunicorn):
    server = gunicorn({**prod(host_env), "SECURE_SSL_REDIRECT": ""}, workers=1)  # default: on
    for path in ("/health", "/graphql", "/admin/login/"):
        redirect = call("GET", server.url + path)
        assert redirect.status == 301, (path, redirect.status)
        assert redirect.header("Location") == f"https://127.0.0.1:{server.port}{path}"
        expected = {
            "X-Frame-Options": "DENY",
            "Content-Security-Policy": "default-src 'self'",
            "Permissions-Policy": "geolocation=(), microphone=()",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
        }
        assert {name: redirect.header(name) for name in expected} == expected, path

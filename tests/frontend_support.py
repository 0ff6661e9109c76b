"""A browser as openIMIS's frontend (fe-core 1.11.0) uses it, for the legacy tests.

It keeps cookies as a browser behind TLS would: each cookie with the attributes the
host set (HttpOnly, Secure, SameSite), sent back on every request. The host runs on
plain HTTP here and is told it is HTTPS by ``X-Forwarded-Proto: https`` (gunicorn
trusts it from 127.0.0.1), as behind a TLS-terminating proxy, so Secure cookies are
set and, like a browser on https://, this client sends them back.

The requests replay fe-core's ``actions.js``: every call is a JSON POST to
``<api>/graphql`` (or a GET of ``<api>/core/users/current_user/``) with
``X-Requested-With: XMLHttpRequest`` and ``X-CSRFToken`` (the token getCsrfToken
gave, "null" before), and the login asks tokenAuth for ``refreshExpiresIn`` only.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie

#: fe-core 1.11.0's queries, as actions.js writes them.
REFRESH = "mutation refreshAuthToken { refreshToken { refreshExpiresIn } }"
LOGIN = ("mutation authenticate($username: String!, $password: String!) { tokenAuth(username: "
         "$username, password: $password) { refreshExpiresIn } }")
CSRF = "mutation { getCsrfToken { csrfToken } }"
LOGOUT = "mutation logout { deleteTokenCookie { deleted } deleteRefreshTokenCookie { deleted } }"
CURRENT_USER = "/api/core/users/current_user/"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to look at (the admin's login redirect)


class Browser:
    """Cookies kept by name with their attributes; ``csrf`` is fe-core's localStorage token."""

    def __init__(self, base: str, https: bool = True):
        self.base = base
        self.https = https
        self.cookies: dict[str, str] = {}
        self.set_cookies: dict[str, dict] = {}  # name -> the attributes of its last Set-Cookie
        self.csrf = None
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(self, method: str, path: str, body: bytes | None = None, headers=None,
                content_type: str = "application/json"):
        sent = {"Content-Type": content_type, "X-Requested-With": "XMLHttpRequest",
                "X-CSRFToken": self.csrf or "null", **(headers or {})}
        if self.https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=sent)
        try:
            with self.opener.open(req, timeout=60) as resp:
                status, headers_in, raw = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as err:
            status, headers_in, raw = err.code, err.headers, err.read()
        for line in headers_in.get_all("Set-Cookie") or ():
            self._keep(line)
        try:
            return status, json.loads(raw or b"null")
        except ValueError:
            return status, raw.decode(errors="replace")

    def _keep(self, line: str) -> None:
        cookie = SimpleCookie()
        cookie.load(line)
        for name, morsel in cookie.items():
            attrs = {k: morsel[k] for k in ("httponly", "secure", "samesite", "max-age")}
            self.set_cookies[name] = {**attrs, "value": morsel.value}
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def graphql(self, query: str, variables=None, **kw):
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        return self.request("POST", "/api/graphql", body, **kw)

    def form(self, path: str, fields: dict, **kw):
        """A form-encoded POST (what another site's page could send)."""
        return self.request("POST", path, urllib.parse.urlencode(fields).encode(),
                            content_type="application/x-www-form-urlencoded", **kw)

    def login(self, username: str, password: str):
        """fe-core's login: tokenAuth (refreshExpiresIn only), getCsrfToken with
        ``Authorization: JWT undefined``, then current_user. Returns current_user's answer."""
        status, body = self.graphql(LOGIN, {"username": username, "password": password})
        assert status == 200 and "errors" not in body, body
        assert set(body["data"]["tokenAuth"]) == {"refreshExpiresIn"}, body
        # fe-core reads data.tokenAuth.token, which it did not ask for: undefined.
        status, body = self.graphql(CSRF, headers={"Authorization": "JWT undefined"})
        assert status == 200 and "errors" not in body, body
        self.csrf = body["data"]["getCsrfToken"]["csrfToken"]
        return self.request("GET", CURRENT_USER)

"""The CSRF rule of the GraphQL endpoint: a form-encoded POST must carry Django's CSRF token.

A browser attaches cookies (the ``JWT`` cookie, Django's session) to a POST that
another site's page sends, but such a page can only send a *simple* request:
``application/x-www-form-urlencoded``, ``multipart/form-data`` or ``text/plain``.
Anything else (``application/json``, ``application/graphql``, any custom header)
makes the browser ask the host first (a CORS preflight), which the host does not
grant to other origins. So, like Apollo Server's CSRF prevention:

- JSON and ``application/graphql`` bodies pass: another site cannot send them.
  (``text/plain`` and other types are refused with 415 already.)
- A form-encoded POST (urlencoded or multipart) must pass Django's CSRF check:
  the ``csrftoken`` cookie and the same token in ``X-CSRFToken`` (or the
  ``csrfmiddlewaretoken`` field), and, over HTTPS, an Origin/Referer in
  ``CSRF_TRUSTED_ORIGINS`` or the host's own. A 403 ``csrf_failed`` otherwise.
- A request authenticated by its ``Authorization`` header (``Bearer`` or ``JWT``) passes: a
  browser never adds that header by itself (security/auth.py marks it exempt).

The endpoint is wrapped in ``csrf_exempt`` (urls.py) so that Django's middleware
leaves the decision to this rule.
"""

from __future__ import annotations

from django.middleware.csrf import CsrfViewMiddleware

#: What an HTML form on another site can POST (text/plain is refused earlier, with 415).
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refusal(request, content_type: str):
    """None if the POST may run; else the 403 JSON response of CSRF_FAILURE_VIEW."""
    if content_type not in FORM_CONTENT_TYPES:
        return None
    check = CsrfViewMiddleware(lambda _request: None)
    check.process_request(request)  # the CSRF cookie into request.META
    # callback None: not csrf_exempt; request._dont_enforce_csrf_checks (header login) is honoured.
    return check.process_view(request, None, (), {})

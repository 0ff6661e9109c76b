"""REMOTE_USER_AUTHENTICATION: trust the user name a front-end proxy puts in a header."""

from django.conf import settings
from django.contrib.auth.middleware import RemoteUserMiddleware as DjangoRemoteUserMiddleware


class RemoteUserMiddleware(DjangoRemoteUserMiddleware):
    """Django's RemoteUserMiddleware reading ``REMOTE_USER_HEADER_NAME`` (a request.META key).

    gunicorn never sets the WSGI ``REMOTE_USER`` variable, so the default reads
    the proxy's ``Remote-User`` header (``HTTP_REMOTE_USER``). Anyone who can
    reach gunicorn directly can send that header: the proxy must overwrite it
    and be the only way in.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self.header = settings.REMOTE_USER_HEADER_NAME

"""Byte limits on a GraphQL request, checked before anything is parsed.

The token limit (GRAPHQL_MAX_TOKENS) counts tokens, and one token can be
megabytes long: the lexers of graphql-core 2 and 3 read a string literal
character by character in Python, so a query holding one 9.5 MB string cost
seconds of CPU, under the GIL that the worker's other threads (health checks
included) wait for. Two byte limits bound that work instead:

- GRAPHQL_MAX_QUERY_BYTES: the query document, in UTF-8 bytes;
- GRAPHQL_MAX_VARIABLES_BYTES: the variables, as the JSON text the client sent.

They are checked in this order, each before the thing it protects is touched:

1. :func:`body_refusal`, from the Content-Length header, before the body is read
   or decoded: a JSON body longer than both limits together (plus
   :data:`JSON_ENVELOPE` bytes for the keys and the operation name) cannot hold a
   query and variables within them; an ``application/graphql`` body is the query
   itself. The body, at most DATA_UPLOAD_MAX_MEMORY_SIZE (a larger one is refused
   earlier, unread), is then read and dropped without being decoded, so that the
   client, still sending, reads the answer rather than a reset connection.
2. :func:`params_refusal`, on the decoded request (any content type, GET
   included), before the query is parsed and before a variables string is
   decoded.

A refusal is a 413 whose message names the limit and its setting. 0 turns a limit off.
"""

from __future__ import annotations

import io
import json

from django.conf import settings

#: What a JSON body holds besides the query and the variables (keys, operationName,
#: quotes, escapes): a body over the two limits by more than this is refused unread.
JSON_ENVELOPE = 4096
#: How much of a refused body is read at a time while it is dropped: large, because
#: gunicorn's reader copies what it has read ahead (up to 1 MiB) on every read(), so
#: 64 KiB reads of a 9.5 MB body took some 100 ms instead of a few.
_CHUNK = 1024 * 1024


class TooLarge(Exception):
    """A request over a byte limit; ``str()`` is the client's message, ``code`` its code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _query_refusal(size: int) -> TooLarge:
    limit = settings.GRAPHQL_MAX_QUERY_BYTES
    return TooLarge("query_too_large", f"the query is {size} bytes; the limit is {limit} bytes "
                    f"(GRAPHQL_MAX_QUERY_BYTES)")


def _variables_refusal(size: int) -> TooLarge:
    limit = settings.GRAPHQL_MAX_VARIABLES_BYTES
    return TooLarge("variables_too_large", f"the variables are {size} bytes of JSON; the limit "
                    f"is {limit} bytes (GRAPHQL_MAX_VARIABLES_BYTES)")


def body_refusal(request, content_type: str | None, length: int) -> TooLarge | None:
    """The refusal of a POST whose Content-Length (``length``) is over the limits, or None.

    On a refusal the body has been read and dropped (``length`` is at most
    DATA_UPLOAD_MAX_MEMORY_SIZE here), so nothing of it is decoded.
    """
    query_limit = settings.GRAPHQL_MAX_QUERY_BYTES
    variables_limit = settings.GRAPHQL_MAX_VARIABLES_BYTES
    refusal = None
    if content_type == "application/graphql":
        if query_limit and length > query_limit:
            refusal = _query_refusal(length)
    elif content_type == "application/json" and query_limit and variables_limit:
        if length > query_limit + variables_limit + JSON_ENVELOPE:
            refusal = TooLarge(
                "body_too_large", f"the request body is {length} bytes; a GraphQL request may be "
                f"at most {query_limit + variables_limit + JSON_ENVELOPE} bytes: the query up to "
                f"{query_limit} (GRAPHQL_MAX_QUERY_BYTES), the variables up to "
                f"{variables_limit} (GRAPHQL_MAX_VARIABLES_BYTES), {JSON_ENVELOPE} for the rest")
    if refusal is not None:
        _drop_body(request)
    return refusal


def _drop_body(request) -> None:
    """Read the body to its end without keeping it (Django bounds it by Content-Length)."""
    if _drop_from_gunicorn_socket(request):
        return
    while request.read(_CHUNK):
        pass


def _drop_from_gunicorn_socket(request) -> bool:
    """Drop the rest of the body straight from gunicorn's socket; False if this is not gunicorn.

    Through gunicorn's reader every byte is copied three times, into a new object each
    time, while holding the GIL: six 9.5 MB bodies at once took 200 to 400 ms on a busy
    machine. ``recv_into`` one reused buffer does no more than the kernel's copy.
    gunicorn keeps what it read ahead of the headers in its reader's buffer: that
    part of the body is taken from there, and anything after the body is left there.
    """
    reader = getattr(request.META.get("wsgi.input"), "reader", None)  # gunicorn's LengthReader
    unreader = getattr(reader, "unreader", None)
    sock = getattr(unreader, "sock", None)
    held = getattr(unreader, "buf", None)
    remaining = getattr(reader, "length", None)
    if sock is None or held is None or not isinstance(remaining, int):
        return False
    buffered = held.getvalue()
    taken = min(len(buffered), remaining)
    unreader.buf = io.BytesIO()
    unreader.buf.write(buffered[taken:])
    remaining -= taken
    buffer = bytearray(_CHUNK)
    while remaining > 0:
        count = sock.recv_into(buffer, min(remaining, _CHUNK))
        if not count:
            break
        remaining -= count
    reader.length = 0
    return True


def params_refusal(request, data: dict) -> TooLarge | None:
    """The refusal of a decoded request whose query or variables are over the limits, or None.

    Reads ``query`` and ``variables`` where graphene-django does (the URL first,
    then the body) without decoding them: a variables string is measured as sent.
    """
    query = request.GET.get("query") or data.get("query")
    limit = settings.GRAPHQL_MAX_QUERY_BYTES
    # A str's length in characters is a lower bound on its UTF-8 size: encode only near the limit.
    if limit and isinstance(query, str) and len(query) * 4 > limit:
        size = len(query.encode("utf-8", "surrogatepass"))
        if size > limit:
            return _query_refusal(size)
    limit = settings.GRAPHQL_MAX_VARIABLES_BYTES
    variables = request.GET.get("variables") or data.get("variables")
    if limit and variables:
        if isinstance(variables, str):
            size = len(variables.encode("utf-8", "surrogatepass"))
        elif isinstance(variables, (dict, list)):
            # Decoded with the body: measured as compact JSON (C speed, bounded by the body limit).
            size = len(json.dumps(variables, separators=(",", ":"),
                                  ensure_ascii=False).encode("utf-8", "surrogatepass"))
        else:
            return None  # not JSON text or an object: the view's own check answers 400
        if size > limit:
            return _variables_refusal(size)
    return None

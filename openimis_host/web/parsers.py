"""DRF's JSON parser, with every malformed body a 400 rather than a 500.

DRF's own parser turns a ``ValueError`` (bad JSON, and bad UTF-8, a
``UnicodeDecodeError``) into a 400, but
``json.loads`` raises ``RecursionError`` on JSON nested a few thousand deep, which
DRF lets through as a 500. The host makes this parser the default for every DRF
view (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``); a view that names its own
``parser_classes`` should use it too.
"""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class HostJSONParser(JSONParser):
    """``rest_framework.parsers.JSONParser`` answering 400 to JSON nested too deeply."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply") from None

"""The HTTP side every endpoint shares (GraphQL's own checks are in ``graphql/``).

JSON error bodies (``json_errors.py``: handler400/403/404, CSRF failures, the shapes
the other parts answer in), DRF's default JSON parser (``parsers.py``) and the host's
own middleware: static files (``staticfiles.py``), the response language
(``language.py``) and ``?prof=True`` (``profiler.py``).
"""

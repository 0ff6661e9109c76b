"""Redis as the cache: ``cache.py`` (Django's RedisCache with a ``clear()`` scoped to its
own keys) and ``databases.py`` (which Redis database holds what; the cache and the
Celery broker never share one).

Inside this package the ``redis`` client library is reached with absolute imports,
which never resolve to this package.
"""

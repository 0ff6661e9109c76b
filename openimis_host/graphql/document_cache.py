"""The GraphQL view's cache of parsed and validated documents, bounded by count and by bytes.

A parsed document takes about 40 times its query text in memory (2.8 MB for a
64 KB query of 2,300 aliased fields), in tens of thousands of small objects.
``functools.lru_cache`` bounded only by count let 150 distinct 64 KB queries
hold hundreds of megabytes per worker; and every object the cache keeps alive
is walked again by each full garbage collection, which made a miss dearer than
no cache at all (bench/document_cache.py). So the cache counts the query text
of its entries against ``GRAPHQL_DOCUMENT_CACHE_BYTES`` and evicts the least
recently used ones to stay under it; a query longer than an eighth of the
budget is never kept, so one query cannot flush the cache by itself.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class DocumentCache:
    """``get(query)``: ``compute(query)``, remembered for the most recently used queries.

    At most ``max_entries`` entries whose query strings add up to at most
    ``max_bytes`` characters; ``max_entries=0`` or ``max_bytes=0`` keeps nothing.
    """

    def __init__(self, compute: Callable[[str], Any], max_entries: int, max_bytes: int):
        self.compute = compute
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.largest = max_bytes // 8
        self.entries: OrderedDict[str, Any] = OrderedDict()
        self.size = 0  # the length of the cached query strings, summed
        self.lock = threading.Lock()  # gunicorn's gthread workers share one cache

    def get(self, query: str):
        """The computed value for ``query``, from the cache when it holds it."""
        with self.lock:
            value = self.entries.get(query)
            if value is not None:
                self.entries.move_to_end(query)
                return value
        value = self.compute(query)
        if len(query) <= self.largest and self.max_entries:
            with self.lock:
                if query not in self.entries:
                    self.entries[query] = value
                    self.size += len(query)
                    while len(self.entries) > self.max_entries or self.size > self.max_bytes:
                        evicted, _ = self.entries.popitem(last=False)
                        self.size -= len(evicted)
        return value

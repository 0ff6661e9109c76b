"""DocumentCache: least recently used entries go first, by count and by the bytes of their text."""

from __future__ import annotations

from openimis_host.graphql.document_cache import DocumentCache


def counting_cache(max_entries: int, max_bytes: int):
    computed = []

    def compute(query: str):
        computed.append(query)
        return ("document of", query)

    return DocumentCache(compute, max_entries, max_bytes), computed


def test_a_repeated_query_is_computed_once():
    cache, computed = counting_cache(10, 1000)
    assert cache.get("{ a }") == ("document of", "{ a }")
    assert cache.get("{ a }") == ("document of", "{ a }")
    assert computed == ["{ a }"]


def test_the_bytes_bound_evicts_the_least_recently_used():
    cache, computed = counting_cache(100, 80)  # entries up to 10 characters
    queries = [f"{{ q{i:05d} }}" for i in range(8)]  # 10 characters each: 8 fill 80
    for query in queries:
        cache.get(query)
    cache.get(queries[0])  # now the most recently used
    cache.get("{ q99999 }")  # over 80: the least recently used, queries[1], goes
    assert cache.size == 80 and len(cache.entries) == 8
    computed.clear()
    cache.get(queries[0])
    cache.get(queries[1])
    assert computed == [queries[1]]


def test_the_count_bound_and_the_largest_entry():
    cache, computed = counting_cache(2, 10**6)
    for query in ("a", "b", "c"):
        cache.get(query)
    assert list(cache.entries) == ["b", "c"]
    big = "x" * (10**6 // 8 + 1)  # over an eighth of the budget: never kept
    cache.get(big)
    cache.get(big)
    assert computed.count(big) == 2 and big not in cache.entries


def test_zero_keeps_nothing():
    for entries, size in ((0, 1000), (10, 0)):
        cache, computed = counting_cache(entries, size)
        cache.get("{ a }")
        cache.get("{ a }")
        assert computed == ["{ a }", "{ a }"] and not cache.entries

"""The GraphQL document cache is bounded by bytes: distinct big queries do not pile up in a
worker's memory. Through gunicorn (one worker, PROD), reading the worker's RSS from /proc.
"""

from __future__ import annotations

from production_support import graphql, prod, with_probe

COUNT = 60


def big_query(index: int, kb: int = 16) -> str:
    """A distinct valid query of about ``kb`` KB (its document takes some 40 times that)."""
    fields = [f"q{index}f{i}: probePid" for i in range(kb * 1024 // 16)]
    return f"query Q{index} {{ " + " ".join(fields) + " }"


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def test_distinct_big_queries_do_not_fill_the_worker(host_env, gunicorn):
    server = gunicorn(with_probe(prod(host_env, DJANGO_MIGRATE="true", GRAPHQL_MAX_ALIASES="0",
                                      GRAPHQL_MAX_FIELDS="0", GRAPHQL_MAX_ROOT_FIELDS="0")),
                      workers=1)
    pid = graphql(server, "{ probePid }").json()["data"]["probePid"]
    assert graphql(server, big_query(COUNT)).status == 200  # warm-up: the first big request's peak
    before = rss_mb(pid)
    for i in range(COUNT):
        assert graphql(server, big_query(i)).status == 200
    assert graphql(server, "{ probePid }").json()["data"]["probePid"] == pid  # the same worker
    grown = rss_mb(pid) - before
    # Kept by count alone (the old lru_cache of 1024), 80 of these documents grew the worker
    # by 110 MB; the default GRAPHQL_DOCUMENT_CACHE_BYTES (256 KB of text) keeps 16 of them
    # (~11 MB, ~25 MB of RSS with the allocator's fragmentation).
    assert grown < 45, f"the worker grew by {grown:.0f} MB over {COUNT} distinct queries"

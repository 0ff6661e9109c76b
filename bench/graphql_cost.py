"""What the GraphQL cost limits (graphql.limits.cost_errors) add to a small query.

    .venv-test/bin/python bench/graphql_cost.py

The check runs once per distinct query string (the document cache keeps its
result), so the worst case is a miss on every request: the cache is off here.
It times, on CPU, a whole small request through the WSGI handler and the check
alone on the same parsed document, alternating rounds; it prints the medians and
the check's share of the request. The issue's target: under 2%.
"""

from __future__ import annotations

import time
from statistics import median

from host_setup import setup_host

SMALL = """query Small { version: openimisHostVersion ...Host }
fragment Host on Query { openimisHostVersion __typename }"""


def per_call(func, count: int) -> float:
    start = time.process_time()
    for _ in range(count):
        func()
    return (time.process_time() - start) / count


def main() -> None:
    post = setup_host(GRAPHQL_DOCUMENT_CACHE_SIZE="0")
    from graphql import parse

    from openimis_host.graphql.limits import cost_errors

    status, body = post(SMALL)
    assert status == 200 and b'"version"' in body, body
    document = parse(SMALL)
    assert cost_errors(document) == []
    requests, checks = [], []
    for _ in range(15):
        requests.append(per_call(lambda: post(SMALL), 300))
        checks.append(per_call(lambda: cost_errors(document), 20000))
    request, check = median(requests), median(checks)
    print(f"small query, cache off: {request * 1e6:.0f} us per request; "
          f"cost check {check * 1e6:.2f} us = {check / request:.2%} of the request (target < 2%)")


if __name__ == "__main__":
    main()

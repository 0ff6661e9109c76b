"""HTTP for the benchmarks: a request on a new connection; an openIMIS client's login, a bounded load.

Every request goes to 127.0.0.1 on a new connection (``Connection: close``),
so that gunicorn hands each one to whichever worker accepts it first, as it
does for a sync worker (openimis-be_py's); a kept-alive connection would pin
a client thread to one worker for the whole run. Loads are bounded in count
and time (``run_load``).
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time

from harness import Failed  # noqa: F401  raised here, caught by the callers as legacy_http.Failed

# What the benchmark queries: the districts with their region (``parent`` goes through
# request.dataloaders), as openIMIS's front-end lists locations.
LOCATIONS = ('{ locations(type: "D", first: 20) { edges { node '
             '{ id uuid code name type parent { code } } } } }')
LOGIN = 'mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { token } }'
CSRF = "mutation { getCsrfToken { csrfToken } }"


def request(port: int, path: str, body: dict | None = None, headers: dict | None = None,
            timeout: float = 60) -> tuple[int, bytes, dict]:
    """One request on a new connection: (status, body, cookies set by the response)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request("POST" if data else "GET", path, body=data, headers={
            "Content-Type": "application/json", "Connection": "close", **(headers or {})})
        resp = conn.getresponse()
        payload = resp.read()
        cookies = {}
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
        return resp.status, payload, cookies
    finally:
        conn.close()


def graphql(port: int, query: str, variables: dict | None = None, headers: dict | None = None,
            path: str = "/api/graphql") -> tuple[dict, dict]:
    """A GraphQL request that must succeed: (data, cookies); :class:`Failed` otherwise."""
    status, body, cookies = request(port, path, {"query": query, "variables": variables or {}},
                                    headers)
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    if status != 200 or not isinstance(parsed, dict) or parsed.get("errors"):
        raise Failed(f"POST {path} on :{port} answered {status}: {body[:600]!r}")
    return parsed["data"], cookies


def login(port: int, username: str, password: str) -> dict:
    """The headers of a logged-in openIMIS client: Bearer token, session cookie, CSRF token.

    core checks the X-CSRFToken header against the token getCsrfToken put in the
    session, on queries as on mutations (outside MODE=dev)."""
    data, _ = graphql(port, LOGIN, {"u": username, "p": password})
    auth = {"Authorization": "Bearer " + data["tokenAuth"]["token"]}
    data, cookies = graphql(port, CSRF, headers=auth)
    if "sessionid" not in cookies:
        raise Failed(f"getCsrfToken on :{port} set no session cookie (got {sorted(cookies)})")
    return {**auth, "X-CSRFToken": data["getCsrfToken"]["csrfToken"],
            "Cookie": f"sessionid={cookies['sessionid']}"}


def check_locations(data: dict, expected: int) -> None:
    """The locations answer holds ``expected`` districts, each with its region."""
    edges = data["locations"]["edges"]
    if len(edges) != expected or any(e["node"]["parent"] is None for e in edges):
        raise Failed(f"locations answered {len(edges)} districts (expected {expected}, "
                     f"each with a parent): {json.dumps(data)[:600]}")


def run_load(port: int, body: dict, headers: dict, concurrency: int, seconds: float,
             max_requests: int = 100_000) -> dict:
    """``concurrency`` client threads POST ``body`` for ``seconds`` (and at most
    ``max_requests`` in all): requests per second, and latency percentiles in ms.

    Every answer must be a 200 without ``"errors"``: one that is not stops the run
    with :class:`Failed` (a fast error page must never count as throughput).
    """
    payload = json.dumps(body).encode()
    hdrs = {"Content-Type": "application/json", "Connection": "close", **headers}
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds

    def client():
        while not failures:
            with lock:
                if len(latencies) >= max_requests:
                    return
            t0 = time.perf_counter()
            if t0 >= deadline:
                return
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request("POST", "/api/graphql", body=payload, headers=hdrs)
                resp = conn.getresponse()
                answer = resp.read()
                status = resp.status
            except OSError as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
                return
            finally:
                conn.close()
            elapsed = time.perf_counter() - t0
            if status != 200 or b'"errors"' in answer:
                failures.append(f"{status}: {answer[:600]!r}")
                return
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    wall = time.perf_counter() - start
    if failures:
        raise Failed(f"load on :{port}: {failures[0]}")
    if not latencies:
        raise Failed(f"load on :{port}: no request completed in {seconds} s")
    ordered = sorted(latencies)
    return {"requests": len(ordered), "seconds": wall, "rps": len(ordered) / wall,
            "p50_ms": 1000 * statistics.median(ordered),
            "p90_ms": 1000 * ordered[int(0.9 * (len(ordered) - 1))]}

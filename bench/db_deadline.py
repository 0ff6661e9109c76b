"""What the client-side database deadline costs per round trip (openimis_host/faults/db_deadline.py).

    .venv-test/bin/python bench/db_deadline.py [--queries 5000] [--dsn "host=127.0.0.1 user=postgres"]

Runs ``SELECT 1`` on a psycopg 3 connection with and without the deadline, in
interleaved rounds, and prints the fastest round's time per query of each (the
least disturbed by other load on the machine), and the cost of arming and
disarming the watchdog alone.
"""

from __future__ import annotations

import argparse
import time

import psycopg

from openimis_host.faults.db_deadline import _with_deadline
from openimis_host.faults.watchdog import Watchdog


def per_query(conn, queries: int) -> float:
    start = time.perf_counter()
    for _ in range(queries):
        conn.execute("SELECT 1")
    return (time.perf_counter() - start) / queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--dsn", default="host=127.0.0.1 port=5432 user=postgres dbname=postgres")
    args = parser.parse_args()
    plain = psycopg.connect(args.dsn, autocommit=True)
    guarded = psycopg.connect(args.dsn, autocommit=True)
    guarded.__class__ = _with_deadline(type(guarded), 12.0)
    samples = {"plain": [], "deadline": []}
    for _ in range(args.rounds):
        samples["plain"].append(per_query(plain, args.queries))
        samples["deadline"].append(per_query(guarded, args.queries))
    p, d = (min(samples[k]) * 1e6 for k in ("plain", "deadline"))
    print(f"SELECT 1, fastest of {args.rounds} rounds x {args.queries} queries:")
    print(f"  plain    {p:7.1f} us/query")
    print(f"  deadline {d:7.1f} us/query  ({d - p:+.1f} us, {100 * (d - p) / p:+.1f}%)")
    print(f"  arm + disarm alone: {arm_cost() * 1e6:.2f} us")


def arm_cost(n: int = 100_000) -> float:
    """Seconds per arm/disarm pair, fastest of 5 runs."""
    watchdog = Watchdog("bench")
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(n):
            watchdog.disarm(watchdog.arm(0, 60))
        runs.append((time.perf_counter() - start) / n)
    return min(runs)


if __name__ == "__main__":
    main()

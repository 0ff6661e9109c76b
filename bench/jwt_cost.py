"""What checking a Bearer token costs per request (one SQL query for the user, and since the
revocation claim, its token version by a subquery and an HMAC).

    .venv-test/bin/python bench/jwt_cost.py

SQLite in a temporary directory, one user; it times on CPU a small GraphQL query sent
with the user's token and the same query without a token, rounds alternating, and
prints the medians and their difference: the cost of authenticating by token.
Run it on two checkouts (PYTHONPATH=<other checkout>) to compare versions.
"""

from __future__ import annotations

import json
import time
from statistics import median

import inprocess
from host_setup import setup_host

QUERY = json.dumps({"query": "{ openimisHostVersion }"}).encode()


def main() -> None:
    setup_host(DJANGO_MIGRATE="false")
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    from openimis_host.security import tokens

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench", password="bench-password")
    token, _ = tokens.issue(user)
    app = get_wsgi_application()
    anonymous = inprocess.request_caller(app, "POST", "/graphql", QUERY)
    with_token = _with_header(inprocess.request_caller, app, f"Bearer {token}")
    assert anonymous()[0] == 200 and with_token()[0] == 200
    samples = {"anonymous": [], "bearer": []}
    for _ in range(15):
        for name, call in (("anonymous", anonymous), ("bearer", with_token)):
            start = time.process_time()
            for _ in range(200):
                call()
            samples[name].append((time.process_time() - start) / 200)
    anon, bearer = median(samples["anonymous"]), median(samples["bearer"])
    print(f"small query: anonymous {anon * 1e6:.0f} us, with a Bearer token {bearer * 1e6:.0f} us; "
          f"the token check costs {(bearer - anon) * 1e6:.0f} us")


def _with_header(make_caller, app, authorization: str):
    """A caller like inprocess.request_caller's, sending ``Authorization``."""
    original = app

    def app_with_header(environ, start_response):
        environ["HTTP_AUTHORIZATION"] = authorization
        return original(environ, start_response)

    return make_caller(app_with_header, "POST", "/graphql", QUERY)


if __name__ == "__main__":
    main()

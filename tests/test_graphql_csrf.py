"""CSRF on the GraphQL endpoint, through gunicorn in PROD: a cross-site form POST (urlencoded or
multipart) carrying only the JWT cookie runs no mutation; the front-end's JSON POST with the
cookie, a form POST with Django's CSRF token, and any POST with a Bearer token do.
"""

from __future__ import annotations

import urllib.parse

from production_support import (
    assert_json_error,
    bearer,
    call,
    graphql,
    login,
    migrate_and_create_user,
    prod,
    token_of,
    with_probe,
)

CREATE = 'mutation { createInsuree(number: "%s", name: "Eve") { insuree { number } } }'
BOUNDARY = "----form-boundary-7MA4YWxkTrZu0gW"


def urlencoded(query: str) -> tuple[str, str]:
    return urllib.parse.urlencode({"query": query}), "application/x-www-form-urlencoded"


def multipart(query: str) -> tuple[str, str]:
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\n{query}\r\n"
            f"--{BOUNDARY}--\r\n")
    return body, f"multipart/form-data; boundary={BOUNDARY}"


def numbers(server, token: str) -> list[str]:
    # Read with the token: in PROD insurees need a login (login by default).
    reply = graphql(server, "{ insurees { number } }", headers=bearer(token))
    return [i["number"] for i in reply.json()["data"]["insurees"]]


def test_a_cross_site_form_post_with_the_cookie_runs_no_mutation(host_env, gunicorn, tmp_path):
    env = with_probe(prod(host_env))
    migrate_and_create_user(env, tmp_path)
    server = gunicorn(env, workers=1)
    reply = login(server)
    token = token_of(reply)
    cookies = reply.cookies()
    jwt_cookie = cookies["JWT"].split(";")[0]
    csrf_cookie = cookies["csrftoken"].split(";")[0]  # graphene-django's view sets it
    url = server.url + "/graphql"

    for encode in (urlencoded, multipart):
        body, content_type = encode(CREATE % "11111111")
        forged = call("POST", url, body, headers={"Cookie": jwt_cookie}, content_type=content_type)
        error = assert_json_error(forged, 403, graphql_shape=True)["errors"][0]
        assert error["extensions"]["code"] == "csrf_failed", error
    assert numbers(server, token) == []

    # What a front-end sends: JSON with the cookie (another site cannot: it needs a preflight).
    assert graphql(server, CREATE % "22222222", headers={"Cookie": jwt_cookie}).status == 200
    # A form with Django's CSRF token, and a form with the Bearer header, pass.
    body, content_type = urlencoded(CREATE % "33333333")
    token_header = {"Cookie": f"{jwt_cookie}; {csrf_cookie}",
                    "X-CSRFToken": csrf_cookie.split("=", 1)[1]}
    assert call("POST", url, body, headers=token_header, content_type=content_type).status == 200
    body, content_type = multipart(CREATE % "44444444")
    assert call("POST", url, body, headers=bearer(token), content_type=content_type).status == 200
    assert numbers(server, token) == ["22222222", "33333333", "44444444"]

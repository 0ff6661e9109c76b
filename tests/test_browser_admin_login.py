"""The Django admin's login in a real headless Chromium, through gunicorn, in DEV and in PROD.

A browser decides the ``Origin`` header of a form POST from the page's Referrer-Policy: with
``no-referrer`` Chromium sends ``Origin: null``, which Django's CSRF check refuses (403) although
the token is right. Tests that post the form from Python send no Origin and cannot see that;
this one types into the page and clicks the button. PROD is served over HTTPS (gunicorn with a
self-signed certificate), as a deployment is: its cookies are Secure and its CSRF check compares
the Origin with the host.
"""

from __future__ import annotations

import datetime
import ipaddress

import pytest
from chromium import Chromium, chromium_binary
from conftest import run_cli
from production_support import PASSWORD, USER, dev, migrate_and_create_user, prod


def browser(*args) -> Chromium:
    binary = chromium_binary()
    if binary is None:
        pytest.fail("chromium is not installed: scripts/test installs it (apt-get install chromium)")
    return Chromium(binary, args=args)


def self_signed(tmp_path):
    """A certificate for 127.0.0.1 and its key, as PEM files (certfile, keyfile)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    certfile, keyfile = tmp_path / "cert.pem", tmp_path / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return certfile, keyfile


def staff_user(env, tmp_path) -> None:
    migrate_and_create_user(env, tmp_path)
    made = run_cli("shell", "-c", "from django.contrib.auth import get_user_model; "
                   f"get_user_model().objects.filter(username={USER!r})"
                   ".update(is_staff=True, is_superuser=True)", env=env, cwd=tmp_path)
    assert made.returncode == 0, made.output


def log_in_with_the_form(chromium: Chromium, base_url: str) -> None:
    """Open the login page, type the user name and password, click "Log in"."""
    chromium.open(base_url + "/admin/login/?next=/admin/")
    chromium.wait_for("!!document.querySelector('#id_username')")
    chromium.click("#id_username")
    chromium.type(USER)
    chromium.click("#id_password")
    chromium.type(PASSWORD)
    chromium.click("input[type=submit]")
    # The POST answers a redirect to /admin/, or (refused) a page of its own; mid-navigation
    # there is no body yet.
    chromium.wait_for("document.readyState === 'complete' && !!document.body"
                      " && !document.querySelector('#id_password')"
                      " || /csrf/i.test(document.body ? document.body.innerText : '')")


def posted_origins(chromium: Chromium) -> list[str]:
    """The Origin header of every POST the page sent (as Chromium reports it)."""
    origins = []
    for event in chromium.events:
        if event.get("method") != "Network.requestWillBeSent":
            continue
        request = event["params"]["request"]
        if request["method"] == "POST":
            origins.append(request["headers"].get("Origin"))
    return origins


@pytest.mark.parametrize("mode", ["DEV", "PROD"])
def test_the_admin_login_works_in_a_real_browser(mode, host_env, gunicorn, tmp_path):
    if mode == "PROD":
        certfile, keyfile = self_signed(tmp_path)
        # SECURE_SSL_REDIRECT stays on, as in a deployment: the browser talks HTTPS.
        env = {**prod(host_env), "SECURE_SSL_REDIRECT": "true"}
        args = ("--certfile", str(certfile), "--keyfile", str(keyfile))
        chromium = browser("--ignore-certificate-errors")
    else:
        env, args, chromium = dev(host_env), (), browser()
    try:
        staff_user(env, tmp_path)
        server = gunicorn(env, workers=1, args=args)
        base = server.url.replace("http://", "https://") if mode == "PROD" else server.url
        log_in_with_the_form(chromium, base)
        page = chromium.js("document.body.innerText")
        assert chromium.js("location.pathname") == "/admin/", page[:500]
        assert "Site administration" in page, page[:500]
        # The browser kept the Origin, so the CSRF check could compare it with the host.
        assert posted_origins(chromium) == [base], posted_origins(chromium)
        policy = chromium.js("fetch('/admin/login/').then(r => r.headers.get('Referrer-Policy'))")
        assert policy == "same-origin"
    finally:
        chromium.close()

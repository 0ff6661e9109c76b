"""A module's translations: extracted into its own locale/, compiled, and used in responses."""

import subprocess
import sys

from conftest import on_current_stack_only, with_dists

pytestmark = on_current_stack_only(
    "gettext: a module's .po and .mo files and Django's translation")

FRENCH = "Le module ward fonctionne."


def install(project, site):
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--no-build-isolation", "--target", str(site), str(project)],
                   check=True, capture_output=True)


def translate(po_file, msgid, msgstr):
    text = po_file.read_text()
    entry = f'msgid "{msgid}"\nmsgstr ""'
    assert entry in text, text
    po_file.write_text(text.replace(entry, f'msgid "{msgid}"\nmsgstr "{msgstr}"'))


def test_a_modules_strings_are_extracted_compiled_and_served_translated(host_env, cli, gunicorn,
                                                                       tmp_path):
    assert cli("create_module", "ward", env=host_env).returncode == 0
    project = tmp_path / "openimis-ward"
    site = tmp_path / "site"
    install(project, site)
    env = with_dists(host_env, site)

    made = cli("makemessages", "--module", "ward", "-l", "fr", env=env)
    assert made.returncode == 0, made.output
    po_file = site / "openimis_ward/locale/fr/LC_MESSAGES/django.po"
    assert "#: views.py:" in po_file.read_text()  # the module's own strings
    assert not (tmp_path / "locale").exists()
    translate(po_file, "The ward module is running.", FRENCH)

    compiled = cli("compilemessages", env=env)
    assert compiled.returncode == 0, compiled.output
    assert "compilemessages: module 'ward'" in compiled.stdout
    assert po_file.with_suffix(".mo").exists()

    server = gunicorn(env, workers=1)
    assert server.get("/ward/ping", headers={"Accept-Language": "fr"}).json()["message"] == FRENCH
    english = server.get("/ward/ping", headers={"Accept-Language": "en"})
    assert english.json()["message"] == "The ward module is running."
    assert "Accept-Language" in english.headers["Vary"]

    # The scaffold's pyproject ships locale/ in the wheel: the author's checkout, rebuilt.
    (project / "openimis_ward/locale").symlink_to(site / "openimis_ward/locale")
    install(project, tmp_path / "site2")
    assert (tmp_path / "site2/openimis_ward/locale/fr/LC_MESSAGES/django.mo").exists()


def test_message_commands_name_an_unknown_or_untranslated_module(host_env, cli):
    unknown = cli("makemessages", "--module", "nope", "-l", "fr", env=host_env)
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("CommandError: --module nope: no installed module of that name "
                                     "(installed: claim, insuree")
    untranslated = cli("compilemessages", "--module", "claim", env=host_env)
    assert untranslated.returncode == 1
    assert "module 'claim' has no translations in" in untranslated.stderr
    assert "Traceback" not in unknown.stderr + untranslated.stderr

"""Configuration mistakes found at boot are one message naming the variable, not a traceback."""

import pytest
from conftest import on_current_stack_only

pytestmark = on_current_stack_only(
    "environment parsing at boot")


@pytest.mark.parametrize("variables, message", [
    ({"OPENIMIS_ENV_FILE": "/nonexistent/.env"}, "OPENIMIS_ENV_FILE='/nonexistent/.env' is not a file"),
    ({"RATELIMIT_KEY": "nope.keyfunc"}, "RATELIMIT_KEY='nope.keyfunc' cannot be imported"),
    ({"DB_PASSWORD": "secret"}, "DB_PASSWORD set but DB_NAME is not"),
    ({"TIME_ZONE": "Mars/Base"}, "TIME_ZONE='Mars/Base' is not valid"),
])
def test_a_bad_setting_stops_the_cli_with_one_message(host_env, cli, variables, message):
    result = cli("check", env={**host_env, **variables})
    assert result.returncode == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_dotenv_file_in_the_working_directory_is_read(host_env, cli, tmp_path):
    (tmp_path / ".env").write_text("INSUREE_GREETING=from-dotenv\n")
    result = cli("shell", "-c", "from django.conf import settings; print(settings.INSUREE_GREETING)",
                 env=host_env)
    assert result.stdout.split()[-1] == "from-dotenv", result.output


def test_the_process_environment_wins_over_the_dotenv_file(host_env, cli, tmp_path):
    (tmp_path / ".env").write_text("INSUREE_GREETING=from-dotenv\n")
    result = cli("shell", "-c", "from django.conf import settings; print(settings.INSUREE_GREETING)",
                 env={**host_env, "INSUREE_GREETING": "from-env"})
    assert result.stdout.split()[-1] == "from-env", result.output

"""Every environment variable of openimis-be_py's README has a row in docs/operators.md,
saying what the host does with it (honoured, passed on to the modules, or not applicable)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

OPERATORS = (Path(__file__).parents[2] / "docs" / "operators.md").read_text()

#: The variables openimis-be_py's README lists, in its order (the shared reference copy).
ORIGINAL = """MODE DB_ENGINE DEMO_DATASET DB_DEFAULT DB_HOST DB_PORT DB_NAME DB_USER DB_PASSWORD
DB_TEST_NAME NO_DATABASE DB_OPTIONS PSQL_DB_ENGINE MSSQL_DB_ENGINE SITE_ROOT DJANGO_LOG_HANDLER
DJANGO_DB_LOG_HANDLER PHOTO_ROOT_PATH DJANGO_MIGRATE SCHEDULER_AUTOSTART OPENSEARCH_HOST
OPENSEARCH_ADMIN OPENSEARCH_PASSWORD BE_BRANCH FE_BRANCH DB_BRANCH ALLOWED_HOST LOKALISE_APIKEY
OPENIMIS_CONF_JSON DB_QUERIES_LOG_FILE DEBUG_LOG_FILE SENTRY_DSN SENTRY_SAMPLE_RATE
IS_SENTRY_ENABLED SITE_URL SECRET_KEY REMOTE_USER_AUTHENTICATION CELERY_BROKER_URL CHANNELS_HOST
EMAIL_HOST EMAIL_PORT EMAIL_HOST_USER EMAIL_HOST_PASSWORD EMAIL_USE_TLS EMAIL_USE_SSL
DATA_UPLOAD_MAX_MEMORY_SIZE MASTER_DATA_PASSWORD FRONTEND_URL DJANGO_SETTINGS_MODULE OPEHNHIM_URL
OPEHNHIM_USER OPEHNHIM_PASSWORD OPENIMIS_CONF CLAIMDOC_TOKEN CACHE_BACKEND CACHE_URL CACHE_OPTIONS
RATELIMIT_CACHE RATELIMIT_KEY RATELIMIT_RATE RATELIMIT_METHOD RATELIMIT_GROUP
RATELIMIT_SKIP_TIMEOUT CSRF_TRUSTED_ORIGINS""".split()


def test_the_list_is_the_readmes_64_variables():
    assert len(ORIGINAL) == len(set(ORIGINAL)) == 64


@pytest.mark.parametrize("name", ORIGINAL)
def test_every_variable_of_the_original_readme_has_a_row_saying_what_the_host_does(name):
    rows = [line for line in OPERATORS.splitlines()
            if line.startswith("|") and re.search(rf"`{name}`", line.split("|")[1])]
    assert rows, f"{name} (openimis-be_py's README) has no row in docs/operators.md"
    # The row says something beyond the name: a default and meaning, or what happens to it.
    assert any(len(row.split("|")[-2].strip()) > 20 for row in rows), rows

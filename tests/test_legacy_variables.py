"""Variables of openimis-be_py's README that the host sets for openIMIS's modules as
openimis-be_py's settings did (docs/operators.md, "The rest of the original README's variables")."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from openimis_host.graphql.stack import LEGACY

pytestmark = pytest.mark.skipif(not LEGACY, reason="openIMIS's stack: .venv-test-legacy")

SHOW = "from django.conf import settings; print('value=%r' % (settings.MASTER_DATA_PASSWORD,))"


def test_master_data_password_becomes_the_setting_tools_reads_and_is_none_when_unset(cli, host_env):
    modules = os.environ.get("OPENIMIS_LEGACY_MODULES")
    if not modules or not Path(modules, "core").is_dir():
        pytest.fail("OPENIMIS_LEGACY_MODULES must name the pinned openIMIS modules (scripts/test)")
    env = {**host_env, "PYTHONPATH": modules, "OPENIMIS_MODULES": "core,location,medical,medical_pricelist"}
    result = cli("shell", "-c", SHOW, env={**env, "MASTER_DATA_PASSWORD": "zip-secret-42"})
    assert "value='zip-secret-42'" in result.stdout, result.output
    result = cli("shell", "-c", SHOW, env=env)
    assert "value=None" in result.stdout, result.output

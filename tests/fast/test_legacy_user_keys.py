"""A fresh key per password change: openimis_host.legacy.user_keys, on a class shaped like core's.

core's own class is exercised through gunicorn in tests/test_legacy_tokens.py; here a stand-in
with core's signature (its default key drawn once, at class creation) is enough to state the rule.
"""

import sys
import types
from hashlib import sha256
from secrets import token_hex

import pytest

from openimis_host.legacy import user_keys


@pytest.fixture
def interactive_user(monkeypatch):
    """A ``core.models.InteractiveUser`` whose ``set_password`` is written as core 1.11 writes it."""

    class InteractiveUser:
        private_key = None

        def set_password(self, raw_password, private_key=token_hex(128)):  # noqa: B008 (core's defect)
            self.private_key = private_key
            self.password = sha256(f"{raw_password}{private_key}".encode()).hexdigest()

    models = types.ModuleType("core.models")
    models.InteractiveUser = InteractiveUser
    monkeypatch.setitem(sys.modules, "core", types.ModuleType("core"))
    monkeypatch.setitem(sys.modules, "core.models", models)
    return InteractiveUser


def test_without_the_bridge_two_changes_keep_one_key(interactive_user):
    user = interactive_user()
    user.set_password("first")
    first = user.private_key
    user.set_password("second")
    assert user.private_key == first  # the defect the bridge is for


def test_each_password_change_gets_a_key_of_its_own(interactive_user):
    user_keys.install()
    user, other = interactive_user(), interactive_user()
    user.set_password("first")
    first = user.private_key
    user.set_password("second")
    other.set_password("second")
    keys = {first, user.private_key, other.private_key}
    assert len(keys) == 3 and all(len(key) == 2 * user_keys.KEY_BYTES for key in keys)
    # The key still salts the hash, as core checks it.
    assert user.password == sha256(f"second{user.private_key}".encode()).hexdigest()


def test_a_key_given_by_the_caller_is_kept_and_installing_twice_wraps_once(interactive_user):
    user_keys.install()
    wrapped = interactive_user.set_password
    user_keys.install()
    assert interactive_user.set_password is wrapped
    user = interactive_user()
    user.set_password("pass", private_key="kept")
    assert user.private_key == "kept"
    user.set_password("pass", private_key=None)  # core's test helper passes a new user's None
    assert user.private_key is None

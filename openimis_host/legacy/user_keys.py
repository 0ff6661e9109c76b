"""A fresh signing key for each of core's password changes.

core signs a user's tokens with ``InteractiveUser.private_key``, which is also the
salt of the stored password hash; a password change gives a new key, and that is
what ends the tokens issued before it. But core declares
``set_password(self, raw_password, private_key=token_hex(128))``: the default is
drawn once, when core is imported. Every change made in one process without a key
then gets that same key (and every user changed there shares it), so the second
change in a gunicorn worker keeps the key of the first, and a token issued between
them stays valid.

The key cannot be replaced afterwards (a pre_save signal, say): it salts the hash,
and the raw password is gone by then. So :func:`install` wraps ``set_password``
itself: a call that names no key gets one drawn for it; a call that names one
(core's test helper keeps the current key) is passed through untouched.
"""

from __future__ import annotations

import functools
from secrets import token_hex

#: The length core draws its keys with (``token_hex(128)``: 256 characters, the column's size).
KEY_BYTES = 128
_UNSET = object()


def install() -> None:
    """Wrap ``core.models.InteractiveUser.set_password`` (once; core's files stay as they are)."""
    from core.models import InteractiveUser

    original = InteractiveUser.set_password
    if getattr(original, "openimis_host_wrapped", False):
        return

    @functools.wraps(original)
    def set_password(self, raw_password, private_key=_UNSET):
        if private_key is _UNSET:
            private_key = token_hex(KEY_BYTES)
        return original(self, raw_password, private_key=private_key)

    set_password.openimis_host_wrapped = True
    InteractiveUser.set_password = set_password

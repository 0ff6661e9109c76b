"""What every other settings file reads: the environment, the mode, the secret key,
the accepted host names, the site's root.

``env`` is the one :class:`openimis_host.env.Environment` every settings file reads through.
"""

from openimis_host.env import Environment
from openimis_host.errors import ConfigError
from openimis_host.security import keys

env = Environment()

# --- mode ------------------------------------------------------------------
MODE = env.choice("MODE", "DEV", ("DEV", "PROD"))
DEBUG = MODE == "DEV"
DEV_SECRET_KEY = "openimis-host-insecure-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", DEV_SECRET_KEY if DEBUG else None)
if not DEBUG:
    # Missing, short, or published (this host's DEV key, openIMIS's fallback, django-insecure-*).
    keys.refuse_weak_secret_key(SECRET_KEY, DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", env.list("ALLOWED_HOST", ["*"] if DEBUG else []))
if not DEBUG and (not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS):
    raise ConfigError(f"ALLOWED_HOSTS={','.join(ALLOWED_HOSTS)!r}: MODE=PROD needs the host names "
                      "clients use, comma-separated, e.g. ALLOWED_HOSTS=imis.example.org "
                      "('*' would accept any Host header)")

# SITE_ROOT "api" serves everything under /api/: modules at /api/<module>/.
SITE_ROOT = env.str("SITE_ROOT", "").strip("/")
SITE_ROOT = f"{SITE_ROOT}/" if SITE_ROOT else ""
SITE_URL = env.str("SITE_URL", "")
FRONTEND_URL = env.str("FRONTEND_URL", "")

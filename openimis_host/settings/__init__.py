"""Django settings (``DJANGO_SETTINGS_MODULE=openimis_host.settings``): the environment, then the modules.

Every variable an operator can set is read in this package, once, through
:class:`openimis_host.env.Environment`; the README lists them. The files are read in
the order below, each a concern (their order is the order of evaluation: a later file
may use an earlier one's values). What they define is gathered here, where Django reads
it; the openIMIS stack and the modules are then folded in, last, because they see and
extend everything above.
"""

from openimis_host import assembly, discovery
from openimis_host.host import POLICIES, current_host
from openimis_host.legacy import settings as legacy_settings

# Star imports on purpose: Django takes the settings from this module's names. The order
# is the order of evaluation, so the import sorter leaves it alone.
# isort: off
from .core import *
from .database import *
from .cache import *
from .security import *
from .login import *
from .django_core import *
from .scheduler import *
from .logs import *
from .graphql import *
from .core import env
from .django_core import GRAPHENE, HOST_APPS
# isort: on

# --- openIMIS modules (pip install 'openimis-host[legacy]', docs/openimis-modules.md) ----
# With openIMIS's core installed, the settings its modules read, decided by the host.
if legacy_settings.installed():
    globals().update(legacy_settings.derive(env, globals()))
    GRAPHENE["RELAY_CONNECTION_MAX_LIMIT"] = 100  # openimis-be_py's

# --- modules (last: the installed modules are folded into everything above) --------
OPENIMIS_MODULE_ERRORS = env.choice("OPENIMIS_MODULE_ERRORS", "fail", POLICIES)
# With openIMIS's core, its createsuperuser comes first (Django takes the first app's command).
INSTALLED_APPS = (["openimis_host.legacy.accounts"] if legacy_settings.installed() else []) + \
    HOST_APPS + ["openimis_host"]  # module apps go before the host's own
_host = current_host() or discovery.from_environment(env)  # a test's setup_host() made one already
assembly.fold_settings(_host, globals(), env)

"""Static files under gunicorn: WhiteNoise, serving each installed app's files where it is.

The host serves the apps' static files (GraphiQL's assets, the admin's) straight from
their packages through Django's finders, so a fresh install needs no ``collectstatic``
before ``gunicorn`` and a newly installed module's files are served after a restart.
An operator who runs ``openimis-host collectstatic`` (for a front proxy, say) gets
STATIC_ROOT served as well.
"""

import os

from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise that accepts a STATIC_ROOT nobody collected into.

    WhiteNoise warns "No directory at" for a missing STATIC_ROOT on every start; here
    that is the normal case, since the finders serve the same files.
    """

    def add_files(self, root, prefix=None):
        """Add ``root`` unless it is a STATIC_ROOT that does not exist (yet)."""
        if root == self.static_root and not os.path.isdir(root):
            return
        super().add_files(root, prefix)

"""``request.dataloaders``: what openIMIS modules' resolvers batch their lookups with.

An openIMIS AppConfig may have ``set_dataloaders(dataloaders)``, which fills
a dict with DataLoader instances. openimis-be_py's view builds that dict for
each request; here a middleware does, so the host's GraphQL view stays as it is.
"""

from __future__ import annotations

from django.apps import apps


class DataloaderMiddleware:
    """Gives each request fresh ``request.dataloaders`` (a loader caches for one request only)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.configs = [a for a in apps.get_app_configs() if callable(getattr(a, "set_dataloaders", None))]

    def __call__(self, request):
        loaders: dict = {}
        for config in self.configs:
            config.set_dataloaders(loaders)
        request.dataloaders = loaders
        return self.get_response(request)

"""The app that holds the openIMIS ``createsuperuser`` (package docstring)."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """No models: management commands only."""

    name = "openimis_host.legacy.accounts"
    label = "openimis_host_legacy_accounts"

from django.apps import AppConfig


class InsureeConfig(AppConfig):
    name = "openimis_insuree"
    default_auto_field = "django.db.models.BigAutoField"

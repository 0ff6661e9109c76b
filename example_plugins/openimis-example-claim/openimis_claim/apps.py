from django.apps import AppConfig

READY_CALLS = 0


class ClaimConfig(AppConfig):
    name = "openimis_claim"
    default_auto_field = "django.db.models.BigAutoField"

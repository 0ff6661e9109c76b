"""What openIMIS modules need but do not declare, checked before their app is installed.

A module whose need is missing fails alone, with the distribution to pip
install, instead of the whole boot dying in an ImportError deep inside Django.
"""

from __future__ import annotations

import importlib.util

#: Module -> (import name, distribution to install), as seen with the 1.11.0 releases.
UNDECLARED: dict[str, tuple[tuple[str, str], ...]] = {
    "core": (("django_apscheduler", "django-apscheduler"), ("celery", "celery"),
             ("graphql_jwt", "django-graphql-jwt"), ("axes", "django-axes"),
             ("graphene_django_optimizer", "graphene-django-optimizer")),
    # location's HealthFacility has foreign keys to medical_pricelist, which needs medical.
    "location": (("django_redis", "django-redis"), ("medical_pricelist", "openimis-be-medical-pricelist"),
                 ("medical", "openimis-be-medical")),
    "medical_pricelist": (("medical", "openimis-be-medical"),),
    "report": (("reportbro", "reportbro-lib"),),
    "insuree": (("claim", "openimis-be-claim"), ("policy", "openimis-be-policy")),
    "policy": (("contribution_plan", "openimis-be-contribution-plan"),),
    "claim": (("requests", "requests"),),
}


class MissingDependency(ImportError):
    """An openIMIS module needs a distribution that is not installed."""


def check(module: str) -> None:
    """Raise :class:`MissingDependency` naming what to pip install if ``module`` cannot work here."""
    import graphql

    if not graphql.__version__.startswith("2."):
        raise MissingDependency(
            f"openIMIS modules need graphene 2 (graphql-core 2), but graphql-core "
            f"{graphql.__version__} is installed: pip install 'openimis-host[legacy]'")
    missing = [dist for name, dist in UNDECLARED.get(module, ()) if not _importable(name)]
    if missing:
        raise MissingDependency(
            f"it needs {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not "
            f"installed (not declared by the module): pip install {' '.join(missing)}")


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False

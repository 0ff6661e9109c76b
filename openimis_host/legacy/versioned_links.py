"""One-to-one links of openIMIS's versioned models, made as plain indexed columns on a new database.

openIMIS versions most of its tables by copying rows: core's ``BaseVersionedModel.save_history``
saves a copy of the row (new id, ``ValidityTo`` set, ``LegacyID`` the current row) with every
link it has. A ``OneToOneField`` on such a model (insuree's ``Insuree.photo``, ``PhotoID``;
claim's ``Claim.feedback``) is therefore repeated by each history row, and openIMIS's SQL schema
makes those columns plain foreign keys, without a unique constraint; the modules' migrations
declared the fields while the models were unmanaged, so they never added one either.

A database made from the models (``OPENIMIS_DATABASE=new``, Django's syncdb path) would make
them ``UNIQUE``, and the first history copy fails ("duplicate key value violates unique
constraint"): insuree's family creation and photo update do exactly that. So while the host's
``migrate`` creates the tables, such a field is taken as not unique; Django then gives its column
the index it gives any foreign key. Only tables created by that run are concerned: a table that
exists is never altered, whatever made it.

The rule is read from the models themselves (the base class core versions by copying), not
from a list of tables. One column of openIMIS's SQL schema differs: ``tblFeedback.ClaimID`` is
unique there, though claim's ``Feedback`` is versioned the same way; on a new database it is a
plain indexed column like the others (the looser of the two: nothing the original accepts is
refused).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from django.db import models

#: core's row-copying versioned bases (core/models/versioned_model.py), by name, so that the
#: rule needs no import of core and applies to whichever of them a model inherits.
VERSIONED_BASES = frozenset({"BaseVersionedModel", "VersionedModel", "UUIDVersionedModel"})


def is_versioned(model: type[models.Model]) -> bool:
    """True if ``model`` inherits one of core's versioned bases, whose history rows are copies."""
    return any(base.__name__ in VERSIONED_BASES and base.__module__.startswith("core.")
               for base in model.__mro__)


def versioned_links(model_classes: Iterable[type[models.Model]]) -> list[models.OneToOneField]:
    """The one-to-one fields (not primary keys) of the versioned models among ``model_classes``."""
    return [field for model in model_classes if is_versioned(model)
            for field in model._meta.local_fields
            if isinstance(field, models.OneToOneField) and not field.primary_key]


@contextlib.contextmanager
def not_unique(fields: Iterable[models.Field]) -> Iterator[None]:
    """Within the block each of ``fields`` reads as not unique (``field.unique`` is False), so the
    schema editor makes its column without ``UNIQUE`` and indexes it as a foreign key; as they
    were afterwards."""
    # Field.unique is a cached_property: a value in the instance's __dict__ is what it returns.
    saved = [(field, field.__dict__.get("unique", _ABSENT)) for field in fields]
    for field, _ in saved:
        field.__dict__["unique"] = False
    try:
        yield
    finally:
        for field, value in saved:
            if value is _ABSENT:
                field.__dict__.pop("unique", None)
            else:
                field.__dict__["unique"] = value


_ABSENT = object()

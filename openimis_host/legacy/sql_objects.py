"""SQL objects that openIMIS's modules query with raw SQL, made on a new database.

A database made by openIMIS's SQL scripts holds views, functions and tables that no model
makes, and some of the modules' own SQL reads them (docs/openimis-modules.md):

- insuree's reports ``insuree_missing_photo`` and ``insurees_pending_enrollment`` read the
  views of the location levels (``tblRegions``, ``tblDistricts``, ``tblWards``,
  ``tblVillages``: rows of ``tblLocations`` under the names of the tables they once were) and
  the table ``tblSubmittedPhotos`` (photos sent by the enrolment officers' phones);
- claim's report ``claim_percentage_referrals`` reads ``uvwLocations`` (each location with its
  region and district);
- policy's report ``policy_primary_operational_indicators`` calls ``year``, ``month``,
  ``dateadd_day`` and ``datediff_day``, SQL Server's date functions as openIMIS's scripts
  give them to PostgreSQL.

On a new database (``OPENIMIS_DATABASE=new``, the tables made from the models) those reports
fail without them. So a ``post_migrate`` handler of core, next to the reference data and run
the same way by ``openimis-host migrate`` and by the test runner's database, makes what is
missing. Each object is the host's own definition, with only the columns the modules' SQL
reads, built from the modules' facts: the tables and columns of location's ``Location``,
insuree's and core's models (a column keeps the type of the field it mirrors) and the level
codes of location's ``DEFAULT_CFG``. An object is made when a module whose SQL reads it is
installed, and only where nothing of its name exists: an existing one, whatever made it, is
never altered.

PostgreSQL only (openIMIS's scripts are written for it and SQL Server; these definitions use
PostgreSQL's SQL). On a database made by openIMIS's scripts (``OPENIMIS_DATABASE=existing``)
nothing is made: the scripts made them, and location's own migrations drop and remake the
level views when they alter ``tblLocations``. Stored procedures that hold whole business
processes (claim_batch's ``uspBatchProcess``, payment's ``uspMatchPayment``...) are SQL
Server's ``EXEC`` calls: not made here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("openimis_host")

#: The views the modules' SQL reads for the first four location levels, in location's level
#: order (``location_types``): (view, id column, column of the parent's id, name column).
LEVEL_VIEWS = (
    ("tblRegions", "RegionId", None, "RegionName"),
    ("tblDistricts", "DistrictId", "Region", "DistrictName"),
    ("tblWards", "WardId", "DistrictId", "WardName"),
    ("tblVillages", "VillageId", "WardId", "VillageName"),
)

#: PostgreSQL's date and time types the date functions take: a DateField's column, a naive
#: datetime parameter, a DateTimeField's column. One function of each, so that no argument is
#: converted through the session's time zone.
DATE_TYPES = ("date", "timestamp", "timestamptz")


@dataclass(frozen=True)
class SqlObject:
    """One object: its kind and name (a relation, or a function's signature), the modules
    whose SQL reads it (made if any is installed), the apps of the models it is built on
    (all must be installed), and its ``CREATE`` statement, built when it is made."""

    kind: str  # "view", "table" or "function"
    name: str  # a relation's name, or a function's signature: "year(date)"
    read_by: tuple[str, ...]
    built_on: tuple[str, ...]
    create: Callable[[object], str]  # the connection -> the statement


def install() -> None:
    """Connect :func:`ensure` to the ``post_migrate`` signal of core's app."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    post_migrate.connect(ensure, sender=apps.get_app_config("core"),
                         dispatch_uid="openimis_host.legacy.sql_objects")


def ensure(sender=None, using="default", verbosity=1, **kwargs) -> None:
    """Make the objects of :func:`objects` that the database lacks (new PostgreSQL ones only)."""
    from django.apps import apps
    from django.conf import settings
    from django.db import connections, transaction

    connection = connections[using]
    if not getattr(settings, "LEGACY_SYNCDB", False) or connection.vendor != "postgresql":
        return
    if not apps.is_installed("location"):
        return  # every view is built on its tblLocations, and policy (the functions') needs it
    from location.models import Location

    if Location._meta.db_table not in connection.introspection.table_names():
        return  # a migrate before the modules' tables exist (`migrate auth`, the first step)
    made = []
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for item in objects():
            if not any(apps.is_installed(m) for m in item.read_by) \
                    or not all(apps.is_installed(m) for m in item.built_on):
                continue
            probe = "to_regprocedure" if item.kind == "function" else "to_regclass"
            cursor.execute(f"SELECT {probe}(%s)", [_probe_name(item, connection)])
            if cursor.fetchone()[0] is not None:
                continue  # there already, whatever made it: left as it is
            cursor.execute(item.create(connection))
            made.append(f"{item.kind} {item.name}")
    if made and verbosity:
        log.info("openIMIS SQL objects on database %r: %s", using, "; ".join(made))


def _probe_name(item: SqlObject, connection) -> str:
    if item.kind == "function":
        return item.name
    return connection.ops.quote_name(item.name)  # "tblVillages": the name as written, not folded


def objects() -> list[SqlObject]:
    """Every object, views first (in level order), then the table, then the functions."""
    found = [SqlObject("view", view, ("insuree",), ("location",),
                       _level_view_sql(level, view, id_column, parent, name))
             for level, (view, id_column, parent, name) in enumerate(LEVEL_VIEWS)]
    found.append(SqlObject("view", "uvwLocations", ("claim",), ("location",), _locations_sql))
    found.append(SqlObject("table", "tblSubmittedPhotos", ("insuree",), ("insuree", "core"),
                           _submitted_photos_sql))
    for function, (args, returns, body) in _DATE_FUNCTIONS.items():
        for type_ in DATE_TYPES:
            signature = f"{function}({args.format(t=type_)})"
            found.append(SqlObject("function", signature, ("policy",), (),
                                   _function_sql(signature, returns.format(t=type_),
                                                 body.get(type_, body["*"]), type_)))
    return found


#: name -> (its arguments, its result, its body: by argument type, "*" for any), ``{t}``
#: standing for each of DATE_TYPES. As SQL Server's: ``dateadd_day`` gives the type it is
#: given (a date plus days is a date), ``datediff_day`` counts the calendar days crossed, as
#: DATEDIFF(day, a, b) does (policy's report was written for SQL Server first).
_DATE_FUNCTIONS = {
    "year": ("{t}", "integer", {"*": "SELECT extract(year FROM $1)::integer"}),
    "month": ("{t}", "integer", {"*": "SELECT extract(month FROM $1)::integer"}),
    "dateadd_day": ("integer, {t}", "{t}", {"date": "SELECT $2 + $1",
                                           "*": "SELECT $2 + $1 * interval '1 day'"}),
    "datediff_day": ("{t}, {t}", "integer", {"*": "SELECT $2::date - $1::date"}),
}


def _function_sql(signature: str, returns: str, body: str, type_: str):
    # A timestamptz is read in the session's time zone, so its functions are only STABLE.
    volatility = "STABLE" if type_ == "timestamptz" else "IMMUTABLE"
    return lambda connection: (f"CREATE FUNCTION {signature} RETURNS {returns} LANGUAGE sql "
                               f"{volatility} AS $${body}$$")


def _location_columns(connection):
    """``tblLocations`` and its columns, quoted, from location's model."""
    from location.models import Location

    meta, quote = Location._meta, connection.ops.quote_name
    columns = {f: quote(meta.get_field(f).column)
               for f in ("id", "parent", "type", "name", "validity_to")}
    return quote(meta.db_table), columns


def _level_codes() -> list[str]:
    """location's level codes (``DEFAULT_CFG["location_types"]``: R, D, W, V), in order."""
    from location.apps import DEFAULT_CFG

    return list(DEFAULT_CFG["location_types"])


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _level_view_sql(level: int, view: str, id_column: str, parent: str | None, name: str):
    def create(connection) -> str:
        quote = connection.ops.quote_name
        table, c = _location_columns(connection)
        parent_column = f"{c['parent']} AS {quote(parent)}, " if parent else ""
        # Every row of the level, history copies too: the modules' SQL filters "ValidityTo".
        return (f"CREATE VIEW {quote(view)} AS SELECT {c['id']} AS {quote(id_column)}, "
                f"{parent_column}{c['name']} AS {quote(name)}, {c['validity_to']} "
                f"FROM {table} WHERE {c['type']} = {_literal(_level_codes()[level])}")
    return create


def _locations_sql(connection) -> str:
    """Each current location with the ids of its region and its district (itself when it is
    one; NULL above the district), found among its ancestors."""
    quote = connection.ops.quote_name
    table, c = _location_columns(connection)
    codes = _level_codes()
    chain = [f"l{depth}" for depth in range(len(LEVEL_VIEWS))]  # the location, its ancestors
    joins = " ".join(f"LEFT JOIN {table} {child} ON {child}.{c['id']} = {parent}.{c['parent']} "
                     f"AND {child}.{c['validity_to']} IS NULL"
                     for parent, child in zip(chain, chain[1:], strict=False))

    def at_level(level: int) -> str:
        return "COALESCE(" + ", ".join(
            f"CASE WHEN {a}.{c['type']} = {_literal(codes[level])} THEN {a}.{c['id']} END"
            for a in chain) + ")"
    return (f"CREATE VIEW {quote('uvwLocations')} AS SELECT l0.{c['id']} AS {quote('LocationId')}, "
            f"{at_level(0)} AS {quote('RegionId')}, {at_level(1)} AS {quote('DistrictId')} "
            f"FROM {table} l0 {joins} WHERE l0.{c['validity_to']} IS NULL")


def _submitted_photos_sql(connection) -> str:
    """The photos the enrolment officers' phones sent: whose (an insuree's CHFID), by whom (an
    officer's code), when; each column of the type of the model field it holds."""
    from core.models import Officer
    from insuree.models import Insuree, InsureePhoto

    quote = connection.ops.quote_name
    columns = [("CHFID", Insuree._meta.get_field("chf_id")),
               ("OfficerCode", Officer._meta.get_field("code")),
               ("PhotoDate", InsureePhoto._meta.get_field("date"))]
    listed = ", ".join(f"{quote(name)} {field.db_type(connection)}" for name, field in columns)
    return f"CREATE TABLE IF NOT EXISTS {quote('tblSubmittedPhotos')} ({listed})"

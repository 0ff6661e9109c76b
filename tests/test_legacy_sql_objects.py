"""A new openIMIS database has the SQL objects the modules' own SQL reads (issue 16).

On a fresh PostgreSQL database with all the pinned openIMIS modules, `openimis-host migrate`
makes the location level views, `uvwLocations`, `tblSubmittedPhotos` and the date functions
(openimis_host/legacy/sql_objects.py), leaving alone an object of the same name that is there
already, and making nothing the second time; the test runner's database gets them the same
way, so the reports that read them pass: insuree's `insuree_missing_photo` and
`insurees_pending_enrollment`, policy's primary operational indicators (the three failed on a
fresh database before, docs/openimis-modules.md).
"""

from __future__ import annotations

import re

import psycopg
from test_module_suites import legacy_only, openimis_env, run  # noqa: F401 (a fixture)

#: The report tests of insuree's and policy's suites (their classes: 10 tests, three of which
#: read the objects).
REPORT_TESTS = ("insuree.tests.test_reports.ReportAPITests",
                "policy.tests.tests_reports.ReportAPITests")


def query(database: str, sql: str) -> list[tuple]:
    """The rows of ``sql`` on ``database`` (none for a statement that returns no rows)."""
    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={database}") as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


@legacy_only
def test_a_new_database_has_the_sql_objects_the_modules_reports_read(openimis_env, tmp_path):  # noqa: F811
    env = {k: v for k, v in openimis_env.items() if k != "OPENIMIS_MODULES"}  # all 20 in use
    name = env["DB_NAME"]
    # Objects of two of the names made beforehand, as an operator's or openIMIS's scripts' own:
    # they stay as they are.
    query(name, 'CREATE TABLE "tblVillages" (kept integer)')
    query(name, "CREATE FUNCTION year(date) RETURNS integer LANGUAGE sql AS $$SELECT -1$$")

    first = run("migrate", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    said = re.search(r"openIMIS SQL objects on database 'default': (.+)", first.stderr)
    assert said, first.stderr[-3000:]
    made = said.group(1).split("; ")
    assert made[:5] == ["view tblRegions", "view tblDistricts", "view tblWards",
                        "view uvwLocations", "table tblSubmittedPhotos"], made
    assert "view tblVillages" not in made and "function year(date)" not in made
    assert len(made) == 5 + 4 * 3 - 1  # year, month, dateadd_day, datediff_day, each 3 types
    assert query(name, "SELECT relkind::text FROM pg_class WHERE relname = 'tblVillages'") == [("r",)]
    assert query(name, "SELECT year(date '2026-12-04'), year(timestamp '2026-12-04 10:00'), "
                       "datediff_day(date '2026-11-30', date '2026-12-04')") == [(-1, 2026, 4)]
    # A district under a region: the views name them by level, as the modules' SQL reads them.
    query(name, 'INSERT INTO "tblLocations" ("LocationId", "LocationUUID", "LocationCode", '
                '"LocationName", "ParentLocationId", "LocationType", "ValidityFrom") VALUES '
                "(901, 'r', 'R1', 'North', NULL, 'R', now()), (902, 'd', 'D1', 'Hills', 901, 'D', now())")
    assert query(name, 'SELECT "DistrictId", "Region", "DistrictName" FROM "tblDistricts"') \
        == [(902, 901, "Hills")]
    assert query(name, 'SELECT * FROM "uvwLocations" ORDER BY 1') == [(901, 901, None), (902, 901, 902)]

    again = run("migrate", env=env, cwd=tmp_path)
    assert again.returncode == 0 and "openIMIS SQL objects" not in again.stderr, again.stderr[-3000:]

    # The test runner's database, made by the same migrate: the reports' tests pass.
    result = run("test", *REPORT_TESTS, "--noinput", env=env, cwd=tmp_path)
    out = result.stdout + result.stderr
    assert re.search(r"^Ran 10 tests", out, re.M) and re.search(r"^OK", out, re.M), out[-4000:]

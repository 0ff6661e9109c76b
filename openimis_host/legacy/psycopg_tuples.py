"""Tuples as SQL lists under psycopg 3, as psycopg2 renders them, for openIMIS's raw SQL.

openIMIS runs on psycopg2, and some of its modules' migrations pass a tuple for
``IN %s`` (location.0019 on an existing openIMIS database). psycopg2 renders
``('a', 'b')``; psycopg 3 (the host's ``postgres`` extra) has no such rendering and the
migration fails with a syntax error. Django's psycopg 3 backend binds parameters on
the client side by default, so a dumper that quotes a tuple as a list restores
psycopg2's behaviour. Installed when openIMIS's core is (legacy/apps.py), before
the first connection.
"""

from __future__ import annotations


def install() -> None:
    """Register the tuple dumper globally; nothing to do without psycopg 3."""
    try:
        import psycopg
        from psycopg.adapt import Dumper, Transformer
    except ImportError:  # psycopg2 renders tuples itself
        return

    class TupleDumper(Dumper):
        """``(1, 'a')`` -> ``(1, 'a')`` in the SQL text (client-side binding only)."""

        def __init__(self, cls, context=None):
            super().__init__(cls, context)
            self._items = Transformer(context)

        def dump(self, obj):
            raise psycopg.DataError("a tuple parameter is an SQL list: it needs client-side binding "
                                    "(Django's default; unset server_side_binding)")

        def quote(self, obj):
            return b"(" + b", ".join(b"NULL" if x is None else self._items.as_literal(x)
                                     for x in obj) + b")"

    psycopg.adapters.register_dumper(tuple, TupleDumper)

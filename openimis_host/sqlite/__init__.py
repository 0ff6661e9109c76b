"""Django's SQLite backend, creating the default database file's directory when first used."""

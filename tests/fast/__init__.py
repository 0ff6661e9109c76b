"""The fast tier (a package, so that its conftest is not imported as tests/conftest.py's name)."""

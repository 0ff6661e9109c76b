"""The CLI: Django management commands (``commands/``) and the code behind them.

- ``freeze.py``: ``modules freeze``, the module set as a pinned requirements file;
- ``openimis_json.py``: an openimis.json found, compared with what is installed, never
  loaded (``check``, openimis.W007);
- ``skeleton.py``: the files of a new module for ``create_module`` (its templates are in
  ``../scaffold/templates/``);
- ``translations.py``: ``makemessages``/``compilemessages --module`` in an installed
  module's package;
- ``table.py``: plain-text tables for the listings.
"""

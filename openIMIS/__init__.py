"""Import paths openIMIS modules use from openimis-be_py's ``openIMIS`` package.

openIMIS modules import ``openIMIS.ExceptionHandlerRegistry`` and
``openIMIS.openimisapps``; openimis-host provides them (pip install
'openimis-host[legacy]'), backed by the host's own module records.
"""

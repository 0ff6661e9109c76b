"""The host's user commands for openIMIS's core (``createsuperuser``), as a Django app.

Django finds a management command in the first installed app that has it, so this app
is listed before ``django.contrib.auth`` (``settings/__init__.py``), only when core is installed.
"""

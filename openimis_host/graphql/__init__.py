"""The GraphQL endpoint: ``/graphql``, from the request body to the response.

``view.py`` is the view; before a query is executed it passes ``size.py`` (byte limits,
before anything is parsed), ``document_cache.py`` (parsed and validated documents kept,
bounded by their text), ``limits.py`` (tokens, depth, aliases, fields, introspection) and
``login.py`` (login by default); ``errors.py`` decides what the client reads and the log
says of each error. ``stack.py`` is what differs between graphql-core 2 and 3: everything
here imports it rather than the ``graphql`` library.

Inside this package the library is reached with absolute imports (``import graphql``),
which never resolve to this package.
"""

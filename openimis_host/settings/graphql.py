"""The GraphQL endpoint's settings: the document cache, depth and cost limits, login by
default, byte limits (openimis_host/graphql/)."""

from .core import DEBUG, env

GRAPHQL_DOCUMENT_CACHE_SIZE = env.int("GRAPHQL_DOCUMENT_CACHE_SIZE", 1024, minimum=0)
# The query text the cache may keep, summed; a document takes about 40 times its
# text in memory, so 256 KB is some 10 MB per worker (graphql/document_cache.py).
GRAPHQL_DOCUMENT_CACHE_BYTES = env.int("GRAPHQL_DOCUMENT_CACHE_BYTES", 256 * 1024, minimum=0)

# --- GraphQL limits (graphql/limits.py) ----------------------------------------------
# 0: no limit. GraphiQL's introspection query is 15 deep.
GRAPHQL_MAX_DEPTH = env.int("GRAPHQL_MAX_DEPTH", 20, minimum=0)
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", DEBUG)  # __schema/__type queries
# The cost of one operation, fragments counted where they are spread; 0: no limit.
# 100 aliases of a list field could hold a worker for 16 s, 10,000 aliases of a
# lookup made 10,000 SQL queries. The same defaults in DEV, so a front-end meets
# them before production does.
GRAPHQL_MAX_ALIASES = env.int("GRAPHQL_MAX_ALIASES", 30, minimum=0)
GRAPHQL_MAX_FIELDS = env.int("GRAPHQL_MAX_FIELDS", 2000, minimum=0)
GRAPHQL_MAX_ROOT_FIELDS = env.int("GRAPHQL_MAX_ROOT_FIELDS", 20, minimum=0)
# Lexical tokens the parser reads before giving up (GraphiQL's introspection query has 163).
GRAPHQL_MAX_TOKENS = env.int("GRAPHQL_MAX_TOKENS", 10000, minimum=0)
# Login by default (graphql/login.py): without a logged-in user a request reaches only the
# root fields the modules declare public (openimis_public_graphql_fields) and these.
GRAPHQL_LOGIN_REQUIRED = env.bool("GRAPHQL_LOGIN_REQUIRED", not DEBUG)
GRAPHQL_PUBLIC_FIELDS = env.list("GRAPHQL_PUBLIC_FIELDS", [])
# Bytes, checked before anything is parsed (graphql/size.py): the tokens above can be
# megabytes each (a 9.5 MB string literal took seconds of CPU to lex). 0: no limit.
# Both stay under DATA_UPLOAD_MAX_MEMORY_SIZE, the bound on the whole body.
GRAPHQL_MAX_QUERY_BYTES = env.int("GRAPHQL_MAX_QUERY_BYTES", 128 * 1024, minimum=0)
GRAPHQL_MAX_VARIABLES_BYTES = env.int("GRAPHQL_MAX_VARIABLES_BYTES", 1024 * 1024, minimum=0)

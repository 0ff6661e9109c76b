"""The host's security pieces: keys, JWT, authentication, headers, rate limit.

Each file holds one piece; ``openimis_host/settings/`` reads the environment and
decides which of them are switched on.
"""

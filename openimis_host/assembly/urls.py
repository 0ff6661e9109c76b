"""``openimis_urlpatterns`` -> one include per module at ``<SITE_ROOT><module>/``.

Django resolves a list of includes by trying each in turn, so the last of 200
modules costs 200 pattern matches. :class:`ModuleRoutes` picks the module by
the first path segment instead, so every module costs the same.

A host module's URLs are in the namespace of its name (``reverse("claim:claim")``).
openIMIS's modules are included as openimis-be_py includes them, ``include("<name>.urls")``:
in the namespace their ``urls.py`` names with ``app_name``, or in none, so that their own
code's ``reverse("user-current-user")`` works. Which module a request belongs to is read
from the mount the path went through (:func:`module_of`), not from the namespace.
"""

from django.urls import URLPattern, URLResolver, include, path
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern

#: First path segments the host serves itself; a module cannot be mounted there.
RESERVED = frozenset({"graphql", "health", "admin", "static"})


def _check(value) -> str | None:
    if not isinstance(value, (list, tuple)) or not all(
        isinstance(p, (URLPattern, URLResolver)) for p in value
    ):
        return "expected a list of django.urls.path()/re_path() patterns"
    return None


HOOK = "openimis_urlpatterns"
HOOKS = (HOOK,)


def collect(host) -> None:
    """Call ``openimis_urlpatterns`` of each loaded module; refuse the host's own mounts."""
    for module in host.loaded:
        if module.name in RESERVED and HOOK in module.impls:
            host.fail(module, "openimis.E013",
                      f"its URL mount '{module.name}/' is already served by the host",
                      f"rename the entry point; these mounts are reserved: {', '.join(sorted(RESERVED))}")
    host.collect(HOOK, _check)


class ModuleRoutes(URLResolver):
    """All module mounts under SITE_ROOT, resolved by a dictionary lookup on the module name.

    ``url_patterns`` still lists every include, so ``reverse()`` and the
    debug 404 page behave exactly as for a plain list of includes.
    """

    def __init__(self, site_root: str, mounts: dict[str, list],
                 namespaces: dict[str, str | None] | None = None):
        """``mounts``: module name -> its patterns; ``namespaces``: module name -> the URL
        namespace of its patterns (None: none), where it is not the module's name."""
        namespaces = namespaces or {}
        includes = [path(f"{name}/", include((patterns, namespaces.get(name, name)),
                                             namespace=namespaces.get(name, name)))
                    for name, patterns in mounts.items()]
        super().__init__(RoutePattern(site_root), includes)
        self._site_root = site_root
        self._by_name = dict(zip(mounts, includes, strict=True))

    def resolve(self, path):
        path = str(path)
        rest = path[len(self._site_root):] if path.startswith(self._site_root) else None
        include = self._by_name.get(rest.partition("/")[0]) if rest is not None else None
        if include is None:
            # What DEBUG's 404 page lists: every mount, with its prefix.
            raise Resolver404({"tried": [[mount] for mount in self._by_name.values()], "path": path})
        # The SITE_ROOT prefix captures nothing and this resolver has no namespace,
        # so the include's match is ours once the include's own prefix joins its
        # route, as URLResolver.resolve would do (the root resolver adds SITE_ROOT).
        try:
            match = include.resolve(rest)
        except Resolver404 as miss:
            tried = (miss.args[0] if miss.args else {}).get("tried") or []
            raise Resolver404({"tried": [[include, *t] for t in tried] or [[include]],
                               "path": path}) from None
        match.route = self._join_route(str(include.pattern), match.route)
        return match


def apply(host) -> None:
    """Make the resolver of every loaded module's mount the Host's ``routes`` (the root URLconf's)."""
    from django.conf import settings

    results = list(host.results(HOOK))
    # A plugin with url_namespace() (openIMIS's modules, legacy/plugin.py) says its own.
    namespaces = {m.name: m.plugin.url_namespace() for m, _ in results
                  if callable(getattr(m.plugin, "url_namespace", None))}
    host.routes = ModuleRoutes(settings.SITE_ROOT, {m.name: list(p) for m, p in results},
                               namespaces)


def module_of(match) -> str | None:
    """The name of the module whose mount ``match`` (a request's ``resolver_match``) went
    through, or None for the host's own paths (GraphQL, health, admin)."""
    from django.conf import settings

    from ..host import get_host

    if match is None or not match.route:
        return None
    route = str(match.route)
    if not route.startswith(settings.SITE_ROOT):
        return None
    name = route[len(settings.SITE_ROOT):].partition("/")[0]
    routes = getattr(get_host(), "routes", None)
    return name if routes is not None and name in routes._by_name else None


def show(hook, result, module):
    from django.conf import settings

    return "url_mount", f"/{settings.SITE_ROOT}{module.name}/"

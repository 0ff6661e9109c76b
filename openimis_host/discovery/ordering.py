"""Module order: dependencies first, ties by name, cycles named.

A module depends on the modules whose distributions it requires (Requires-Dist)
and on those its provider says it comes after (``ProvidedModule.after``). Where
nothing decides, a provider's modules keep the order the provider listed them in,
and other modules go by name.
Part of discovery; kept apart because it is a graph algorithm over the Module
records and nothing else. The built-in module comes first of all.
"""

from __future__ import annotations

import heapq

from ..host import FAILED, LOADED, Host, Module, canonical_name


def ordered(host: Host) -> list[Module]:
    """Dependencies first; modules with no dependency between them in their provider's order
    (``Module.rank``), then by name."""
    loaded = host.loaded
    key = {m.name: (m.rank, m.name) for m in loaded}
    by_dist: dict[str, list[Module]] = {}
    for m in loaded:
        if m.distribution:
            by_dist.setdefault(canonical_name(m.distribution), []).append(m)
    names = {m.name for m in loaded}
    deps = {m.name: {d.name for r in m.requires for d in by_dist.get(r, []) if d is not m}
            | {a for a in m.after if a in names and a != m.name}
            for m in loaded}
    dependents: dict[str, set[str]] = {m.name: set() for m in loaded}
    for name, ds in deps.items():
        for d in ds:
            dependents[d].add(name)
    waiting = {name: len(ds) for name, ds in deps.items()}
    ready = [key[name] for name, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, name = heapq.heappop(ready)
        order.append(name)
        for dep in dependents[name]:
            waiting[dep] -= 1
            if waiting[dep] == 0:
                heapq.heappush(ready, key[dep])
    stuck = sorted(set(waiting) - set(order))
    for name in stuck:
        cycle = _cycle(name, deps, set(stuck))
        how = "is part of" if name in cycle else "requires a module in"
        host.fail(host.get(name), "openimis.E011", f"it {how} a dependency cycle: {' -> '.join(cycle)}",
                  "remove one of these Requires-Dist entries so the dependencies form no cycle")
    rank = {name: i for i, name in enumerate(order)}
    return sorted(host.modules, key=lambda m: (not m.builtin, m.name not in rank, rank.get(m.name, 0),
                                               m.name))


def _cycle(start: str, deps: dict[str, set[str]], stuck: set[str]) -> list[str]:
    # Every stuck module waits on at least one other stuck module, so this walk closes a loop.
    path, seen, node = [start], {start}, start
    while True:
        node = min(deps[node] & stuck)
        if node in seen:
            return path[path.index(node):] + [node]
        path.append(node)
        seen.add(node)


def check_dependencies(host: Host) -> None:
    """A module whose required module is not in use cannot be in use either."""
    # Only the modules not in use can be missed: usually none, so this stays linear.
    absent = [m for m in host.modules if m.status != LOADED
              # under fail the boot stops for the broken one; no second message
              and not (m.status == FAILED and host.policy == "fail")]
    if not absent:
        return
    for module in host.loaded:
        for other in absent:
            required = other.name in module.after or (
                other.distribution and canonical_name(other.distribution) in module.requires)
            if required and other is not module:
                host.fail(module, "openimis.E012",
                          f"it requires {other.distribution} (module '{other.name}'), "
                          f"which is {other.status}: {other.error}",
                          f"enable '{other.name}' too, or also disable '{module.name}'")
                if host.policy == "skip":
                    absent.append(module)  # and whoever requires this one, later in the order
                break

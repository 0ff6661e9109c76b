"""The load order of openIMIS modules: openIMIS's standard order first, then Requires-Dist.

Their metadata alone cannot give an order that boots: claim and policy require
each other, and ``claim.models`` imports ``policy.models`` at import time while
``policy.models`` imports ``claim.models.Claim`` at its end, so policy's app
must come first. The standard distribution's openimis.json lists an order known
to work; modules it does not list follow their Requires-Dist. Nothing here
depends on set or directory iteration order: the same install always gives
the same order, and the same broken cycles.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

#: The order of openimis-be_py's openimis.json (the standard distribution).
STANDARD_ORDER = (
    "core", "individual", "workflow", "tasks_management", "report", "location", "medical",
    "medical_pricelist", "product", "insuree", "policy", "contribution", "payer", "payment",
    "claim", "claim_batch", "tools", "api_fhir_r4", "calculation", "contribution_plan",
    "policyholder", "contract", "invoice", "calcrule_contribution_legacy",
    "calcrule_third_party_payment", "calcrule_capitation_payment", "calcrule_commission",
    "calcrule_contribution_income_percentage", "calcrule_fees",
    "calcrule_unconditional_cash_payment", "calcrule_validations", "im_export", "dhis2_etl",
    "social_protection", "opensearch_reports", "payment_cycle", "calcrule_social_protection",
    "payroll", "controls", "grievance_social_protection", "claim_sampling", "deduplication",
    "api_etl",
)
_RANK = {name: i for i, name in enumerate(STANDARD_ORDER)}


@dataclass(frozen=True)
class Ordered:
    """The result of :func:`order`: the names in load order, and the requirements set aside.

    ``ignored`` holds ``(module, required)`` pairs: ``module`` requires
    ``required`` but loads before it, because keeping the requirement would
    leave no valid order (a cycle), or would contradict the standard order.
    """

    names: tuple[str, ...]
    ignored: tuple[tuple[str, str], ...]


def order(requires: dict[str, set[str]]) -> Ordered:
    """Order the modules ``requires`` maps (name -> names of the installed modules it requires).

    Standard modules keep their standard order among themselves; a module waits
    for the modules it requires; otherwise standard modules come first, then the
    others by name. When every remaining module waits on another (a cycle), the
    first of them (standard rank, then name) loads without waiting, and its
    unmet requirements are reported in ``ignored``.
    """
    deps = {name: {d for d in reqs if d in requires and d != name}
            for name, reqs in requires.items()}
    # Standard modules also wait for the installed standard module before them.
    standard = sorted((n for n in requires if n in _RANK), key=_RANK.__getitem__)
    for before, after in zip(standard, standard[1:], strict=False):
        deps[after].add(before)

    def key(name: str) -> tuple[int, str]:
        return (_RANK.get(name, len(STANDARD_ORDER)), name)

    done: list[str] = []
    placed: set[str] = set()
    ignored: list[tuple[str, str]] = []
    waiting = {name: set(ds) for name, ds in deps.items()}
    ready = [key(n) for n, ds in waiting.items() if not ds]
    heapq.heapify(ready)
    while len(done) < len(requires):
        if not ready:  # a cycle: let the first stuck module go, setting its requirements aside
            name = min((n for n in waiting if n not in placed), key=key)
            # Its standard predecessor is placed (it would be first otherwise), so
            # what it waits on are Requires-Dist entries only.
            ignored += [(name, d) for d in sorted(waiting[name], key=key)]
            waiting[name] = set()
            heapq.heappush(ready, key(name))
        _, name = heapq.heappop(ready)
        if name in placed:
            continue
        done.append(name)
        placed.add(name)
        for other, ds in waiting.items():
            if name in ds:
                ds.discard(name)
                if not ds and other not in placed:
                    heapq.heappush(ready, key(other))
    return Ordered(tuple(done), tuple(ignored))


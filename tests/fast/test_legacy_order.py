"""The load order of openIMIS modules (openimis_host.legacy.order): pure function, no Django."""

from openimis_host.legacy.order import STANDARD_ORDER, order


def test_standard_modules_keep_the_standard_order_and_the_claim_policy_cycle_is_broken_once():
    # Their real Requires-Dist (1.11.0): claim <-> policy, insuree -> claim and policy.
    requires = {
        "claim": {"core", "policy", "medical", "insuree"},
        "policy": {"core", "claim", "product", "insuree"},
        "insuree": {"core", "location", "claim", "policy"},
        "product": {"core", "medical"},
        "medical": {"core"},
        "location": {"core", "medical_pricelist"},
        "medical_pricelist": {"core", "medical"},
        "core": set(),
    }
    result = order(requires)
    assert result.names == ("core", "location", "medical", "medical_pricelist", "product",
                            "insuree", "policy", "claim")
    # Exactly the requirements that point forward in that order, each reported once.
    assert result.ignored == (("location", "medical_pricelist"), ("insuree", "policy"),
                              ("insuree", "claim"), ("policy", "claim"))


def test_the_same_input_in_any_order_gives_the_same_result():
    requires = {"claim": {"policy"}, "policy": {"claim"}, "zeta": {"alpha"}, "alpha": {"zeta"},
                "core": set(), "beta": {"core"}}
    first = order(requires)
    for shuffled in (dict(reversed(requires.items())), dict(sorted(requires.items()))):
        assert order({k: set(sorted(v, reverse=True)) for k, v in shuffled.items()}) == first
    # A cycle is broken only when no module is ready: beta goes first.
    assert first.names == ("core", "beta", "policy", "claim", "alpha", "zeta")
    assert first.ignored == (("policy", "claim"), ("alpha", "zeta"))


def test_modules_outside_the_standard_order_follow_requires_dist_then_name():
    requires = {"zz_extra": {"core"}, "aa_extra": {"zz_extra"}, "core": set(), "claim": {"core"},
                "mm_extra": set()}
    result = order(requires)
    assert result.names == ("core", "claim", "mm_extra", "zz_extra", "aa_extra")
    assert result.ignored == ()


def test_a_standard_module_waits_for_a_non_standard_one_it_requires():
    result = order({"core": {"my_base"}, "my_base": set(), "location": {"core"}})
    assert result.names == ("my_base", "core", "location")
    assert result.ignored == ()


def test_requirements_on_modules_not_installed_are_not_the_orders_business():
    result = order({"location": {"core", "medical_pricelist"}})
    assert result == order({"location": set()})
    assert result.names == ("location",)


def test_the_standard_order_is_openimis_json_order():
    assert STANDARD_ORDER[:6] == ("core", "individual", "workflow", "tasks_management", "report",
                                  "location")
    assert STANDARD_ORDER.index("policy") < STANDARD_ORDER.index("claim")
    assert len(set(STANDARD_ORDER)) == len(STANDARD_ORDER)

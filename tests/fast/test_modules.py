"""Selection, order, compatibility, name conflicts, providers and pluggy options, in-process."""

from __future__ import annotations

import logging

import pytest

from openimis_host.errors import BootError, ConfigError
from openimis_host.host import DISABLED, FAILED, LOADED

SETTINGS = """
    from plugins_spec import hookimpl

    @hookimpl
    def openimis_settings():
        return {{"{name}_WORD": "{name}"}}
"""


def simple(fake_dists, name, dist=None, requires=(), version="1.0"):
    pkg = fake_dists.pkg(name)
    fake_dists.add(dist or f"dist-{name}", version=version, modules={name: f"{pkg}.plugin"},
                   requires=requires, code={f"{pkg}/plugin.py": SETTINGS.format(name=name.upper())})


def names(host):
    return [m.name for m in host.loaded]


def test_modules_come_after_the_modules_they_require_and_otherwise_by_name(fake_dists):
    simple(fake_dists, "zeta")
    simple(fake_dists, "alpha", requires=["dist-zeta>=1"])
    simple(fake_dists, "mid")
    assert names(fake_dists.discover()) == ["host", "mid", "zeta", "alpha"]


def test_the_built_in_module_is_listed_first_and_marked(fake_dists):
    simple(fake_dists, "one")
    host = fake_dists.discover()
    assert host.modules[0].name == "host" and host.modules[0].builtin
    assert host.modules[0].distribution == "openimis-host"


def test_a_dependency_cycle_is_named_in_order(fake_dists):
    simple(fake_dists, "a", requires=["dist-b"])
    simple(fake_dists, "b", requires=["dist-a"])
    with pytest.raises(BootError) as raised:
        fake_dists.discover()
    assert "a -> b -> a" in str(raised.value)
    assert {p.id for p in raised.value.problems} == {"openimis.E011"}


def test_a_module_that_only_requires_a_cycle_is_told_so(fake_dists):
    simple(fake_dists, "a", requires=["dist-b"])
    simple(fake_dists, "b", requires=["dist-a"])
    simple(fake_dists, "c", requires=["dist-a"])
    host = fake_dists.discover(policy="skip")
    assert "requires a module in a dependency cycle" in host.get("c").error


def test_a_module_requiring_another_host_version_is_refused_with_both_versions(fake_dists):
    simple(fake_dists, "old", requires=["openimis-host>=9"])
    with pytest.raises(BootError) as raised:
        fake_dists.discover(host_version="0.1.0")
    assert "requires openimis-host>=9, but this host is 0.1.0" in str(raised.value)
    assert raised.value.problems[0].id == "openimis.E002"


def test_two_distributions_claiming_one_name_are_both_refused(fake_dists):
    simple(fake_dists, "same", dist="dist-one")
    pkg = fake_dists.pkg("same2")
    fake_dists.add("dist-two", modules={"same": f"{pkg}.plugin"},
                   code={f"{pkg}/plugin.py": SETTINGS.format(name="SAME2")})
    host = fake_dists.discover(policy="skip")
    assert [m.status for m in host.modules if m.name == "same"] == [FAILED, FAILED]
    assert {p.id for p in host.problems} == {"openimis.E001"}
    assert sorted(p.what.rsplit(" by ", 1)[1] for p in host.problems) == ["dist-one 1.0", "dist-two 1.0"]


def test_a_module_named_like_the_built_in_one_is_refused_and_the_host_keeps_its_own(fake_dists):
    simple(fake_dists, "host")
    host = fake_dists.discover(policy="skip")
    assert [(m.builtin, m.status) for m in host.modules if m.name == "host"] == [(True, LOADED),
                                                                                (False, FAILED)]


def test_a_name_that_is_not_an_identifier_is_refused(fake_dists):
    simple(fake_dists, "bad-name")
    host = fake_dists.discover(policy="skip")
    assert host.problems[0].id == "openimis.E003"


def test_openimis_modules_selects_and_the_rest_are_disabled(fake_dists):
    simple(fake_dists, "a")
    simple(fake_dists, "b")
    host = fake_dists.discover(only=["a"])
    assert names(host) == ["host", "a"]
    assert host.get("b").status == DISABLED and "OPENIMIS_MODULES" in host.get("b").error


def test_disabling_a_required_module_fails_the_one_that_requires_it(fake_dists):
    simple(fake_dists, "base")
    simple(fake_dists, "top", requires=["dist-base"])
    with pytest.raises(BootError) as raised:
        fake_dists.discover(disabled=["base"])
    assert raised.value.problems[0].id == "openimis.E012"
    assert "enable 'base' too" in str(raised.value)


@pytest.mark.parametrize("var,kwargs", [("OPENIMIS_MODULES", {"only": ["nope"]}),
                                        ("OPENIMIS_DISABLED_MODULES", {"disabled": ["nope"]})])
def test_selecting_an_unknown_module_names_the_installed_ones(fake_dists, var, kwargs):
    simple(fake_dists, "real")
    with pytest.raises(ConfigError, match=f"{var} names nope, which is not installed; installed "
                                          "modules: real"):
        fake_dists.discover(**kwargs)


def test_a_bad_policy_is_a_config_error(fake_dists):
    with pytest.raises(ConfigError, match="OPENIMIS_MODULE_ERRORS='maybe'"):
        fake_dists.discover(policy="maybe")


def test_a_hook_named_through_specname_is_called(fake_dists):
    pkg = fake_dists.pkg("spec")
    fake_dists.add("dist-spec", modules={"spec": f"{pkg}.plugin"}, code={f"{pkg}/plugin.py": """
        from plugins_spec import hookimpl

        @hookimpl(specname="openimis_settings")
        def my_defaults():
            return {"SPEC_WORD": "named"}
    """})
    host = fake_dists.discover()
    assert host.collect("openimis_settings") == {"spec": {"SPEC_WORD": "named"}}


def test_a_plugin_class_with_hooks_as_plain_functions_works(fake_dists):
    pkg = fake_dists.pkg("cls")
    fake_dists.add("dist-cls", modules={"cls": f"{pkg}.plugin:Plugin"}, code={f"{pkg}/plugin.py": """
        from plugins_spec import hookimpl

        class Plugin:
            @hookimpl
            def openimis_django_apps():
                return []
    """})
    assert fake_dists.discover().get("cls").impls.keys() == {"openimis_django_apps"}


def test_an_entry_point_naming_a_missing_attribute_is_refused(fake_dists):
    pkg = fake_dists.pkg("attr")
    fake_dists.add("dist-attr", modules={"attr": f"{pkg}.plugin:Nope"},
                   code={f"{pkg}/plugin.py": "X = 1\n"})
    host = fake_dists.discover(policy="skip")
    assert host.problems[0].id == "openimis.E005"


def test_an_entry_point_naming_a_missing_module_says_to_fix_the_entry_point(fake_dists):
    fake_dists.add("dist-gone", modules={"gone": "no_such_package_xyz.plugin"})
    host = fake_dists.discover(policy="skip")
    assert host.problems[0].id == "openimis.E004"
    assert host.problems[0].fix.startswith(
        "fix the entry point value in dist-gone's pyproject.toml, then reinstall dist-gone")


PROVIDER = """
    from plugins_spec import ProvidedModule, hookimpl

    class First:
        @hookimpl
        def openimis_settings():
            return {"FIRST_WORD": 1}

    class Second:
        @hookimpl
        def openimis_settings():
            return {"SECOND_WORD": 2}

    def provide():
        return [ProvidedModule("second", Second, "real-second", "2.0", after=("first",)),
                ProvidedModule("first", First, "real-first", "1.5")]

    def unordered():  # nothing between them decides: the provider's order stands
        return [ProvidedModule("zeta", First, "real-zeta", "1.0"),
                ProvidedModule("alpha", Second, "real-alpha", "1.0")]

    def broken():
        raise OSError("no disk")

    def garbage():
        return {"first": First}
"""


def provider_dist(fake_dists, func="provide"):
    pkg = fake_dists.pkg("prov")
    fake_dists.add("the-provider", version="3.1", providers={"bridge": f"{pkg}.provider:{func}"},
                   code={f"{pkg}/provider.py": PROVIDER})


def test_a_provider_supplies_modules_in_the_order_it_says_with_their_real_distributions(fake_dists):
    provider_dist(fake_dists)
    host = fake_dists.discover()
    assert names(host) == ["host", "first", "second"]
    first = host.get("first")
    assert (first.distribution, first.version, first.source) == ("real-first", "1.5", "provider bridge")
    assert host.collect("openimis_settings") == {"first": {"FIRST_WORD": 1}, "second": {"SECOND_WORD": 2}}


def test_provided_modules_nothing_orders_keep_the_providers_order_not_the_names(fake_dists):
    provider_dist(fake_dists, "unordered")
    assert names(fake_dists.discover()) == ["host", "zeta", "alpha"]


def test_provided_modules_obey_the_selection_lists(fake_dists):
    provider_dist(fake_dists)
    host = fake_dists.discover(only=["first"])
    assert names(host) == ["host", "first"]


def test_a_provided_module_whose_predecessor_is_disabled_fails(fake_dists):
    provider_dist(fake_dists)
    host = fake_dists.discover(disabled=["first"], policy="skip")
    assert host.get("second").status == FAILED
    assert host.problems[0].id == "openimis.E012"


def test_a_provided_name_that_an_entry_point_also_claims_is_a_name_conflict(fake_dists):
    provider_dist(fake_dists)
    simple(fake_dists, "first")
    host = fake_dists.discover(policy="skip")
    assert [(p.module, p.id) for p in host.problems] == [
        ("first", "openimis.E001"), ("first", "openimis.E001"), ("second", "openimis.E012")]


@pytest.mark.parametrize("func,text", [("broken", "raised OSError: no disk"),
                                       ("garbage", "returned a dict, not a list")])
def test_a_failing_provider_is_one_problem_named_after_its_distribution(fake_dists, func, text):
    provider_dist(fake_dists, func)
    simple(fake_dists, "fine")
    with pytest.raises(BootError) as raised:
        fake_dists.discover()
    assert len(raised.value.problems) == 1
    assert "module 'bridge' (the-provider 3.1)" in str(raised.value)
    assert text in str(raised.value) and "[openimis.E021]" in str(raised.value)


def test_under_skip_a_left_out_module_is_logged_once_at_error(fake_dists, caplog):
    simple(fake_dists, "bad-name")
    with caplog.at_level(logging.ERROR, logger="openimis_host"):
        fake_dists.discover(policy="skip")
    assert len([r for r in caplog.records if "left out" in r.getMessage()]) == 1


def test_under_fail_nothing_is_logged_as_left_out(fake_dists, caplog):
    simple(fake_dists, "bad-name")
    with caplog.at_level(logging.ERROR, logger="openimis_host"), pytest.raises(BootError):
        fake_dists.discover(policy="fail")
    assert not [r for r in caplog.records if "left out" in r.getMessage()]


@pytest.mark.parametrize("line,expected", [
    ("openimis-host>=0.1,<1", [("openimis-host", ">=0.1,<1")]),
    ("Openimis_Host (>=0.1)", [("openimis-host", ">=0.1")]),
    ("openimis-host[legacy]>=0.1", [("openimis-host", ">=0.1")]),
    ("pytest>=8; extra == 'test'", []),
    ("tomli; python_version < '3.0'", []),
    ("requests; python_version >= '3.0'", [("requests", "")]),
    ("mypkg @ https://example.org/mypkg.whl", [("mypkg", "")]),
    ("not a requirement !!", []),
    ("x; this is not a marker", []),
])
def test_requires_dist_lines_are_read_as_pip_reads_them(line, expected):
    from openimis_host.discovery.distributions import requirements
    from openimis_host.host import Module

    assert requirements(Module("m", "d", "1", "test", requires_dist=(line,))) == expected


@pytest.mark.parametrize("spec,version,ok", [
    (">=0.1,<1", "0.2.0", True), (">=0.3", "0.2.0", False), ("~=0.2", "0.2.5", True),
    ("==0.2.*", "0.3.0", False), (">=0.1", "0.2.0rc1", True), ("garbage", "0.2.0", True),
    # plain release numbers, compared without packaging: as PEP 440 pads them with zeros
    ("==1.0", "1.0.0", True), ("!=1.0", "1.0.0", False), ("<1", "1.0.0", False),
    (">0.1", "0.1.0", False), (">0.1", "0.1.1", True), ("<=0.10", "0.9.0", True),
    (">=0.1, <1", "0.5", True), ("> 2", "10.0", True),
])
def test_the_host_version_check_follows_pep_440(spec, version, ok):
    from openimis_host.discovery.distributions import host_satisfies

    assert host_satisfies(spec, version) is ok
    from packaging.specifiers import SpecifierSet

    if spec != "garbage":  # what packaging says, for every case above
        assert SpecifierSet(spec).contains(version, prereleases=True) is ok


def test_a_hook_implemented_twice_through_specname_is_refused(fake_dists):
    pkg = fake_dists.pkg("twice")
    fake_dists.add("dist-twice", modules={"twice": f"{pkg}.plugin"}, code={f"{pkg}/plugin.py": """
        from plugins_spec import hookimpl

        @hookimpl
        def openimis_settings():
            return {"TWICE_A": 1}

        @hookimpl(specname="openimis_settings")
        def more_settings():
            return {"TWICE_B": 2}
    """})
    host = fake_dists.discover(policy="skip")
    assert host.problems[0].id == "openimis.E006"
    assert "it implements openimis_settings twice" in host.problems[0].what


def test_metadata_headers_are_read_as_the_email_parser_reads_them():
    # Discovery reads METADATA by hand (the email parser was a tenth of discovery): on every
    # distribution installed here, the fields it uses are what Distribution.metadata says.
    from importlib import metadata

    from openimis_host.discovery.distributions import read_headers

    fields = ("Name", "Version", "Summary", "Home-page")
    dists = list(metadata.distributions())
    assert len(dists) > 20
    for dist in dists:
        mine, theirs = read_headers(dist), dist.metadata
        for field in fields:
            expected = theirs[field]
            assert mine[field] == (" ".join(expected.split()) if expected else expected), (
                dist, field)
        for field in ("Requires-Dist", "Project-URL"):
            assert (mine.get_all(field) or []) == (theirs.get_all(field) or []), (dist, field)

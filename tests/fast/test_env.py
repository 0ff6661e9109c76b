"""Environment parsing: typed reads, and one-line errors naming the variable and the expected form."""

from __future__ import annotations

import pytest

from openimis_host.env import Environment
from openimis_host.errors import ConfigError


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.delenv("OPENIMIS_ENV_FILE", raising=False)

    def make(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return Environment()
    return make


@pytest.mark.parametrize("raw,expected", [("true", True), ("False", False), ("1", True), ("0", False),
                                          ("yes", True), ("no", False)])
def test_booleans_read_the_usual_spellings(env, raw, expected):
    assert env(X_FLAG=raw).bool("X_FLAG", not expected) is expected


@pytest.mark.parametrize("kind,raw,expected", [
    ("bool", "maybe", "X_V='maybe' is not valid: expected true or false"),
    ("int", "ten", "X_V='ten' is not valid: expected a whole number"),
    ("float", "fast", "X_V='fast' is not valid: expected a number"),
])
def test_a_bad_typed_value_names_the_variable_and_the_form(env, kind, raw, expected):
    with pytest.raises(ConfigError) as raised:
        getattr(env(X_V=raw), kind)("X_V", {"bool": True, "int": 3, "float": 1.5}[kind])
    assert str(raised.value).startswith(expected)
    assert "\n" not in str(raised.value)


def test_an_int_below_its_minimum_is_refused(env):
    with pytest.raises(ConfigError, match="X_N=0 is not valid: expected a number >= 1"):
        env(X_N="0").int("X_N", 5, minimum=1)


def test_unset_and_blank_values_give_the_default(env):
    e = env(X_BLANK="  ")
    assert e.str("X_BLANK", "d") == "d" and e.int("X_UNSET", 7) == 7 and e.list("X_BLANK", ["a"]) == ["a"]


def test_choices_are_case_insensitive_and_give_the_canonical_spelling(env):
    assert env(X_MODE="prod").choice("X_MODE", "DEV", ("DEV", "PROD")) == "PROD"


def test_a_bad_choice_lists_the_choices(env):
    with pytest.raises(ConfigError, match="X_MODE='TEST' is not valid: expected one of DEV, PROD"):
        env(X_MODE="TEST").choice("X_MODE", "DEV", ("DEV", "PROD"))


def test_lists_are_comma_separated_and_trimmed(env):
    assert env(X_L=" a, b ,,c ").list("X_L", []) == ["a", "b", "c"]


def test_bad_json_says_where(env):
    with pytest.raises(ConfigError, match=r"X_J is not valid JSON \(Expecting"):
        env(X_J="{bad").dict("X_J", {})


def test_json_that_is_not_an_object_is_refused(env):
    with pytest.raises(ConfigError, match="expected a JSON object"):
        env(X_J="[1]").dict("X_J", {})


@pytest.mark.parametrize("default,raw,expected", [
    (3, "4", 4), (1.5, "2.5", 2.5), (True, "false", False), ("s", "t", "t"),
    (["a"], "b,c", ["b", "c"]), (["a"], '["x", "y"]', ["x", "y"]), (("a",), "b", ("b",)),
    ({"k": 1}, '{"k": 2}', {"k": 2}),
])
def test_a_module_setting_is_read_as_the_type_of_its_default(env, default, raw, expected):
    assert env(MOD_SETTING=raw).like("MOD_SETTING", default) == expected


def test_an_env_file_is_read_and_the_process_environment_wins(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("X_FROM_FILE=file\nX_BOTH=file\n")
    monkeypatch.setenv("X_BOTH", "process")
    monkeypatch.delenv("X_FROM_FILE", raising=False)
    monkeypatch.delenv("OPENIMIS_ENV_FILE", raising=False)
    e = Environment()
    try:
        assert (e.str("X_FROM_FILE"), e.str("X_BOTH")) == ("file", "process")
    finally:
        monkeypatch.delenv("X_FROM_FILE", raising=False)


def test_a_missing_env_file_named_explicitly_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("OPENIMIS_ENV_FILE", str(tmp_path / "nope.env"))
    with pytest.raises(ConfigError, match="OPENIMIS_ENV_FILE=.* is not a file"):
        Environment()

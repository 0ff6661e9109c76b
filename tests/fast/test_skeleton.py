"""The scaffold's pure parts: names it refuses, placeholders, layers. No Django setup."""

import pytest

from openimis_host.management import skeleton

VALUES = skeleton.values("claim_batch", "openimis-claim-batch", "0.3.1")


def test_values_derive_every_name_from_the_module_name():
    assert {k: v for k, v in VALUES.items() if k != "uuid"} == {
        "name": "claim_batch", "package": "openimis_claim_batch",
        "distribution": "openimis-claim-batch", "upper": "CLAIM_BATCH", "camel": "claimBatch",
        "pascal": "ClaimBatch", "host_spec": ">=0.3.1,<1"}


def test_render_replaces_only_the_known_placeholders():
    text = "{{package}} ${{ matrix.python-version }} {{unknown}} {{ name }}"
    assert skeleton.render(text, VALUES) == (
        "openimis_claim_batch ${{ matrix.python-version }} {{unknown}} {{ name }}")


def test_a_template_layer_replaces_the_base_file_of_the_same_path():
    base = skeleton.files(VALUES)
    business = skeleton.files(VALUES, "business")
    assert set(base) < set(business)
    assert business["openimis_claim_batch/config.py"] != base["openimis_claim_batch/config.py"]
    assert "CLAIM_BATCH_MAX_ITEMS" in business["openimis_claim_batch/config.py"]


def test_github_files_become_dotfiles_and_nothing_is_left_unrendered():
    files = skeleton.files(VALUES, "calculation", github=True)
    assert {".gitignore", ".github/workflows/test.yml", ".github/workflows/publish.yml"} <= set(files)
    assert not [p for p in files if "dot-" in p or p.endswith(".tmpl")]
    for path, text in files.items():
        for key in VALUES:
            assert "{{" + key + "}}" not in text + path, path


@pytest.mark.parametrize("name, start", [
    ("graphql", "module name 'graphql' is taken by the host's own /graphql endpoint"),
    ("9lives", "module name '9lives' is not a lower-case Python identifier"),
    ("claim-batch", "module name 'claim-batch' is not a lower-case Python identifier"),
])
def test_refusal_names_the_reason(name, start):
    assert skeleton.refusal(name).startswith(start)


def test_a_free_name_is_not_refused():
    assert skeleton.refusal("zz_not_installed_anywhere") is None


def test_a_name_any_module_of_the_host_has_is_refused(host):
    assert skeleton.refusal("probe", host).startswith("module name 'probe' is already installed")
    assert skeleton.refusal("host", host) == ("module name 'host' is the host's own built-in module: "
                                              "choose another name")

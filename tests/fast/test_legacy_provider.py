"""The installed openIMIS modules as the legacy provider reads them: once per sys.path."""

from openimis_host.legacy.installed import installed


def write_dist(folder, dist: str, version: str) -> None:
    info = folder / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")


def test_installed_modules_are_read_again_when_sys_path_changes(tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    write_dist(first, "openimis-be-beds", "1.0")
    write_dist(second, "openimis-be-wards", "2.0")
    monkeypatch.syspath_prepend(str(first))
    found = installed()
    assert (found["beds"].distribution, found["beds"].version) == ("openimis-be-beds", "1.0")
    assert "wards" not in found
    monkeypatch.syspath_prepend(str(second))  # read once per path: a new path is read anew
    found = installed()
    assert (found["wards"].version, found["beds"].version) == ("2.0", "1.0")


def test_the_caller_cannot_change_what_the_next_caller_reads(tmp_path, monkeypatch):
    write_dist(tmp_path, "openimis-be-beds", "1.0")
    monkeypatch.syspath_prepend(str(tmp_path))
    installed().clear()
    assert "beds" in installed()


def test_only_openimis_folders_are_read_whatever_their_spelling(tmp_path, monkeypatch):
    # The provider reads a METADATA only where the folder's name may be openIMIS's (boot
    # time); each spelling pip, setuptools or a hand-made egg-info uses is still found.
    folders = {"openimis_be_beds-1.0.dist-info": "openimis-be-beds",
               "openimis-be-wards.egg-info": "openimis-be-wards",
               "OpenIMIS_BE_Cots-3.0.dist-info": "OpenIMIS_BE_Cots",
               # a folder named for another distribution is not read, whatever it holds
               "django_beds-1.0.dist-info": "openimis-be-disguised"}
    for folder, name in folders.items():
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert sorted(installed()) == ["beds", "cots", "wards"]

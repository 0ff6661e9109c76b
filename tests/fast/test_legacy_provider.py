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

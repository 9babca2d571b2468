"""The bundle's Debian packages for the classroom: what goes in, how the README installs them."""

from __future__ import annotations

import hashlib
import zipfile

import pytest

from course.errors import UserError
from course.publish import bundle, debs


def test_readme_with_debs_names_them_and_installs_them_from_the_files():
    """The README's classroom part installs ./debs/*.deb (no recommends), after checking their sums."""
    text = bundle.readme_text(with_debs=True)
    assert "sudo apt-get install --no-install-recommends -y ./debs/*.deb" in text
    assert "sha256sum --quiet -c SHA256SUMS" in text and "--no-download -y" not in text
    assert "node-configurable-http-proxy" in text or "proxy" in text
    assert "--no-index --find-links /media/usb/dgt-lab/wheelhouse" in text
    assert "<!--" not in text and "carries no Debian packages" not in text


def test_readme_without_debs_says_so_plainly():
    """A bundle built without the packages says so, and tells how to get them with a network."""
    text = bundle.readme_text(with_debs=False)
    assert "**This bundle carries no Debian packages for the classroom**" in text
    assert "./debs/*.deb" not in text and "<!--" not in text


def _deb(folder, name, content=b"deb"):
    path = folder / name
    path.write_bytes(content)
    return debs.Deb(name.split("_")[0], name, hashlib.sha256(content).hexdigest(), "x")


def test_a_missing_or_damaged_deb_or_folder_is_one_clear_line(tmp_path):
    """verify() names the missing folder, the missing file or the damaged file, in one line."""
    good = _deb(tmp_path, "nodejs_18_amd64.deb")
    debs.verify(tmp_path, [good])
    with pytest.raises(UserError, match=r"folder of Debian packages .*missing") as missing_folder:
        debs.verify(tmp_path / "none", [good])
    gone = debs.Deb("libuv1", "libuv1_1_amd64.deb", "0" * 64, "x")
    with pytest.raises(UserError, match=r"missing: .*libuv1_1_amd64\.deb") as missing:
        debs.verify(tmp_path, [good, gone])
    (tmp_path / "nodejs_18_amd64.deb").write_bytes(b"truncated")
    with pytest.raises(UserError, match=r"damaged .*nodejs_18_amd64\.deb") as damaged:
        debs.verify(tmp_path, [good])
    for error in (missing_folder, missing, damaged):
        assert "\n" not in str(error.value)


def test_the_bundle_lists_its_debs_with_sums(tmp_path):
    """_add_debs puts every file under debs/, with SHA256SUMS and a PACKAGES.txt of names."""
    files = [tmp_path / "nodejs_18_amd64.deb", tmp_path / "libuv1_1.44_amd64.deb"]
    for path in files:
        path.write_bytes(path.name.encode())
    (tmp_path / debs.SUMS).write_text("sums\n")
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as archive:
        bundle._add_debs(archive, files)
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        names = set(archive.namelist())
        listed = archive.read("dgt-lab/debs/PACKAGES.txt").decode().split()
    assert {f"dgt-lab/debs/{p.name}" for p in files} <= names
    assert "dgt-lab/debs/SHA256SUMS" in names and listed == ["nodejs", "libuv1"]


def test_a_build_machine_that_is_not_debian_12_goes_without_in_one_line(monkeypatch, capsys):
    """collect() on another system returns None and prints one line saying why."""
    monkeypatch.setattr(debs, "platform_problem", lambda: "Fedora 40 on x86_64")
    assert debs.collect() is None
    out = capsys.readouterr().out.strip()
    assert out.count("\n") == 0 and "Fedora 40" in out and "without" in out


@pytest.mark.slow
@pytest.mark.skipif(debs.platform_problem() is not None, reason="needs Debian 12 amd64 with apt")
def test_the_closure_is_what_a_fresh_debian_12_lacks():
    """The proxy, Node.js, python3.11-venv (and python3.11 at its version) are in; the base is not."""
    needed = {entry.split("=")[0] for entry in debs.needed_packages()}
    assert {"node-configurable-http-proxy", "nodejs", "libnode108", "python3.11-venv"} <= needed
    assert {"python3-pip-whl", "python3-setuptools-whl"} <= needed
    assert {"python3.11", "libpython3.11-stdlib"} <= needed  # python3.11-venv pins their version
    assert not {"libc6", "dpkg", "apt", "libssl3", "libsqlite3-0"} & needed

"""The USB bundle: one zip with the book, notebooks and data, and a wheelhouse that installs offline."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from course.manifest import curriculum
from course.publish import book, bundle
from course.publish import pdf as book_pdf


@pytest.fixture(scope="module")
def zip_path(tmp_path_factory):
    book.build(strict=True, quiet=True)
    if not book_pdf.pdf_path().is_file():
        book_pdf.make_pdf()
    # The wheelhouse is cached under book/_build and refreshed only when the lock changes.
    return bundle.make_bundle(target=tmp_path_factory.mktemp("usb") / "dgt.zip", build=False)


@pytest.mark.slow
def test_bundle_holds_book_notebooks_data_and_readme(zip_path):
    """The zip has the HTML book, the PDF, every lesson, trainee exercises, data and a README."""
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        readme = archive.read("dgt-lab/README.md").decode()
        for module in curriculum().modules:
            for lesson in module.lessons:
                assert f"dgt-lab/curriculum/modules/{module.id}/{lesson}" in names
            exercise = f"dgt-lab/curriculum/exercises/{module.id}/{module.exercise.notebook}"
            text = archive.read(exercise).decode()
            assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
            json.loads(text)
    assert "dgt-lab/book/html/index.html" in names
    assert "dgt-lab/book/html/_static/fonts/NotoSansLao-Regular.subset.woff2" in names
    assert f"dgt-lab/book/{book_pdf.pdf_path().name}" in names
    assert "dgt-lab/data/PROVENANCE.md" in names and "dgt-lab/constraints.txt" in names
    assert any(n.startswith("dgt-lab/wheelhouse/dgt_lab-") for n in names)
    assert "--no-index --find-links wheelhouse" in readme and "python3 -m venv" in readme


@pytest.mark.slow
def test_fresh_venv_installs_the_lab_from_the_wheelhouse_offline(zip_path, tmp_path):
    """pip install --no-index from the bundle's wheelhouse gives a venv that imports course."""
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(tmp_path)
    top = tmp_path / "dgt-lab"
    subprocess.run([sys.executable, "-m", "venv", str(top / ".venv")], check=True)
    pip = [str(top / ".venv" / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    offline = ["--no-index", "--find-links", "wheelhouse", "-c", "constraints.txt"]
    result = subprocess.run(
        [*pip, "install", "-q", *offline, "dgt-lab"],
        cwd=top,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PIP_CONFIG_FILE": "/dev/null", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    code = "import course, course.learn, course.data; print(len(course.data.provinces()))"
    check = subprocess.run(
        [str(top / ".venv" / "bin" / "python"), "-c", code],
        capture_output=True,
        text=True,
        env={"DGT_ROOT": str(top / "curriculum"), "PATH": "/usr/bin:/bin"},
    )
    assert check.returncode == 0 and check.stdout.strip() == "18", check.stderr[-2000:]
    assert (top / ".venv" / "bin" / "dgt").is_file()


def test_a_missing_book_is_one_clear_error(tmp_path, monkeypatch):
    """make_bundle(build=False) without a PDF raises a UserError and writes no zip."""
    from course.errors import UserError

    monkeypatch.setattr(book_pdf, "pdf_path", lambda: tmp_path / "none.pdf")
    with pytest.raises(UserError, match=r"none\.pdf"):
        bundle.make_bundle(target=tmp_path / "b.zip", build=False)
    assert not (tmp_path / "b.zip").exists()


@pytest.mark.slow
def test_bundle_carries_the_classroom_debs_or_says_it_does_not(zip_path):
    """On Debian 12 amd64 the zip holds debs/ (the proxy, Node.js, python3.11-venv) and sums."""
    from course.publish import debs

    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        readme = archive.read("dgt-lab/README.md").decode()
        if debs.platform_problem() is not None:
            assert "carries no Debian packages" in readme
            return
        listed = archive.read("dgt-lab/debs/PACKAGES.txt").decode().split()
        sums = archive.read("dgt-lab/debs/SHA256SUMS").decode().splitlines()
    assert {"node-configurable-http-proxy", "nodejs", "python3.11-venv"} <= set(listed)
    assert len(sums) == len(listed)
    sizes = _sizes(zip_path, "dgt-lab/debs/")
    assert sum(sizes) < 50e6, f"the classroom's debs take {sum(sizes) / 1e6:.1f} MB"
    assert all(f"dgt-lab/debs/{line.split()[1]}" in names for line in sums)
    assert "apt-get install --no-install-recommends -y ./debs/*.deb" in readme


def _sizes(zip_path, prefix: str) -> list[int]:
    with zipfile.ZipFile(zip_path) as archive:
        return [i.file_size for i in archive.infolist() if i.filename.startswith(prefix)]


@pytest.mark.slow
def test_every_wheel_installs_on_debian_12s_python(zip_path):
    """Debian 12's python3.11 is 3.11.2: no wheel in the bundle may ask for a newer one."""
    from packaging.specifiers import SpecifierSet

    refused = []
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            if name.startswith("dgt-lab/wheelhouse/") and name.endswith(".whl"):
                with zipfile.ZipFile(archive.open(name)) as wheel:
                    meta = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
                    for line in wheel.read(meta).decode(errors="replace").splitlines():
                        if line.startswith("Requires-Python:"):
                            spec = SpecifierSet(line.split(":", 1)[1].strip())
                            if not spec.contains("3.11.2"):
                                refused.append(f"{name} ({spec})")
    assert not refused, refused

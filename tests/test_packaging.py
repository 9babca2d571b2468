"""The project's wheel carries every file the lab needs at run time (for installs from the USB bundle)."""

import subprocess
import sys
import zipfile

import pytest

from course.manifest import PACKAGE_DIR, repo_root


@pytest.mark.slow
def test_wheel_holds_every_runtime_file(tmp_path):
    """Manifest, catalogues, data, app notebooks and the Voila template are all in the wheel.

    The apps' page script ships built in the template; its sources (course/serve/voila/frontend)
    are for rebuilding it and stay out.
    """
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(repo_root()),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("dgt_lab-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    needed = [
        path
        for folder in ("messages", "data/files", "serve/apps", "serve/voila/jupyter")
        for path in (PACKAGE_DIR / folder).rglob("*")
        if path.is_file() and not path.name.startswith(".") and "__pycache__" not in path.parts
    ]
    needed.append(PACKAGE_DIR / "curriculum.toml")
    missing = [
        str(p.relative_to(PACKAGE_DIR))
        for p in needed
        if f"course/{p.relative_to(PACKAGE_DIR).as_posix()}" not in names
    ]
    assert not missing
    assert "course/serve/voila/jupyter/voila/templates/dgt/static/dgt-apps.js" in names
    assert not [name for name in names if name.startswith("course/serve/voila/frontend/")]
    assert "autograder/nbgrader_config.py" in names

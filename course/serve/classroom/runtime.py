"""The Python that trainees' servers run: reachable by every account, with the lab's packages.

The lab's own environment (.venv) may use an interpreter inside a private folder (for
example pyenv's under /root), which other accounts cannot run. So the room gets a small
virtual environment in the shared folder (<srv>/python): made with an interpreter every
account can run (this one if it can, else the system's python3 of the same version),
whose site-packages points at the lab's (a .pth file), with the lab's Jupyter data and
settings linked in, and a `dgt` command. Nothing is copied or downloaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from course.errors import UserError
from course.messages import t


def reachable(path: Path) -> bool:
    """True if any account can reach `path` (every folder above it lets others in)."""
    path = path.resolve()
    return all(parent.stat().st_mode & 0o001 for parent in path.parents) and bool(
        path.stat().st_mode & 0o005
    )


def interpreter() -> Path:
    """An interpreter of this Python's version that every account may run."""
    own = Path(os.path.realpath(sys.executable))
    if reachable(own):
        return own
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (Path(f"/usr/bin/python{version}"), Path(f"/usr/local/bin/python{version}")):
        if candidate.is_file() and reachable(candidate):
            return candidate
    raise UserError(t("classroom.no_python", python=own, version=version))


def site_packages() -> Path:
    return Path(sysconfig.get_paths()["purelib"])


def prepare(folder: Path) -> Path:
    """Make (or refresh) the shared environment in `folder`; return its python."""
    lab = site_packages()
    if not reachable(lab):
        raise UserError(t("classroom.lab_hidden", path=lab))
    python = folder / "bin" / "python"
    if not python.exists():
        subprocess.run(
            [str(interpreter()), "-m", "venv", "--without-pip", str(folder)],
            check=True,
            capture_output=True,
        )
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    own_site = folder / "lib" / version / "site-packages"
    own_site.mkdir(parents=True, exist_ok=True)
    (own_site / "dgt-lab.pth").write_text(f"import site; site.addsitedir({str(lab)!r})\n")
    for name in ("share/jupyter", "etc/jupyter"):
        link = folder / name
        target = Path(sys.prefix) / name
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink() or not link.exists():
            if link.is_symlink():
                link.unlink()
            if target.exists():
                link.symlink_to(target, target_is_directory=True)
    dgt = folder / "bin" / "dgt"
    dgt.write_text(
        f"#!{python}\nimport sys\nfrom course.cli import main\nsys.exit(main())\n",
        encoding="utf-8",
    )
    os.chmod(dgt, 0o755)
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            os.chmod(path, (path.stat().st_mode | 0o444 | (0o111 if path.is_dir() else 0)) & 0o755)
    return python

"""Start JupyterLab on the curriculum, with nbgrader's extensions configured for the workspace.

JupyterLab serves one folder, and nbgrader's Formgrader works only when the course
workspace sits inside that folder. The workspace must stay outside the repository
(it holds trainees' work and grades), so the lab serves a small "lab home" folder
(default ~/dgt-lab, or $DGT_LAB_HOME) that links to the curriculum and the workspace:

    ~/dgt-lab/modules           -> <repo>/modules     (lessons)
    ~/dgt-lab/exercises         -> <repo>/exercises   (source assignments, for trainers)
    ~/dgt-lab/course-workspace  -> the course workspace (gradebook, releases, submissions)
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from course.errors import UserError
from course.manifest import repo_root
from course.messages import t

LINKS = ("modules", "exercises")
WORKSPACE_LINK = "course-workspace"


def lab_home() -> Path:
    """The folder JupyterLab serves: $DGT_LAB_HOME, else ~/dgt-lab."""
    return Path(os.environ.get("DGT_LAB_HOME") or Path.home() / "dgt-lab").expanduser()


def _link(link: Path, target: Path) -> None:
    """Make `link` point at `target`, replacing a stale link but never a real file or folder."""
    if link.is_symlink():
        if link.resolve() == target.resolve():
            return
        link.unlink()
    elif link.exists():
        raise UserError(t("lab.not_a_link", path=link))
    link.symlink_to(target, target_is_directory=True)


def prepare(workspace_root: Path, home: Path | None = None) -> Path:
    """Create the lab home with its links (idempotent); return it."""
    home = lab_home() if home is None else home
    home.mkdir(parents=True, exist_ok=True)
    for name in LINKS:
        _link(home / name, repo_root() / name)
    _link(home / WORKSPACE_LINK, workspace_root)
    return home


def command(home: Path, port: int, open_browser: bool, token: str) -> list[str]:
    """The JupyterLab command line (127.0.0.1 only, a fresh token, the lab home as root)."""
    arguments = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={home}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--ServerApp.open_browser={open_browser}",
        f"--IdentityProvider.token={token}",
        # No calls home: no news feed, no update check, no extension manager listing.
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        arguments.append("--ServerApp.allow_root=True")  # containers and training servers
    return arguments


def environment(workspace_env: dict[str, str], home: Path) -> dict[str, str]:
    """The lab's environment: nbgrader sees the workspace through the lab home's link."""
    env = dict(workspace_env)
    env["DGT_WORKSPACE"] = str(home / WORKSPACE_LINK)
    return env


def start(port: int = 8888, open_browser: bool = True, workspace: str | None = None) -> int:
    """Start JupyterLab in the foreground; return its exit status."""
    from autograder import workspace as workspaces

    ws = workspaces.init(workspace)
    home = prepare(ws.root)
    token = secrets.token_hex(16)
    print(t("cli.lab_url", url=f"http://127.0.0.1:{port}/lab?token={token}"), flush=True)
    try:
        return subprocess.call(
            command(home, port, open_browser, token), env=environment(ws.env(), home), cwd=home
        )
    except KeyboardInterrupt:
        return 0

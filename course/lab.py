"""Start JupyterLab on the curriculum, with nbgrader's extensions configured for the workspace."""

from __future__ import annotations

import secrets
import subprocess
import sys

from course.manifest import repo_root
from course.messages import t


def command(port: int, open_browser: bool, token: str) -> list[str]:
    """The JupyterLab command line (127.0.0.1 only, a fresh token, the curriculum as root)."""
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={repo_root()}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--ServerApp.open_browser={open_browser}",
        f"--IdentityProvider.token={token}",
        # No calls home: no news feed, no update check, no extension manager listing.
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]


def start(port: int = 8888, open_browser: bool = True, workspace: str | None = None) -> int:
    """Start JupyterLab in the foreground; return its exit status."""
    from autograder import workspace as workspaces

    ws = workspaces.init(workspace)
    token = secrets.token_hex(16)
    print(t("cli.lab_url", url=f"http://127.0.0.1:{port}/lab?token={token}"), flush=True)
    try:
        return subprocess.call(command(port, open_browser, token), env=ws.env(), cwd=repo_root())
    except KeyboardInterrupt:
        return 0

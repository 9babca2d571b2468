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

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
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
        "--ServerApp.port_retries=0",  # a busy port is an error, not another address
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


def descendants(root: int) -> dict[int, str]:
    """Every process below `root` (children, grandchildren, ...), by pid with its start time (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    started: dict[int, str] = {}
    for entry in os.scandir("/proc") if os.path.isdir("/proc") else []:
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        pid = int(entry.name)
        parents.setdefault(int(fields[1]), []).append(pid)
        started[pid] = fields[19]
    found: dict[int, str] = {}
    todo = [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found[child] = started[child]
                todo.append(child)
    return found


def _alive(pid: int, started: str) -> bool:
    """True while `pid` is the same running process (not a zombie, not a reused pid)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[0] != "Z" and fields[19] == started


def stop(process: subprocess.Popen, grace: float = 15.0) -> None:
    """Stop JupyterLab and everything it started: its process group, then any kernel left over."""
    below = descendants(process.pid)
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # the lab shuts its kernels down
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    deadline = time.monotonic() + 5
    while (left := [p for p, s in below.items() if _alive(p, s)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left:  # kernels run in their own sessions: stop any the lab did not
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


class _Stop(Exception):
    """Raised in the main thread by SIGTERM, SIGINT or SIGHUP."""


def _raise_stop(signum, frame) -> None:
    raise _Stop(signum)


def _ready(process: subprocess.Popen, port: int, token: str) -> bool:
    """Wait until the lab answers on its port (True) or has stopped (False)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    url = f"http://127.0.0.1:{port}/api/status?token={token}"
    while process.poll() is None:
        try:
            with opener.open(url, timeout=5) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def _tail(path: Path, lines: int = 15) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def start(port: int = 8888, open_browser: bool = True, workspace: str | None = None) -> int:
    """Start JupyterLab; print its address last, once it answers; stop it and its kernels on a signal.

    JupyterLab's own log goes to <workspace>/dgt/logs/lab.log, so the address with the
    token stays the last line the trainer sees. JupyterLab runs in its own process
    group: Ctrl+C, SIGTERM (e.g. from a time limit) or a closed terminal stop the group
    and any kernel left behind, never only `dgt lab`.
    """
    from autograder import workspace as workspaces

    ws = workspaces.init(workspace)
    home = prepare(ws.root)
    token = secrets.token_hex(16)
    log_path = ws.root / "dgt" / "logs" / "lab.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(t("lab.log", path=log_path), flush=True)
    handled = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {number: signal.signal(number, _raise_stop) for number in handled}
    process = None
    try:
        with open(log_path, "w", encoding="utf-8") as log:
            process = subprocess.Popen(
                command(home, port, open_browser, token),
                env=environment(ws.env(), home),
                cwd=home,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            if not _ready(process, port, token):
                print(t("lab.failed", status=process.returncode, path=log_path), file=sys.stderr)
                print(_tail(log_path), file=sys.stderr, flush=True)
                return process.returncode or 1
            print(t("cli.lab_url", url=f"http://127.0.0.1:{port}/lab?token={token}"), flush=True)
            return process.wait()
    except _Stop:
        return 0
    finally:
        for number in handled:  # a second Ctrl+C must not cut the stopping short
            signal.signal(number, signal.SIG_IGN)
        if process is not None:
            stop(process)
        for number, handler in previous.items():
            signal.signal(number, handler)

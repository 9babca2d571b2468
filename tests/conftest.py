"""Shared fixtures: the manifest, notebook execution, free ports and local servers."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from course.manifest import curriculum, repo_root

# Files that lessons and exercises write for the trainee (e.g. a cleaned Excel table) go
# to a throwaway folder during tests, never to the tester's home. Kernels, nbgrader and
# servers started by the tests inherit this.
os.environ.setdefault("DGT_OUTPUT", tempfile.mkdtemp(prefix="dgt-test-output-"))

# Every process the tests start inherits this mark, so the end-of-session check below
# finds what they left running even after it lost its parent. Each pytest process
# (each xdist worker) sets its own.
SESSION_MARK = "DGT_TEST_SESSION"
os.environ[SESSION_MARK] = f"{os.getpid()}-{time.time_ns()}"

ROOT = repo_root()
MODULES = curriculum().modules
MODULE_IDS = [m.id for m in MODULES]
LESSONS = [path for m in MODULES for path in m.lesson_paths]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float) -> float:
    """Poll `url` until it answers 200; return the seconds it took. Fail after `timeout`."""
    start = time.monotonic()
    last: Exception | None = None
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return time.monotonic() - start
        except Exception as error:  # not up yet
            last = error
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s: {last}")


class Server:
    """A process serving HTTP on 127.0.0.1, stopped when the test ends."""

    def __init__(self, command: list[str], port: int, cwd: Path, env: dict | None = None):
        self.port = port
        self.log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"server-{port}.log", "w+")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        """What the server has printed so far (its log)."""
        self.log.flush()
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Stop the server's process group and any kernel it left (as `dgt lab` does)."""
        from course.serve import lab

        lab.stop(self.process, grace=10)
        self.log.close()


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """A fresh course workspace outside the repository."""
    from autograder import workspace as workspaces

    monkeypatch.setenv("DGT_WORKSPACE", str(tmp_path / "workspace"))
    return workspaces.init(tmp_path / "workspace")


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium under Playwright for the whole session (never skipped silently)."""
    from playwright.sync_api import sync_playwright

    import browser as harness

    with sync_playwright() as playwright:
        try:
            instance = harness.launch(playwright)
        except Exception as error:  # no chromium: fail with one clear line
            pytest.fail(
                f"cannot start Debian's chromium for the browser tests: {error}", pytrace=False
            )
        yield instance
        instance.close()


# Tests that share one build, server or browser session run in one pytest-xdist worker.
_GROUPS = {"test_book": "book", "test_apps": "apps", "test_grade": "grade"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups from the markers
def pytest_collection_modifyitems(config, items):
    """Put each test of a shared-resource file into its xdist group (--dist loadgroup)."""
    for item in items:
        for prefix, group in _GROUPS.items():
            if item.path.name.startswith(prefix):
                item.add_marker(pytest.mark.xdist_group(group))


def lab_token(process: subprocess.Popen, timeout: float = 180.0) -> tuple[str, list[str]]:
    """Read `dgt lab`'s output up to the line with the address; return its token and the lines read."""
    lines: list[str] = []
    found: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            match = re.search(r"token=([0-9a-f]+)", line)
            if match:
                found.append(match.group(1))
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if not found:
        raise AssertionError(f"dgt lab printed no address within {timeout} s: {lines}")
    return found[0], lines


# --- nothing left running --------------------------------------------------------------


def _proc_stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state) of a process, None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    return int(fields[1]), fields[0]


def _command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()[:160] or "?"


def leftover_processes(mark: str | None = None, root: int | None = None) -> dict[int, str]:
    """Live processes this test session started: below `root` (this pytest process), or carrying its mark.

    The mark (an environment variable) finds a process whose parent has gone, such as a
    kernel whose JupyterLab was killed; the parent chain finds those whose environment
    was replaced (the grading sandbox scrubs it). Zombies are dead and do not count.
    """
    mark = mark or os.environ[SESSION_MARK]
    root = root or os.getpid()
    needle = f"{SESSION_MARK}={mark}".encode() + b"\0"
    children: dict[int, list[int]] = {}
    marked: set[int] = set()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == root:
            continue
        pid = int(entry.name)
        stat = _proc_stat(pid)
        if stat is None or stat[1] == "Z":
            continue
        children.setdefault(stat[0], []).append(pid)
        try:
            if needle in Path(entry.path, "environ").read_bytes():
                marked.add(pid)
        except OSError:  # another user's process (the sandbox's kernels): the parent chain finds it
            pass
    below: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in below:
                below.add(child)
                todo.append(child)
    return {pid: _command_line(pid) for pid in sorted(below | marked)}


def describe_leftovers(found: dict[int, str]) -> str:
    """One loud message naming every process left running."""
    names = "; ".join(f"pid {pid}: {line}" for pid, line in found.items())
    return f"the tests left {len(found)} process(es) running (now killed): {names}"


@pytest.fixture(scope="session", autouse=True)
def nothing_left_running():
    """At the end of the session (in each xdist worker), fail if a server, kernel or child still runs."""
    yield
    deadline = time.monotonic() + 10  # what is shutting down gets a moment to finish
    while (found := leftover_processes()) and time.monotonic() < deadline:
        time.sleep(0.2)
    if found:
        for pid in found:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        pytest.fail(describe_leftovers(found), pytrace=False)


def dgt(*words: str) -> str:
    """Run `dgt` in this process; return what it printed; fail on a non-zero status."""
    import contextlib
    import io

    from course.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(list(words))
    assert status == 0, out.getvalue()
    return out.getvalue()


def start_course(workspace: Path, roster: str, assignment: str, *release: str):
    """`dgt grade init`, `roster import` and `release` for a test course ($DGT_WORKSPACE = workspace).

    The roster CSV text is written beside the workspace. Returns the workspace and what
    each step printed ("init", "roster", "release").
    """
    from autograder import workspace as workspaces

    printed = {"init": dgt("grade", "init")}
    ws = workspaces.resolve(workspace)
    roster_file = workspace.parent / "roster.csv"
    roster_file.write_text(roster, encoding="utf-8")
    printed["roster"] = dgt("grade", "roster", "import", str(roster_file))
    printed["release"] = dgt("grade", "release", assignment, *release)
    return ws, printed

"""The end-of-session check (tests/conftest.py) finds and names what the tests leave running."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import describe_leftovers, leftover_processes

HERE = Path(__file__).parent


def _gone(pid: int) -> bool:
    deadline = time.monotonic() + 5
    while pid in leftover_processes() and time.monotonic() < deadline:
        time.sleep(0.1)
    return pid not in leftover_processes()


def test_a_child_left_running_is_found_and_named():
    """A child process of the test run is a leftover; the message names its pid and command."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        found = leftover_processes()
        assert child.pid in found and "time.sleep(300)" in found[child.pid]
        message = describe_leftovers({child.pid: found[child.pid]})
        assert f"pid {child.pid}" in message and "time.sleep(300)" in message
    finally:
        child.kill()
        child.wait()
    assert child.pid not in leftover_processes()


def test_an_orphan_in_its_own_session_is_found_by_its_mark():
    """A process whose parent has exited (as a kernel whose lab was killed) is still found."""
    shell = subprocess.run(
        ["setsid", "sh", "-c", "sleep 300 >/dev/null 2>&1 & echo $!"],
        capture_output=True,
        text=True,
        check=True,
    )
    orphan = int(shell.stdout.strip())
    try:
        found = leftover_processes()
        assert orphan in found and "sleep 300" in found[orphan]
    finally:
        os.kill(orphan, signal.SIGKILL)
    assert _gone(orphan)


def test_the_check_fails_loudly(tmp_path):
    """A test session that leaves a process running fails at the end and names the process."""
    (tmp_path / "conftest.py").write_text(HERE.joinpath("conftest.py").read_text("utf-8"), "utf-8")
    (tmp_path / "test_leaky.py").write_text(
        "import subprocess, sys\n\n"
        "def test_leaves_a_server():\n"
        "    code = 'import time; time.sleep(120)  # leaky-server'\n"
        "    subprocess.Popen([sys.executable, '-c', code])\n",
        "utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 passed, 1 error" in run.stdout, run.stdout
    assert re.search(
        r"the tests left 1 process\(es\) running \(now killed\): pid \d+: .*leaky-server",
        run.stdout,
    ), run.stdout
    assert not [line for line in leftover_processes().values() if "leaky-server" in line]

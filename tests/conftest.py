"""Shared fixtures: the manifest, notebook execution, free ports and local servers."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from course.manifest import curriculum, repo_root

# Files that lessons and exercises write for the trainee (e.g. a cleaned Excel table) go
# to a throwaway folder during tests, never to the tester's home. Kernels, nbgrader and
# servers started by the tests inherit this.
os.environ.setdefault("DGT_OUTPUT", tempfile.mkdtemp(prefix="dgt-test-output-"))

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
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
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

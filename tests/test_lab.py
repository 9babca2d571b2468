"""`dgt lab`: a real JupyterLab on 127.0.0.1 serving the curriculum, nbgrader's extensions enabled."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT, SESSION_MARK, free_port, lab_token, leftover_processes, wait_for_http
from course.serve import lab


def test_lab_home_links_are_idempotent_and_safe(tmp_path):
    """prepare() links modules, exercises and the workspace, twice without error, never over a real folder."""
    workspace = tmp_path / "ws"
    workspace.mkdir()
    home = lab.prepare(workspace, tmp_path / "home")
    lab.prepare(workspace, tmp_path / "home")
    assert (home / "modules").resolve() == (ROOT / "modules").resolve()
    assert (home / "course-workspace").resolve() == workspace.resolve()
    other = tmp_path / "home2"
    (other / "modules").mkdir(parents=True)
    from course.errors import UserError

    with pytest.raises(UserError, match="not a link"):
        lab.prepare(workspace, other)


@pytest.mark.slow
def test_dgt_lab_serves_modules_with_nbgrader_extensions(tmp_path):
    """The lab lists the modules, Formgrader sees the assignments, no nbgrader plugin is disabled."""
    port = free_port()
    env = {
        **os.environ,
        "DGT_LAB_HOME": str(tmp_path / "home"),
        "DGT_WORKSPACE": str(tmp_path / "ws"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "course", "lab", "--no-browser", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        token, _ = lab_token(process)
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/api/status?token={token}", timeout=90)

        def get(path):
            with urllib.request.urlopen(f"{base}{path}?token={token}", timeout=30) as response:
                return response.read().decode("utf-8")

        names = [item["name"] for item in json.loads(get("/api/contents"))["content"]]
        assert {"modules", "exercises", "course-workspace"} <= set(names)
        assignments = [a["name"] for a in json.loads(get("/formgrader/api/assignments"))]
        assert "B1-foundations" in assignments
        page = get("/lab")
        config = json.loads(
            re.search(
                r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                page,
                re.S,
            ).group(1)
        )
        federated = [ext["name"] for ext in config["federated_extensions"]]
        assert "@jupyter/nbgrader" in federated
        assert not [d for d in config.get("disabledExtensions", []) if "nbgrader" in str(d)]
    finally:
        process.terminate()  # only `dgt lab` itself: it must stop JupyterLab
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def _start_lab(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DGT_LAB_HOME": str(tmp_path / "home"),
        "DGT_WORKSPACE": str(tmp_path / "ws"),
        # A mark of this lab's own: its processes (and the kernels they start) carry it, so a
        # test can tell them from the session's other children (a shared browser, say).
        SESSION_MARK: f"lab-{tmp_path.name}-{os.getpid()}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "course", "lab", "--no-browser", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return process, port


def _kernel(port: int, token: str) -> None:
    """Start a kernel through the lab's REST API, as opening a notebook does."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/kernels?token={token}", data=b"{}", method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 201


@pytest.mark.slow
@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_dgt_lab_shows_the_address_last_and_stops_everything_on_a_signal(tmp_path, number):
    """The address is the last line printed (the lab's log goes to a file); a signal to `dgt lab` alone stops JupyterLab and its kernels."""
    process, port = _start_lab(tmp_path)
    try:
        token, lines = lab_token(process)
        assert re.fullmatch(rf".*http://127\.0\.0\.1:{port}/lab\?token={token}.*", lines[-1])
        assert len(lines) == 2 and "lab.log" in lines[0], lines  # the log's place, then the address
        _kernel(port, token)
        mark = f"lab-{tmp_path.name}-{os.getpid()}"
        below = leftover_processes(mark=mark, root=process.pid)
        assert any("jupyterlab" in line for line in below.values()), below
        assert any("ipykernel" in line for line in below.values()), below
        time.sleep(1)
        log = (tmp_path / "ws" / "dgt" / "logs" / "lab.log").read_text(encoding="utf-8")
        assert "Kernel started" in log
        process.send_signal(number)
        assert process.wait(40) == 0
        assert process.stdout.read() == ""  # nothing after the address
        deadline = time.monotonic() + 10
        while (
            alive := set(below) & set(leftover_processes(mark=mark))
        ) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive, [below[pid] for pid in alive]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

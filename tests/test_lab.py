"""`dgt lab`: a real JupyterLab on 127.0.0.1 serving the curriculum, nbgrader's extensions enabled."""

import json
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT, free_port, wait_for_http
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
        **__import__("os").environ,
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
        first = process.stdout.readline()
        token = re.search(r"token=([0-9a-f]+)", first).group(1)
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
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        time.sleep(0.2)

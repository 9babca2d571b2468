"""What trainee code sees from inside the sandbox: its own folder, no network, no secrets, hard limits."""

from __future__ import annotations

import json
import os
import sys

import nbformat
import pytest

from autograder import autograde
from autograder import workspace as workspaces
from autograder.execution import sandbox
from autograder.execution.pool import ExecutionPool, Job
from course.manifest import curriculum, repo_root

B1 = curriculum().module("B1-foundations").exercise
PROBE = """
import ctypes, errno, json, os, resource, socket, struct
libc = ctypes.CDLL(None, use_errno=True)

def os_level_open(path):
    fd = libc.open(path.encode(), os.O_RDONLY)
    return fd if fd < 0 else "opened"

def os_level_connect():
    s = libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    address = struct.pack("HH4s8x", socket.AF_INET, socket.htons(80), bytes([93, 184, 216, 34]))
    result = libc.connect(s, address, 16)
    return [result, errno.errorcode.get(ctypes.get_errno(), "?")]

def attempt(action):
    try:
        action()
        return "allowed"
    except Exception as error:
        return type(error).__name__ + ": " + str(error)[:80]

facts = {
    "uid": os.getuid(),
    "cwd": os.getcwd(),
    "home": os.environ.get("HOME"),
    "env": sorted(os.environ),
    "repo": sorted(os.listdir(REPO)) if os.path.isdir(REPO) else None,
    "source_visible": os.path.exists(SOURCE),
    "gradebook_visible": os.path.exists(GRADEBOOK),
    "os_open_source": os_level_open(SOURCE),
    "tmp": sorted(os.listdir("/tmp")),
    "interfaces": [name for _, name in socket.if_nameindex()],
    "os_connect": os_level_connect(),
    "python_connect": attempt(lambda: socket.create_connection(("93.184.216.34", 80), timeout=2)),
    "read_source": attempt(lambda: open(SOURCE).read()),
    "write_repo": attempt(lambda: open(REPO + "/course/dgt-probe.txt", "w")),
    "setuid": attempt(lambda: os.setuid(0)),
    "processes": len([p for p in os.listdir("/proc") if p.isdigit()]),
    "limits": {name: resource.getrlimit(getattr(resource, name))[1] for name in ("RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_CPU", "RLIMIT_FSIZE")},
    "pandas": __import__("pandas").__version__,
}
print(json.dumps(facts))
"""


def probe(tmp_path, mode: str | None = None) -> tuple[str, dict]:
    """Run the probe notebook in one sandboxed kernel; return the mode and what the kernel saw."""
    ws = workspaces.init(tmp_path / "workspace")
    (ws.root / "gradebook.db").write_bytes(b"SQLite format 3\x00")
    source = (
        f"REPO = {str(repo_root())!r}\nSOURCE = {str(B1.source)!r}\n"
        f"GRADEBOOK = {str(ws.root / 'gradebook.db')!r}\n" + PROBE
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    limits = sandbox.Limits(memory_mb=1500, processes=40, cpu_seconds=60, file_mb=8)
    pool = ExecutionPool(ws.config(), 1, limits, autograde.hidden_folders(ws), ["pandas"], mode)
    try:
        outcome = pool.submit(Job("probe", "probe", nb, {}, [])).result(120)
        chosen = pool.mode
    finally:
        pool.close()
    assert outcome.nb is not None, outcome.error
    outputs = outcome.nb.cells[0].outputs
    assert outputs and outputs[0].get("name") == "stdout", outputs
    return chosen, json.loads(outputs[0]["text"])


def linux_root() -> bool:
    return sys.platform.startswith("linux") and os.geteuid() == 0


@pytest.mark.slow
@pytest.mark.skipif(not linux_root(), reason="the namespace sandbox needs Linux and root")
def test_namespace_sandbox_as_root(tmp_path, monkeypatch):
    """As root on Linux: own uid, scratch cwd, clean env, hidden repo and workspace, no network, hard limits."""
    monkeypatch.setenv("DGT_WORKSPACE", str(tmp_path / "workspace"))
    mode, seen = probe(tmp_path)
    assert mode == sandbox.NAMESPACES
    assert seen["uid"] >= 61000 and seen["cwd"] == seen["home"]
    assert "/dgt-grade-" in seen["cwd"]
    allowed = {
        "PATH",
        "LANG",
        "HOME",
        "USER",
        "LOGNAME",
        "TMPDIR",
        "MPLCONFIGDIR",
        "PYTHONDONTWRITEBYTECODE",
    }
    allowed |= {"OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "DGT_LANG"}
    allowed |= {"DGT_GRADING"}  # a grading kernel records no practice attempts (course.activity)
    allowed |= {
        "MPLBACKEND",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "FORCE_COLOR",
        "GIT_PAGER",
        "PAGER",
        "TERM",
    }  # set by ipykernel
    assert set(seen["env"]) <= allowed, set(seen["env"]) - allowed
    assert seen["repo"] == [".venv", "course"]
    assert not seen["source_visible"] and not seen["gradebook_visible"]
    assert seen["os_open_source"] == -1  # not there at the operating-system level either
    # /tmp is the kernel's own: its scratch folder, and the read-only repository if it lives there
    repo = repo_root().resolve()
    in_tmp = repo.parts[2:3] if repo.parts[:2] == ("/", "tmp") else ()
    scratch = [name for name in seen["tmp"] if name not in in_tmp]
    assert len(scratch) == 1 and seen["cwd"].startswith(f"/tmp/{scratch[0]}/"), seen["tmp"]
    assert seen["interfaces"] == ["lo"]
    assert seen["os_connect"][0] == -1 and seen["os_connect"][1] in ("ENETUNREACH", "EHOSTUNREACH")
    assert "dgt-sandbox" in seen["python_connect"] and "dgt-sandbox" in seen["read_source"]
    assert seen["write_repo"].startswith("PermissionError") and seen["setuid"].startswith(
        "PermissionError"
    )
    assert seen["processes"] <= 3  # its own process namespace: init and the kernel
    assert seen["limits"] == {
        "RLIMIT_AS": 1500 * 1024**2,
        "RLIMIT_NPROC": 40,
        "RLIMIT_CPU": 60,
        "RLIMIT_FSIZE": 8 * 1024**2,
    }
    assert seen["pandas"]


@pytest.mark.slow
def test_limits_only_sandbox(tmp_path, monkeypatch):
    """Without namespaces the kernel still gets limits, a scratch folder and a clean environment,
    and the audit hook refuses sockets and the protected folders."""
    monkeypatch.setenv("DGT_WORKSPACE", str(tmp_path / "workspace"))
    mode, seen = probe(tmp_path, sandbox.LIMITS)
    assert mode == sandbox.LIMITS
    assert seen["cwd"] == seen["home"] and "DGT_WORKSPACE" not in seen["env"]
    assert "dgt-sandbox" in seen["python_connect"] and "dgt-sandbox" in seen["read_source"]
    assert "dgt-sandbox" in seen["write_repo"]
    assert seen["limits"]["RLIMIT_AS"] == 1500 * 1024**2 and seen["limits"]["RLIMIT_CPU"] == 60


@pytest.mark.slow
def test_dgt_grade_sandbox_says_what_is_enforced(capsys):
    """`dgt grade sandbox` names the mode and the limits in plain words."""
    from course.cli import main

    assert main(["grade", "sandbox"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Sandbox: ") and "Limits per notebook:" in out
    if linux_root():
        assert "Linux namespaces" in out


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="user namespaces are Linux only")
def test_user_namespace_sandbox(tmp_path, monkeypatch):
    """The mode for trainers who are not root: hidden folders and no network inside a user namespace.

    (On this CI machine it runs as root, asked for explicitly; the kernel keeps the caller's uid.)
    """
    monkeypatch.setenv("DGT_WORKSPACE", str(tmp_path / "workspace"))
    mode, seen = probe(tmp_path, sandbox.USERNS)
    if mode != sandbox.USERNS:
        pytest.skip("this system does not allow unprivileged user namespaces")
    assert seen["uid"] == os.getuid()
    assert seen["repo"] == [".venv", "course"]
    assert not seen["source_visible"] and not seen["gradebook_visible"]
    assert seen["os_open_source"] == -1
    assert seen["interfaces"] == ["lo"] and seen["os_connect"][0] == -1
    assert seen["processes"] <= 3

"""bench/classroom.py: its command line (the benchmark itself is a script, run by hand as root)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "classroom.py"


def test_help_names_the_options():
    """--help answers without starting anything and names the room size option."""
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "--trainees" in result.stdout and "--no-plain" in result.stdout


def test_a_room_of_no_one_is_refused_in_one_line():
    """--trainees 0 is an argument error (exit 2, one line of error), before any account is made."""
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--trainees", "0"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].endswith("--trainees must be at least 1")
    assert "Traceback" not in result.stderr


def test_an_unknown_fork_mode_is_refused_in_one_line():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--fork", "sideways"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "invalid choice: 'sideways'" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_table_sets_each_dgt_room_against_plain_jupyterhub():
    """Two dgt rooms and plain JupyterHub: a column each, then one ratio column per dgt room."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_classroom", SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_classroom"] = bench  # its dataclasses look their module up
    spec.loader.exec_module(bench)
    room = {"results": [], "failed": []}
    report = {
        "dgt": [
            {**room, "name": "dgt classroom (fork: on)", "p95": 3.0, "pss_kernel_mb": 30.0},
            {**room, "name": "dgt classroom (fork: off)", "p95": 6.0},
        ],
        "plain": {**room, "name": "plain JupyterHub", "p95": 30.0, "pss_kernel_mb": 60.0},
    }
    lines = bench.table(report).splitlines()
    assert lines[0].endswith("| (fork: on) / plain | (fork: off) / plain |")
    p95 = next(line for line in lines if line.startswith("| login → last cell, p95"))
    assert p95 == "| login → last cell, p95 (s) | 3.0 | 6.0 | 30.0 | 0.10 | 0.20 |"
    kernels = next(line for line in lines if "of which their kernels" in line)
    assert kernels.endswith("| 30 | - | 60 | 0.50 | - |")

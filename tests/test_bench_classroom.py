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

"""Serve the apps with Voila on 127.0.0.1: one server for every app notebook in course/apps."""

from __future__ import annotations

import subprocess
import sys

from course.manifest import APPS_DIR
from course.messages import t


def command(port: int, open_browser: bool = False) -> list[str]:
    """The Voila command line: the apps folder only, this computer only, no tracebacks shown."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(APPS_DIR),
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--no-browser" if not open_browser else "--Voila.open_browser=True",
        "--show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=[]",
    ]


def serve(port: int = 8866, open_browser: bool = True) -> int:
    """Serve the apps in the foreground until Ctrl+C; return Voila's exit status."""
    print(t("cli.apps_url", url=f"http://127.0.0.1:{port}/"), flush=True)
    try:
        return subprocess.call(command(port, open_browser), cwd=APPS_DIR)
    except KeyboardInterrupt:
        return 0

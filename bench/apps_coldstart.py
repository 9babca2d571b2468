"""Benchmark: the cold start of `dgt apps`, from the command to listening, to the factory ready, and to the first app live.

Starts `course.serve.app_server.command` on a free port of 127.0.0.1 RUNS times and times,
from the moment the command is started: the landing page answering (listening), and one
light visitor (tests/apps_client.py) that asks for the first app the moment the server
listens having the app's widgets (first page live). Also the CPU seconds the server and
its factory used until then (from /proc), since the machine is shared and wall time is not
only ours.

Usage: .venv/bin/python bench/apps_coldstart.py [--runs 3] [--app egdi_explorer]
Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from apps_classroom import APPS, cpu_seconds, descendants  # noqa: E402

import apps_client  # noqa: E402
from conftest import Server, free_port, wait_for_http  # noqa: E402
from course.manifest import APPS_DIR  # noqa: E402
from course.serve import app_server  # noqa: E402


def cold_start(app: str) -> dict:
    """One cold start: seconds to listening and to the first app live, and the CPU used."""
    port = free_port()
    started = time.monotonic()
    server = Server(app_server.command(port), port, cwd=APPS_DIR)
    try:
        wait_for_http(server.url + "/", 120)
        listening = time.monotonic() - started
        visit = apps_client.open_app(server.url, f"{app}.ipynb", 120)
        live = time.monotonic() - started
        cpu = cpu_seconds(descendants(server.process.pid))
        apps_client.close(visit, server.url)
        return {
            "listening_s": round(listening, 2),
            "first_page_live_s": round(live, 2) if visit.live else None,
            "error": visit.error,
            "cpu_s_until_live": round(cpu, 2),
        }
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--app", default=APPS[0], choices=APPS)
    arguments = parser.parse_args()
    load_start = [round(x, 2) for x in os.getloadavg()]
    runs = [cold_start(arguments.app) for _ in range(arguments.runs)]
    live = [r["first_page_live_s"] for r in runs if r["first_page_live_s"] is not None]
    print(
        json.dumps(
            {
                "load_average_start": load_start,
                "runs": runs,
                "median_listening_s": statistics.median(r["listening_s"] for r in runs),
                "median_first_page_live_s": statistics.median(live) if live else None,
                "load_average_end": [round(x, 2) for x in os.getloadavg()],
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

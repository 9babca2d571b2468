"""Benchmark: where the CPU of one app visitor goes, in CPU seconds (the machine is shared, wall time lies).

Two measures per app:

- *in process*: the app's widget tree built once in this process with everything
  imported (as a forked kernel has it), timed with `time.process_time`, and how much of
  it is spent drawing charts (`course.serve.ui.common.svg`, where matplotlib lays out
  and writes the SVG) — first with an empty drawing cache, then again with the default
  drawings cached (what a kernel forked from the warm factory pays);
- *served*: a `dgt apps` server on 127.0.0.1, VISITORS light visitors (tests/apps_client.py)
  one after the other; the CPU seconds (utime + stime from /proc/<pid>/stat) used by the
  server process, and by the kernels (the factory's children, summed while they are
  alive: the factory lets the system reap them, so a gone kernel's time is lost), from a
  quiet server to a quiet server again, divided by the visitors.

Usage: .venv/bin/python bench/apps_cpu.py [--visitors 10] [--apps egdi_explorer ...] [--no-server]
Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from apps_classroom import APPS, cpu_seconds, descendants, wait_idle, wait_quiet  # noqa: E402

import apps_client  # noqa: E402
from conftest import Server, free_port, wait_for_http  # noqa: E402
from course.manifest import APPS_DIR  # noqa: E402
from course.serve import app_server  # noqa: E402

BUILDERS = {
    "egdi_explorer": ("course.serve.ui.egdi_explorer", "explorer"),
    "maturity_assessment": ("course.serve.ui.maturity_assessment", "assessment"),
    "roadmap_builder": ("course.serve.ui.roadmap_builder", "builder"),
    "me_dashboard": ("course.serve.ui.me_dashboard", "dashboard"),
}


def in_process(app: str) -> dict:
    """CPU seconds to build the app's widgets here, and the part spent writing charts."""
    import importlib

    import ipywidgets

    from course.serve import app_zygote
    from course.serve.ui import common

    app_zygote.preload()
    module, name = BUILDERS[app]
    build = getattr(importlib.import_module(module), name)
    drawing = [0.0]
    original = common.svg

    def timed_svg(*args, **kwargs):
        begin = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            drawing[0] += time.process_time() - begin

    common.svg = timed_svg
    result = {}
    try:
        for label, warm in (("cold_cache", False), ("warm_cache", True)):
            if not hasattr(common, "forget_drawings"):  # code without the drawing cache
                if warm:
                    continue
            else:
                common.forget_drawings()
                if warm:
                    app_zygote.draw_defaults()
            drawing[0] = 0.0
            begin = time.process_time()
            build()
            ipywidgets.Widget.close_all()
            result[label] = {
                "build_cpu_s": round(time.process_time() - begin, 3),
                "charts_cpu_s": round(drawing[0], 3),
            }
    finally:
        common.svg = original
    return result


def kernels_of(server: Server) -> list[int]:
    """The kernel processes (the factory's children)."""
    tree = descendants(server.process.pid)
    for pid in tree:
        try:
            if b"course.serve.app_zygote" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return descendants(pid)[1:]
        except OSError:
            continue
    return []


def served(app: str, visitors: int) -> dict:
    """Server and kernel CPU seconds per visitor, VISITORS light visitors one after another."""
    port = free_port()
    server = Server(app_server.command(port), port, cwd=APPS_DIR)
    try:
        wait_for_http(server.url + "/", 120)
        wait_quiet(server, len(APPS), 120)
        wait_idle(server)
        kernels_before = {pid: cpu_seconds([pid]) for pid in kernels_of(server)}
        server_before = cpu_seconds([server.process.pid])
        visits = []
        for _ in range(visitors):
            visit = apps_client.open_app(server.url, f"{app}.ipynb", 120)
            visits.append(visit)
        wait_idle(server)
        server_after = cpu_seconds([server.process.pid])
        kernels_after = {pid: cpu_seconds([pid]) for pid in kernels_of(server)}
        kernel_cpu = sum(
            seconds - kernels_before.get(pid, 0.0) for pid, seconds in kernels_after.items()
        )
        live = sum(1 for v in visits if v.live)
        started = len(set(kernels_after) - set(kernels_before))
        for visit in visits:
            apps_client.close(visit, server.url)
        return {
            "visitors": visitors,
            "live": live,
            "server_cpu_s_per_visitor": round((server_after - server_before) / visitors, 3),
            "kernel_cpu_s_per_visitor": round(kernel_cpu / visitors, 3),
            "kernels_started": started,
            "server_cpu_s_per_kernel_started": round(
                (server_after - server_before) / max(1, started), 3
            ),
            "kernel_cpu_s_per_kernel_started": round(kernel_cpu / max(1, started), 3),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=10)
    parser.add_argument("--apps", nargs="*", default=list(APPS), choices=APPS)
    parser.add_argument("--no-server", action="store_true", help="only the in-process measure")
    arguments = parser.parse_args()
    results: dict = {"load_average_start": [round(x, 2) for x in os.getloadavg()]}
    for app in arguments.apps:
        results[app] = {"in_process": in_process(app)}
        if not arguments.no_server:
            results[app]["served"] = served(app, arguments.visitors)
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

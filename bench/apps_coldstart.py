"""Benchmark: the cold start of `dgt apps`, from the command to listening, to the factory ready, and to the first app live.

Starts `course.serve.app_server.command` on a free port of 127.0.0.1 RUNS times and times,
from the moment the command is started: the landing page answering (listening), and one
light visitor (tests/apps_client.py) that asks for the first app the moment the server
listens having the app's widgets (first page live). Also the CPU seconds the server and
its factory used until then (from /proc), since the machine is shared and wall time is not
only ours.

With --timeline, the server runs with a few of its steps wrapped to note the time
(this script's --serve-traced mode: the factory's ready answer, every fork, every pool
kernel's start and the end of its app's run, the visitor taking a pool kernel), and the
CPU time of the server, the factory and every kernel is sampled from /proc every
SAMPLE seconds; the timeline of each run is printed with the JSON.

The factory keeps the apps' first views on disk (course.serve.ui.common.save_drawings).
Before the timed runs, one untimed start waits until it has, so that every timed run
starts with them there (the usual case: any earlier start of the same code); with
--fresh-cache every run starts with an empty cache folder instead (the first start
after a change of the code, the data or the language, or in the classroom).

Usage: .venv/bin/python bench/apps_coldstart.py [--runs 3] [--app egdi_explorer] [--timeline]
       [--cache-dir DIR | --fresh-cache]
Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from course.serve import app_server  # noqa: E402 (light: Voila is imported when it starts)

# The benchmark's side (not the traced server's: it imports only what the server does).
if __name__ != "__main__" or sys.argv[1:2] != ["--serve-traced"]:
    from apps_classroom import APPS, cpu_seconds, descendants

    import apps_client
    from conftest import Server, free_port, wait_for_http
    from course.manifest import APPS_DIR

TRACE_ENV = "DGT_APPS_COLDSTART_TRACE"  # the file the traced server writes its events to
SAMPLE = 0.1  # seconds between two looks at the processes' CPU time
QUIET = 15.0  # seconds after which drawings on disk that did not change were found there


def note(event: str, **details: object) -> None:
    """In the traced server: one event line (wall time) in the trace file."""
    path = os.environ.get(TRACE_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"t": time.time(), "event": event, **details}) + "\n")


def _kernel_id(argv: list[str]) -> str:
    name = next((a for a in argv if a.endswith(".json")), "")
    return Path(name).stem.removeprefix("kernel-")[:8]


def serve_traced(argv: list[str]) -> None:
    """Run the apps server (course.serve.app_server.main) with its cold-start steps noted."""
    note("server process started")
    from course.serve import app_factory

    # as app_server.main does first: the factory loads while the server imports Voila
    os.environ[app_server.PAGE_STATE_ENV] = "1"
    app_factory.FACTORY.start()
    app_server._skip_slow_imports()  # before Voila is imported here
    import tornado.web

    app_factory.FACTORY.start().ready.add_done_callback(
        lambda ready: (
            note(
                "factory ready",
                seconds=ready.result().get("seconds"),
                drawn=ready.result().get("drawn"),
            )
            if not ready.exception()
            else None
        )
    )
    factory = app_factory.KernelFactory
    spawn = factory.spawn_async

    async def traced_spawn(self, argv, env, cwd, ahead=False):
        note("fork asked", kernel=_kernel_id(argv), ahead=ahead)
        pid = await spawn(self, argv, env, cwd, ahead)
        note("fork done", kernel=_kernel_id(argv), pid=pid)
        return pid

    factory.spawn_async = traced_spawn
    listen = tornado.web.Application.listen

    def traced_listen(self, *args, **kwargs):
        server = listen(self, *args, **kwargs)
        note("listening")
        return server

    tornado.web.Application.listen = traced_listen
    import voila.app

    make_manager = voila.app.voila_kernel_manager_factory

    def traced_factory(*args, **kwargs):
        cls = make_manager(*args, **kwargs)
        initialize = getattr(cls, "_initialize", None)
        if initialize is None:
            return cls

        async def traced_initialize(self, notebook_path, kernel_id=None, **kw):
            name = Path(notebook_path).stem
            note("pool kernel starts", app=name)
            result = await initialize(self, notebook_path, kernel_id, **kw)
            kernel = result["kernel_id"][:8]
            note("pool kernel started", app=name, kernel=kernel)
            result["task"].add_done_callback(
                lambda _t: note("pool kernel ran its app", app=name, kernel=kernel)
            )
            return result

        rendered = cls.get_rendered_notebook

        async def traced_rendered(self, notebook_name, *args, **kw):
            note("visitor takes a pool kernel", app=Path(notebook_name).stem)
            result = await rendered(self, notebook_name, *args, **kw)
            note("visitor has a pool kernel", kernel=result[2][:8])
            return result

        cls._initialize, cls.get_rendered_notebook = traced_initialize, traced_rendered
        return cls

    voila.app.voila_kernel_manager_factory = traced_factory
    app_server.main(argv)


def sample_cpu(root: int, stop: threading.Event, samples: list) -> None:
    """Every SAMPLE seconds: (wall time, {pid: CPU seconds}) of `root` and its descendants.

    Light on purpose (it shares the cores with what it measures): each process's parent
    is read once, when the process first shows in /proc.
    """
    seen: set[int] = set()
    tree = {root}
    while not stop.is_set():
        for name in os.listdir("/proc"):
            if not name.isdigit() or int(name) in seen:
                continue
            pid = int(name)
            seen.add(pid)
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) in tree:
                tree.add(pid)
        samples.append((time.time(), {pid: cpu_seconds([pid]) for pid in tree}))
        stop.wait(SAMPLE)


def timeline(started: float, trace: Path, samples: list, root: int) -> list[str]:
    """The traced events and each process's CPU use, as lines of seconds since the command."""
    lines = []
    if trace.exists():
        for line in trace.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            when = event.pop("t") - started
            name = event.pop("event")
            extra = " ".join(f"{k}={v}" for k, v in event.items())
            lines.append((when, f"{when:6.2f} {name} {extra}".rstrip()))
    first: dict[int, float] = {}
    last: dict[int, tuple[float, float]] = {}
    busy: dict[int, float] = {}
    for when, cpu in samples:
        for pid, seconds in cpu.items():
            first.setdefault(pid, when)
            previous = last.get(pid)
            if previous is None or seconds > previous[1]:
                if previous is not None:
                    busy[pid] = when  # last sample in which it used CPU
                last[pid] = (when, seconds)
    for pid, seen in first.items():
        role = "server" if pid == root else f"process {pid}"
        used = last[pid][1]
        until = busy.get(pid, seen)
        lines.append(
            (
                seen - started,
                f"{seen - started:6.2f} {role} seen; busy until {until - started:.2f}, "
                f"{used:.2f} CPU s by the end",
            )
        )
    return [text for _, text in sorted(lines)]


def cold_start(app: str, traced: bool, env: dict[str, str]) -> dict:
    """One cold start: seconds to listening and to the first app live, and the CPU used."""
    port = free_port()
    trace = Path(tempfile.mkstemp(prefix="dgt-coldstart-", suffix=".jsonl")[1])
    trace.unlink()
    command = app_server.command(port)
    run_env = dict(env)
    if traced:
        command = [sys.executable, __file__, "--serve-traced", *command[3:]]
        run_env[TRACE_ENV] = str(trace)
    started = time.time()
    server = Server(command, port, cwd=APPS_DIR, env=run_env)
    stop, samples = threading.Event(), []
    sampler = threading.Thread(
        target=sample_cpu, args=(server.process.pid, stop, samples), daemon=True
    )
    if traced:
        sampler.start()
    try:
        wait_for_http(server.url + "/", 120)
        listening = time.time() - started
        visit = apps_client.open_app(server.url, f"{app}.ipynb", 120)
        live = time.time() - started
        cpu = cpu_seconds(descendants(server.process.pid))
        result = {
            "listening_s": round(listening, 2),
            "first_page_live_s": round(live, 2) if visit.live else None,
            "error": visit.error,
            "cpu_s_until_live": round(cpu, 2),
        }
        if traced:
            time.sleep(2)  # the other kernels' runs, for the timeline
            stop.set()
            sampler.join()
            events = timeline(started, trace, samples, server.process.pid)
            events.append(f"{listening:6.2f} bench: landing page answered")
            asked = live - visit.live_seconds
            events.append(f"{asked:6.2f} bench: visitor asks for {app}")
            events.append(f"{asked + visit.page_seconds:6.2f} bench: page came")
            events.append(f"{live:6.2f} bench: visitor live (kernel {visit.kernel_id[:8]})")
            result["timeline"] = sorted(events, key=lambda line: float(line.split()[0]))
        apps_client.close(visit, server.url)
        return result
    finally:
        stop.set()
        server.stop()
        trace.unlink(missing_ok=True)


def keep_drawings(env: dict[str, str], timeout: float = 60.0) -> bool:
    """One untimed start that waits until the factory has kept the first views on disk (True if it did)."""
    from course.serve.ui import common

    folder = common.cache_folder() if "XDG_CACHE_HOME" not in env else None
    if folder is None:
        folder = Path(env["XDG_CACHE_HOME"]) / "dgt"
    started = time.time()
    port = free_port()
    server = Server(app_server.command(port), port, cwd=APPS_DIR, env=env)
    try:
        wait_for_http(server.url + "/", 120)
        while time.time() - started < timeout:
            kept = [f.stat().st_mtime for f in folder.glob("drawings-*.json")]
            if any(when >= started for when in kept):
                return True  # drawn and kept by this start
            if kept and time.time() - started > QUIET:
                return True  # nothing new: the factory found them there already
            time.sleep(0.2)
        return False
    finally:
        server.stop()


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-traced":
        serve_traced(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--app", default=APPS[0], choices=APPS)
    parser.add_argument("--timeline", action="store_true", help="trace each run (see above)")
    cache = parser.add_mutually_exclusive_group()
    cache.add_argument("--cache-dir", help="XDG_CACHE_HOME for the server (default: yours)")
    cache.add_argument(
        "--fresh-cache",
        action="store_true",
        help="an empty XDG_CACHE_HOME for every run (nothing kept from an earlier run)",
    )
    arguments = parser.parse_args()
    prepared = None
    if not arguments.fresh_cache:  # the timed runs then start with the first views on disk
        env = dict(os.environ)
        if arguments.cache_dir:
            env["XDG_CACHE_HOME"] = arguments.cache_dir
        prepared = keep_drawings(env)
    load_start = [round(x, 2) for x in os.getloadavg()]
    runs = []
    for _ in range(arguments.runs):
        env = dict(os.environ)
        with tempfile.TemporaryDirectory(prefix="dgt-coldstart-cache-") as fresh:
            if arguments.fresh_cache:
                env["XDG_CACHE_HOME"] = fresh
            elif arguments.cache_dir:
                env["XDG_CACHE_HOME"] = arguments.cache_dir
            runs.append(cold_start(arguments.app, arguments.timeline, env))
    live = [r["first_page_live_s"] for r in runs if r["first_page_live_s"] is not None]
    print(
        json.dumps(
            {
                "load_average_start": load_start,
                "first_views_on_disk": prepared if prepared is not None else "fresh cache each run",
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

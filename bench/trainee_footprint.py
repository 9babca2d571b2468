"""Benchmark: what one trainee costs a classroom server: an idle JupyterLab and a kernel that ran lesson A0-1.

Run:  .venv/bin/python bench/trainee_footprint.py [--kernels 3] [--settle 5]

Memory is PSS (proportional set size, /proc/<pid>/smaps_rollup): a page shared by k
processes counts 1/k in each, so the PSS of several processes adds up to what they
really hold together. CPU is user + system time from /proc/<pid>/stat.

Steps, all in one run:
1. Start JupyterLab the way `dgt lab` does (course.serve.lab.command, on a random free
   port of 127.0.0.1, a temporary lab home and workspace), fetch the pages and API calls
   a browser makes when it opens the lab, wait `--settle` seconds, read its PSS: the
   idle single-user server.
2. Variant "fresh": start `--kernels` kernels through the server's REST API
   (POST /api/kernels: `python -m ipykernel_launcher`, as a trainee's JupyterLab does),
   then in each run `import pandas` and every code cell of lesson A0-1, in order (its
   two cells that raise a NameError on purpose raise it). Read each kernel's PSS and CPU
   with all of them alive, then shut them down.
3. Variant "forked": the same kernels, but forked from the grader's warm kernel factory
   (autograder/execution/zygote.py, in its rlimits-only mode, with pandas and `course`
   imported before the fork). The factory's own PSS is counted in the total, shared
   out over the kernels.

Prints a Markdown table for docs/benchmarks.md and writes bench/_out/trainee_footprint.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import queue
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
from jupyter_client import BlockingKernelClient  # noqa: E402

from course.manifest import repo_root  # noqa: E402
from course.serve import lab  # noqa: E402

LESSON = "modules/A0-getting-started/A0-1-your-first-notebook.ipynb"
PRELUDE = "import pandas"


def memory_kb(pid: int) -> dict[str, int]:
    """RSS, PSS and USS (private pages only) of the process in kB (/proc/<pid>/smaps_rollup)."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    return {
        "rss": fields["Rss"],
        "pss": fields["Pss"],
        "uss": fields["Private_Clean"] + fields["Private_Dirty"],
    }


def pss_kb(pid: int) -> int:
    """The process's proportional set size in kB."""
    return memory_kb(pid)["pss"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far (its own, not its children's)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def lesson_cells() -> list[str]:
    """The code cells of lesson A0-1, after `import pandas`."""
    nb = nbformat.read(repo_root() / LESSON, as_version=4)
    return [PRELUDE, *(c.source for c in nb.cells if c.cell_type == "code" and c.source.strip())]


def wait_ready(client: BlockingKernelClient, timeout: float = 120) -> None:
    """Ask for kernel_info until the kernel answers (no heartbeat check: a loaded machine misses beats)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg_id = client.kernel_info()
        try:
            while True:
                reply = client.get_shell_msg(timeout=5)
                if reply["parent_header"].get("msg_id") == msg_id:
                    return
        except queue.Empty:
            continue
    raise RuntimeError(f"the kernel did not answer within {timeout} s")


def run_cells(connection_file: str, cells: list[str]) -> dict[str, int]:
    """Run every cell on the kernel behind `connection_file`; count replies by status."""
    client = BlockingKernelClient(connection_file=connection_file)
    client.load_connection_file()
    client.start_channels()
    try:
        wait_ready(client)
        statuses: dict[str, int] = {}
        for source in cells:
            reply = client.execute_interactive(source, timeout=120, output_hook=lambda _m: None)
            status = reply["content"]["status"]
            statuses[status] = statuses.get(status, 0) + 1
        return statuses
    finally:
        client.stop_channels()


class Lab:
    """JupyterLab started as `dgt lab` starts it, in a temporary folder."""

    def __init__(self, temp: Path) -> None:
        from autograder import workspace as workspaces

        ws = workspaces.init(str(temp / "workspace"))
        self.home = lab.prepare(ws.root, temp / "lab-home")
        self.runtime = temp / "runtime"
        self.port = free_port()
        self.token = secrets.token_hex(16)
        env = lab.environment(ws.env(), self.home)
        env["JUPYTER_RUNTIME_DIR"] = str(self.runtime)  # where the kernels' connection files go
        self.log = open(temp / "lab.log", "w", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            lab.command(self.home, self.port, False, self.token),
            env=env,
            cwd=self.home,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self.started = time.perf_counter()
        if not lab._ready(self.process, self.port, self.token):
            raise RuntimeError(f"JupyterLab did not start; see {temp / 'lab.log'}")
        self.ready_seconds = time.perf_counter() - self.started

    def call(self, path: str, method: str = "GET", body: dict | None = None) -> bytes:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=120) as response:
            return response.read()

    def open_like_a_browser(self) -> None:
        """The lab page and the first API calls JupyterLab's page makes."""
        for path in (
            "/lab",
            "/lab/api/settings",
            "/lab/api/translations",
            "/api/contents?content=1",
            "/api/kernelspecs",
            "/api/sessions",
            "/api/kernels",
            "/api/me",
        ):
            self.call(path)

    def start_kernel(self) -> tuple[str, int]:
        """A kernel started by the server (as JupyterLab asks for one); its id and pid."""
        before = set(lab.descendants(self.process.pid))
        kernel_id = json.loads(self.call("/api/kernels", "POST", {"name": "python3"}))["id"]
        connection = self.runtime / f"kernel-{kernel_id}.json"
        deadline = time.monotonic() + 60
        while True:
            new = [p for p in lab.descendants(self.process.pid) if p not in before]
            if new and connection.exists():
                return kernel_id, min(new)
            if time.monotonic() > deadline:
                raise RuntimeError("the server's kernel did not appear")
            time.sleep(0.05)

    def stop_kernel(self, kernel_id: str) -> None:
        self.call(f"/api/kernels/{kernel_id}", "DELETE")

    def stop(self) -> None:
        lab.stop(self.process)
        self.log.close()


def fresh_kernels(server: Lab, count: int, cells: list[str]) -> dict:
    """Variant "fresh": kernels started by the server, each runs the cells."""
    kernels = []
    for _ in range(count):
        started = time.perf_counter()
        kernel_id, pid = server.start_kernel()
        connection = str(server.runtime / f"kernel-{kernel_id}.json")
        client = BlockingKernelClient(connection_file=connection)
        client.load_connection_file()
        client.start_channels()
        wait_ready(client)
        client.stop_channels()
        kernels.append(
            {
                "id": kernel_id,
                "pid": pid,
                "connection": connection,
                "start_seconds": time.perf_counter() - started,
                "start_cpu": cpu_seconds(pid),
                "ready_pss_kb": pss_kb(pid),
            }
        )
    server_cpu = cpu_seconds(server.process.pid)
    for kernel in kernels:
        cpu_before, started = cpu_seconds(kernel["pid"]), time.perf_counter()
        kernel["statuses"] = run_cells(kernel["connection"], cells)
        kernel["run_seconds"] = time.perf_counter() - started
        kernel["run_cpu"] = cpu_seconds(kernel["pid"]) - cpu_before
    server_cpu = cpu_seconds(server.process.pid) - server_cpu
    time.sleep(2)
    for kernel in kernels:
        kernel["memory_kb"] = memory_kb(kernel["pid"])
        kernel["pss_kb"] = kernel["memory_kb"]["pss"]
    server_pss = pss_kb(server.process.pid)
    for kernel in kernels:
        server.stop_kernel(kernel["id"])
    return {
        "kernels": kernels,
        "shared_kb": 0,
        "server_pss_with_kernels_kb": server_pss,
        "server_cpu_during_runs": server_cpu,
    }


def forked_kernels(temp: Path, count: int, cells: list[str]) -> dict:
    """Variant "forked": kernels forked from the warm factory, each runs the cells."""
    from autograder.execution import pool, sandbox
    from autograder.execution.kernels import KernelFactory, SandboxKernelManager, Scratch

    started = time.perf_counter()
    factory = KernelFactory(["pandas", "course", "course.learn"], mode=sandbox.LIMITS)
    factory_seconds = 0.0
    managers = []
    loop = asyncio.new_event_loop()
    try:
        assert factory.mode == sandbox.LIMITS
        factory_seconds = time.perf_counter() - started
        factory_cpu = cpu_seconds(factory.process.pid)
        kernels = []
        for n in range(count):
            begun = time.perf_counter()
            scratch = Scratch(factory, f"t{n}", [])
            plan = scratch.plan(sandbox.Limits(), [], pool.kept_paths())
            manager = SandboxKernelManager(factory, scratch, plan)
            loop.run_until_complete(manager.start_kernel(extra_arguments=pool.KERNEL_ARGUMENTS))
            managers.append((manager, scratch))
            pid = manager.provisioner.pid
            client = BlockingKernelClient(connection_file=manager.connection_file)
            client.load_connection_file()
            client.start_channels()
            wait_ready(client)
            client.stop_channels()
            kernels.append(
                {
                    "pid": pid,
                    "connection": manager.connection_file,
                    "start_seconds": time.perf_counter() - begun,
                    "start_cpu": cpu_seconds(pid),
                    "ready_pss_kb": pss_kb(pid),
                }
            )
        for kernel in kernels:
            cpu_before, begun = cpu_seconds(kernel["pid"]), time.perf_counter()
            kernel["statuses"] = run_cells(kernel["connection"], cells)
            kernel["run_seconds"] = time.perf_counter() - begun
            kernel["run_cpu"] = cpu_seconds(kernel["pid"]) - cpu_before
        time.sleep(2)
        for kernel in kernels:
            kernel["memory_kb"] = memory_kb(kernel["pid"])
            kernel["pss_kb"] = kernel["memory_kb"]["pss"]
        shared = pss_kb(factory.process.pid)
        return {
            "kernels": kernels,
            "shared_kb": shared,
            "factory_start_seconds": factory_seconds,
            "factory_cpu": factory_cpu,
        }
    finally:
        for manager, scratch in managers:
            with contextlib.suppress(Exception):
                loop.run_until_complete(manager.shutdown_kernel(now=True))
            scratch.remove()
        loop.close()
        factory.close()


def summary(variant: dict) -> dict:
    """Per-kernel averages; memory includes the variant's shared process, shared out."""
    kernels = variant["kernels"]
    n = len(kernels)

    def mean(key: str) -> float:
        return sum(k[key] for k in kernels) / n

    def mean_memory(kind: str) -> float:
        return sum(k["memory_kb"][kind] for k in kernels) / n / 1024

    return {
        "kernels": n,
        "rss_mb": mean_memory("rss"),
        "uss_mb": mean_memory("uss"),
        "ready_pss_mb": mean("ready_pss_kb") / 1024,
        "pss_mb": mean("pss_kb") / 1024,
        "per_trainee_mb": (sum(k["pss_kb"] for k in kernels) + variant["shared_kb"]) / n / 1024,
        "start_seconds": mean("start_seconds"),
        "start_cpu": mean("start_cpu"),
        "run_seconds": mean("run_seconds"),
        "run_cpu": mean("run_cpu"),
        "statuses": kernels[0]["statuses"],
    }


def table(server: dict, fresh: dict, forked: dict) -> str:
    rows = [
        "| what | fresh kernel (server starts it) | kernel forked from a warm factory | forked / fresh |",
        "| --- | --- | --- | --- |",
    ]

    def row(label: str, key: str, fmt: str) -> None:
        a, b = fresh[key], forked[key]
        ratio = f"{b / a:.2f}" if a else "-"
        rows.append(f"| {label} | {a:{fmt}} | {b:{fmt}} | {ratio} |")

    row("kernel PSS when ready (MB)", "ready_pss_mb", ".1f")
    row("kernel PSS after pandas + A0-1 (MB)", "pss_mb", ".1f")
    row("kernel RSS after pandas + A0-1 (MB)", "rss_mb", ".1f")
    row("kernel USS (private pages) after pandas + A0-1 (MB)", "uss_mb", ".1f")
    row("memory per trainee kernel, factory shared out (MB)", "per_trainee_mb", ".1f")
    row("kernel start, wall (s)", "start_seconds", ".2f")
    row("kernel start, CPU (s)", "start_cpu", ".2f")
    row("pandas + A0-1 cells, wall (s)", "run_seconds", ".2f")
    row("pandas + A0-1 cells, CPU (s)", "run_cpu", ".2f")
    lines = [
        f"Idle JupyterLab server: {server['idle_pss_mb']:.1f} MB PSS, "
        f"{server['idle_rss_mb']:.1f} MB RSS, {server['idle_uss_mb']:.1f} MB USS "
        f"(ready in {server['ready_seconds']:.1f} s, {server['start_cpu']:.2f} s CPU to start).",
        "",
        *rows,
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", type=int, default=3, help="kernels alive at once per variant")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds before reading PSS")
    options = parser.parse_args()
    cells = lesson_cells()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="dgt-footprint-") as folder:
        temp = Path(folder)
        server = Lab(temp)
        try:
            server.open_like_a_browser()
            time.sleep(options.settle)
            idle_memory = memory_kb(server.process.pid)
            idle = {
                "idle_pss_mb": idle_memory["pss"] / 1024,
                "idle_rss_mb": idle_memory["rss"] / 1024,
                "idle_uss_mb": idle_memory["uss"] / 1024,
                "ready_seconds": server.ready_seconds,
                "start_cpu": cpu_seconds(server.process.pid),
            }
            fresh_raw = fresh_kernels(server, options.kernels, cells)
        finally:
            server.stop()
        forked_raw = forked_kernels(temp, options.kernels, cells)
    fresh, forked = summary(fresh_raw), summary(forked_raw)
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "cells": len(cells),
        "server": idle,
        "server_pss_with_kernels_mb": fresh_raw["server_pss_with_kernels_kb"] / 1024,
        "server_cpu_during_runs": fresh_raw["server_cpu_during_runs"],
        "fresh": fresh,
        "forked": forked,
        "factory_pss_mb": forked_raw["shared_kb"] / 1024,
        "factory_start_seconds": forked_raw["factory_start_seconds"],
        "factory_cpu": forked_raw["factory_cpu"],
        "raw": {"fresh": fresh_raw, "forked": forked_raw},
    }
    out = ROOT / "bench" / "_out"
    out.mkdir(exist_ok=True)
    (out / "trainee_footprint.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(table(idle, fresh, forked))
    print(
        f"\nFactory: {result['factory_pss_mb']:.1f} MB PSS, ready in "
        f"{result['factory_start_seconds']:.1f} s ({result['factory_cpu']:.2f} s CPU). "
        f"Server PSS with {options.kernels} kernels: {result['server_pss_with_kernels_mb']:.1f} MB; "
        f"server CPU while they ran: {result['server_cpu_during_runs']:.2f} s. "
        f"Cell replies per kernel: {fresh['statuses']}. Load average before/after: "
        f"{load_before[0]:.2f} / {result['load_after'][0]:.2f}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: a classroom opens one app at once; `dgt apps` against plain `voila` in the same run.

For each app, VISITORS light visitors request the app page within SPREAD seconds (start
times spread evenly). A light visitor (tests/apps_client.py) speaks the page's protocol
and nothing more: the page over HTTP, then the kernel's websocket until the kernel has
the app's widgets, so that the server is measured and not thirty browsers. One real
Debian chromium opens the same page in the middle of the burst as a probe (live: the
app's main widget on screen, and for `dgt apps` the page script's "kernel connected"
mark, as in bench/apps_startup.py).

Reported per app and server: p50, p95 and max time to live (light visitors), the probe's
time, failures (no page, a busy page, no widgets), and memory per visitor: the growth of
the proportional set size (PSS, /proc/<pid>/smaps_rollup) of the server and all its
descendant processes from before the burst to when every visitor is live, divided by the
visitors. Before each burst, one light visitor alone gives the single-visitor warm time.
After the burst the visitors leave (as a closing tab does) and, for `dgt apps`, the
benchmark waits for the pool to shrink back to one ready kernel per app.

Servers: `dgt apps` (course.serve.app_server.command; one server for all apps, since it
shrinks back between bursts); `dgt apps` made ready (the same server, a second burst per
app: first the trainer's request through the control endpoint, POST dgt/api/ready for
the visitors plus the probe, then the benchmark waits until that many kernels are ready
and the server is idle again, as a room would a minute after the trainer's command; the
PSS growth counts from before the request, and the seconds and CPU the pool took to get
ready are reported); and plain `voila <apps folder>` with Voila's defaults (a fresh
server per app, since its kernels are only culled when asked to).

Usage: .venv/bin/python bench/apps_classroom.py [--visitors 30] [--spread 1.0] [--apps egdi_explorer ...]
       [--servers dgt ready plain]
Writes bench/_out/apps_classroom.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from apps_startup import READY, offline_context, time_page  # noqa: E402

import apps_client  # noqa: E402
from browser import launch  # noqa: E402
from conftest import Server, free_port, wait_for_http  # noqa: E402
from course.manifest import APPS_DIR  # noqa: E402
from course.serve import app_server  # noqa: E402

APPS = ("egdi_explorer", "maturity_assessment", "roadmap_builder", "me_dashboard")
TIMEOUT = 120.0  # seconds a visitor waits at most
SETTLE_TIMEOUT = 120.0  # seconds to wait for the dgt pool to be quiet (one kernel per app)


def descendants(root: int) -> list[int]:
    """`root` and every process below it (from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(
                stat.read_text(errors="replace").rsplit(")", 1)[1].split()[1]
            )
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def pss_mb(pids: list[int]) -> float:
    """The summed PSS of these processes in MB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            continue
    return total / 1024


def factory_kernels(server: Server) -> int:
    """Kernels forked by the `dgt apps` factory (the factory's children)."""
    tree = descendants(server.process.pid)
    for pid in tree:
        try:
            if b"course.serve.app_zygote" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return len(descendants(pid)) - 1
        except OSError:
            continue
    return -1


def wait_quiet(server: Server, kernels: int, timeout: float) -> float | None:
    """Seconds until the dgt factory has exactly `kernels` kernels (None if it never does)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if factory_kernels(server) == kernels:
            return time.monotonic() - start
        time.sleep(0.25)
    return None


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) these processes have used so far."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_idle(server: Server, timeout: float = SETTLE_TIMEOUT) -> None:
    """Wait until the server and its kernels use almost no CPU (the pool has run its apps)."""
    deadline = time.monotonic() + timeout
    calm = 0
    while time.monotonic() < deadline and calm < 3:
        tree = descendants(server.process.pid)
        before = cpu_seconds(tree)
        time.sleep(0.5)
        calm = calm + 1 if cpu_seconds(tree) - before < 0.05 else 0


def kernel_pss_mb(server: Server) -> float:
    """The mean PSS of the server's kernel processes (not the server, not the dgt factory)."""
    root = server.process.pid
    tree = descendants(root)
    factory = set()
    for pid in tree[1:]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            zygote = b"course.serve.app_zygote" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if zygote and int(fields[1]) == root:
            factory.add(pid)
    kernels = [pid for pid in tree[1:] if pid not in factory]
    return round(pss_mb(kernels) / max(1, len(kernels)), 1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


CONTROL_TOKEN = "bench-apps-classroom-" + os.urandom(8).hex()
APP_IDS = {app: app.replace("_", "-") for app in APPS}  # notebook stem -> manifest app id


def control(server: Server, body: dict | None = None) -> dict:
    """The dgt server's control endpoint (course.serve.app_server.CONTROL_PATH): GET or POST `body`."""
    request = urllib.request.Request(
        f"{server.url}/{app_server.CONTROL_PATH}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {CONTROL_TOKEN}"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def make_ready(server: Server, notebook: str, visitors: int) -> dict:
    """The trainer's request for `visitors`; wait until they are ready and the server is idle."""
    app = APP_IDS[notebook]
    started = time.monotonic()
    tree = descendants(server.process.pid)
    cpu = cpu_seconds(tree)
    answer = control(server, {"app": app, "visitors": visitors, "minutes": 10})
    while time.monotonic() - started < SETTLE_TIMEOUT:
        if control(server)["apps"][app]["ready"] >= answer["visitors"]:
            break
        time.sleep(0.2)
    ready_s = time.monotonic() - started
    wait_idle(server)
    return {
        "granted": answer["visitors"],
        "ready_after_s": round(ready_s, 2),
        "cpu_s_to_get_ready": round(cpu_seconds(descendants(server.process.pid)) - cpu, 2),
    }


def burst(
    browser,
    server: Server,
    notebook: str,
    visitors: int,
    spread: float,
    dgt: bool,
    ready: bool = False,
) -> dict:
    """One classroom burst on one app: light visitors plus the browser probe (made ready first if `ready`)."""
    url = server.url
    # One visitor alone first: the single-visitor warm time.
    alone = apps_client.open_app(url, f"{notebook}.ipynb", TIMEOUT)
    apps_client.close(alone, url)
    if dgt:
        wait_quiet(server, len(APPS), SETTLE_TIMEOUT)
    wait_idle(server)
    tree = descendants(server.process.pid)
    before = pss_mb(tree)
    prepared = make_ready(server, notebook, visitors + 1) if ready else None  # + the probe
    visits: list[apps_client.Visit | None] = [None] * visitors
    start = time.monotonic() + 0.2

    def visitor(index: int) -> None:
        time.sleep(max(0.0, start + spread * index / max(1, visitors - 1) - time.monotonic()))
        visits[index] = apps_client.open_app(url, f"{notebook}.ipynb", TIMEOUT)

    threads = [threading.Thread(target=visitor, args=(i,)) for i in range(visitors)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, start + spread / 2 - time.monotonic()))
    blocked: list[str] = []
    context = offline_context(browser, blocked)
    try:
        probe = time_page(
            context, f"{url}/voila/render/{notebook}.ipynb", READY[notebook], connected=dgt
        )
    except Exception as error:  # a probe that never goes live is a failure to report
        probe = float("nan")
        print(f"  probe failed: {error}", file=sys.stderr)
    finally:
        context.close()
    for thread in threads:
        thread.join()
    done = [v for v in visits if v is not None]
    after = pss_mb(descendants(server.process.pid))
    per_kernel = kernel_pss_mb(server)
    live = [v.live_seconds for v in done if v.live]
    failures: dict[str, int] = {}
    for visit in done:
        if not visit.live:
            failures[visit.error or "no widgets"] = failures.get(visit.error or "no widgets", 0) + 1
    for visit in done:
        apps_client.close(visit, url)
    shrink = wait_quiet(server, len(APPS), SETTLE_TIMEOUT) if dgt else None
    return {
        "made_ready": prepared,
        "single_visitor_s": round(alone.live_seconds, 3) if alone.live else None,
        "visitors": visitors,
        "live": len(live),
        "p50_s": round(percentile(live, 0.5), 3),
        "p95_s": round(percentile(live, 0.95), 3),
        "max_s": round(max(live), 3) if live else None,
        "probe_browser_s": round(probe, 3),
        "failures": failures,
        "memory_per_visitor_mb": round((after - before) / visitors, 1),
        "kernel_pss_mb": per_kernel,
        "pss_before_mb": round(before, 1),
        "pss_after_mb": round(after, 1),
        "pool_back_to_quiet_s": round(shrink, 1) if shrink is not None else None,
        "outside_requests": len(blocked),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def plain_command(port: int) -> list[str]:
    """Plain Voila on the apps folder, default settings, this computer only."""
    return [sys.executable, "-m", "voila", str(APPS_DIR), f"--port={port}", "--no-browser",
            "--Voila.ip=127.0.0.1"]  # fmt: skip


def run_dgt(
    browser, apps: list[str], visitors: int, spread: float, results: dict, kinds: list[str]
) -> None:
    """One `dgt apps` server: its cold start, then per app a burst of each kind ("dgt", "ready")."""
    port = free_port()
    started = time.monotonic()
    env = {**os.environ, app_server.CONTROL_TOKEN_ENV: CONTROL_TOKEN}
    server = Server(app_server.command(port), port, cwd=APPS_DIR, env=env)
    try:
        results["dgt_listening_s"] = round(wait_for_http(server.url + "/", 120), 2)
        first = apps[0]
        context = offline_context(browser, [])
        try:
            time_page(context, f"{server.url}/voila/render/{first}.ipynb", READY[first], True)
        finally:
            context.close()
        results["dgt_cold_first_page_live_s"] = round(time.monotonic() - started, 2)
        quiet = wait_quiet(server, len(APPS), SETTLE_TIMEOUT)
        results["dgt_pool_ready_s"] = round(time.monotonic() - started, 2)
        results["dgt_pool_ready"] = quiet is not None
        for app in apps:
            for kind in kinds:
                print(f"dgt apps ({kind}): {app} ...", file=sys.stderr)
                results[kind][app] = burst(
                    browser, server, app, visitors, spread, True, ready=kind == "ready"
                )
    finally:
        server.stop()


def run_plain(browser, apps: list[str], visitors: int, spread: float, results: dict) -> None:
    """Plain Voila: a fresh server per app, a burst on each."""
    for app in apps:
        print(f"plain voila: {app} ...", file=sys.stderr)
        port = free_port()
        server = Server(plain_command(port), port, cwd=APPS_DIR)
        try:
            wait_for_http(server.url + "/voila/static/voila.js", 120)
            results["plain"][app] = burst(browser, server, app, visitors, spread, False)
        finally:
            server.stop()


def run(apps: list[str], visitors: int, spread: float, servers: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    results: dict = {
        "dgt": {},
        "ready": {},
        "plain": {},
        "load_average_start": list(os.getloadavg()),
    }
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            kinds = [kind for kind in ("dgt", "ready") if kind in servers]
            if kinds:
                run_dgt(browser, apps, visitors, spread, results, kinds)
            if "plain" in servers:
                run_plain(browser, apps, visitors, spread, results)
        finally:
            browser.close()
    results["load_average_end"] = list(os.getloadavg())
    return results


def table(results: dict) -> str:
    """The results as a Markdown table, with plain/dgt ratios."""
    lines = [
        "| app | server | alone s | p50 s | p95 s | max s | browser probe s | MB/visitor | PSS/kernel MB | failures |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    names = {"dgt": "`dgt apps`", "ready": "`dgt apps`, made ready", "plain": "plain Voila"}
    for app in {**results["dgt"], **results["ready"], **results["plain"]}:
        rows = {kind: results[kind].get(app) for kind in ("dgt", "ready", "plain")}
        for kind, row in rows.items():
            if row is None:
                continue
            lines.append(
                f"| {app} | {names[kind]} | "
                f"{row['single_visitor_s']} | {row['p50_s']} | {row['p95_s']} | {row['max_s']} | "
                f"{row['probe_browser_s']} | {row['memory_per_visitor_mb']} | "
                f"{row['kernel_pss_mb']} | {sum(row['failures'].values())} |"
            )
        for slow, fast in (("plain", "dgt"), ("dgt", "ready"), ("plain", "ready")):
            if not (rows[slow] and rows[fast]):
                continue
            ratios = [
                rows[slow][key] / rows[fast][key]
                if rows[fast][key] and rows[slow][key]
                else float("nan")
                for key in ("p50_s", "p95_s", "memory_per_visitor_mb")
            ]
            lines.append(
                f"| {app} | {slow} / {fast} | | {ratios[0]:.1f}x | {ratios[1]:.1f}x | | | "
                f"{ratios[2]:.1f}x | | |"
            )
    for app, row in results["ready"].items():
        if row.get("made_ready"):
            made = row["made_ready"]
            lines.append(
                f"\n{app} made ready: {made['granted']} kernels ready {made['ready_after_s']} s "
                f"after the request, {made['cpu_s_to_get_ready']} CPU s"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=30)
    parser.add_argument("--spread", type=float, default=1.0, help="seconds the requests span")
    parser.add_argument("--apps", nargs="*", default=list(APPS), choices=APPS)
    parser.add_argument(
        "--servers",
        nargs="*",
        default=["dgt", "ready", "plain"],
        choices=["dgt", "ready", "plain"],
    )
    args = parser.parse_args()
    results = run(args.apps, args.visitors, args.spread, args.servers)
    out = ROOT / "bench" / "_out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "apps_classroom.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(table(results))
    print(f"load average: start {results['load_average_start']}, end {results['load_average_end']}")
    if "dgt_listening_s" in results:
        print(
            f"dgt apps: listening after {results['dgt_listening_s']} s, first page live after "
            f"{results['dgt_cold_first_page_live_s']} s (from the command)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

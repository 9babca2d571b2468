"""Benchmark: time from request to an interactive app page, `dgt apps` against plain `voila`.

For each app notebook, two servers run one after the other on 127.0.0.1 in the same run:

- `dgt apps` (course.serve.app_server.command: the dgt template, preheated kernels, limits);
- plain `voila <notebook>` with Voila's default settings.

A real Debian chromium opens the app page and the clock runs from `page.goto` until the
app is live: its main output selector is visible and its widgets are bound to the kernel.
For plain voila the widgets appear only after the widget manager has fetched their state
from the kernel; `dgt apps` pages draw them from the state written into the page, so for
them the clock also waits for the page script's "kernel connected" mark.
Chromium resolves no host but 127.0.0.1 (a host-resolver rule), so nothing leaves the
machine; requests to other hosts are counted. (Playwright's request routing, used in the
tests, would switch the browser's HTTP cache off, and this benchmark needs it.) Every
page is closed before the next sample, which shuts its kernel down.

- cold: the first page, in a new browser context (empty cache), requested as soon as the
  server answers HTTP on "/";
- warm: the following pages, each requested once the server is ready again (for
  `dgt apps`: its log reports the preheated pool refilled, then WARM_SETTLE seconds for
  the new kernel to run the app; for plain voila there is no pool, so a short pause).
  They alternate between a *new visitor* (a new browser context: empty cache) and a
  *returning visitor* (the cold sample's context: its cache holds the front end).

Usage: .venv/bin/python bench/apps_startup.py [--repeat 5] [--apps egdi_explorer ...]
Writes bench/_out/apps_startup.json and prints a Markdown table of medians.
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

from browser import CHROMIUM, CHROMIUM_ARGS, is_local  # noqa: E402
from conftest import Server, free_port, wait_for_http  # noqa: E402
from course.manifest import APPS_DIR  # noqa: E402
from course.serve import app_server  # noqa: E402

# What "interactive" means per app: its main output widget is rendered.
READY = {
    "egdi_explorer": ".dgt-app-title",
    "maturity_assessment": ".dgt-q-SL1 input",
    "roadmap_builder": ".dgt-initiatives",
    "me_dashboard": ".dgt-progress",
}
# `dgt apps` pages draw the app before the kernel connection is open; live means both.
CONNECTED = "body[data-dgt-kernel='connected']"
PLAIN_PAUSE = 2.0  # seconds between plain-voila samples (no pool to wait for)
WARM_SETTLE = 8.0  # seconds after a pool refill for the new kernel to finish running the app
POOL_TIMEOUT = 120.0


def plain_command(notebook: Path, port: int) -> list[str]:
    """Plain Voila on one notebook, default settings, this computer only."""
    return [sys.executable, "-m", "voila", str(notebook), f"--port={port}", "--no-browser",
            "--Voila.ip=127.0.0.1"]  # fmt: skip


def pool_fills(server: Server, notebook: str) -> int:
    """How many times the server has logged a full preheated pool for `notebook`."""
    return server.output().count(f"Kernel pool of {notebook} is filled")


OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def offline_context(browser, blocked: list[str]):
    """A browser context (with its HTTP cache) that notes every request to another host."""
    context = browser.new_context()
    context.on("request", lambda r: None if is_local(r.url) else blocked.append(r.url))
    return context


def time_page(context, url: str, ready: str, connected: bool = False) -> float:
    """Seconds from the request until `ready` is visible (the page is closed afterwards).

    With `connected`, also until the page script says its kernel connection is open.
    """
    errors: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    start = time.monotonic()
    page.goto(url, wait_until="commit", timeout=120_000)
    page.wait_for_selector(ready, timeout=120_000)
    if connected:
        page.wait_for_selector(CONNECTED, state="attached", timeout=120_000)
    elapsed = time.monotonic() - start
    page.close(run_before_unload=True)  # Voila shuts the page's kernel down
    if errors:
        print(f"  note: {len(errors)} console error(s) on {url}: {errors[:1]}", file=sys.stderr)
    return elapsed


def run_server(browser, kind: str, notebook: str, repeat: int) -> dict:
    """Start one server, take one cold and `repeat` warm samples, stop it."""
    port = free_port()
    path = APPS_DIR / f"{notebook}.ipynb"
    if kind == "dgt":
        command, url = app_server.command(port), f"/voila/render/{notebook}.ipynb"
    else:
        command, url = plain_command(path, port), "/"
    server = Server(command, port, cwd=APPS_DIR)
    live = kind == "dgt"
    blocked: list[str] = []
    returning = offline_context(browser, blocked)
    try:
        up = wait_for_http(server.url + ("/" if kind == "dgt" else "/voila/static/voila.js"), 120)
        cold = time_page(returning, server.url + url, READY[notebook], live)
        used, new_visitor, returning_visitor = 1, [], []
        for sample in range(repeat):
            if kind == "dgt":
                # the pool refills once per page taken; then give the new kernel time to run the app
                deadline = time.monotonic() + POOL_TIMEOUT
                while pool_fills(server, f"{notebook}.ipynb") < used + 1:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"the preheated pool of {notebook} did not refill")
                    time.sleep(0.25)
                time.sleep(WARM_SETTLE)
            else:
                time.sleep(PLAIN_PAUSE)
            if sample % 2 == 0:
                fresh = offline_context(browser, blocked)
                try:
                    new_visitor.append(time_page(fresh, server.url + url, READY[notebook], live))
                finally:
                    fresh.close()
            else:
                returning_visitor.append(
                    time_page(returning, server.url + url, READY[notebook], live)
                )
            used += 1
        return {"server_up_s": round(up, 3), "cold_s": round(cold, 3),
                "warm_new_visitor_s": [round(w, 3) for w in new_visitor],
                "warm_returning_visitor_s": [round(w, 3) for w in returning_visitor],
                "outside_requests": len(blocked),
                "load_average": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip
    finally:
        returning.close()
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=6, help="warm samples per server (new and returning in turn)"
    )
    parser.add_argument("--apps", nargs="*", default=list(READY), choices=list(READY))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results: dict[str, dict] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, OFFLINE], headless=True
        )
        try:
            for notebook in args.apps:
                results[notebook] = {}
                for kind in ("dgt", "plain"):
                    print(f"{notebook}: {kind} ...", file=sys.stderr, flush=True)
                    results[notebook][kind] = run_server(browser, kind, notebook, args.repeat)
        finally:
            browser.close()
    out = ROOT / "bench" / "_out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "apps_startup.json").write_text(json.dumps(results, indent=2) + "\n")
    print("| app | server | cold (s) | warm, new visitor: median (min–max) | "
          "warm, returning visitor: median (min–max) |")  # fmt: skip
    print("| --- | --- | --- | --- | --- |")
    for notebook, kinds in results.items():
        for kind, sample in kinds.items():
            name = "dgt apps" if kind == "dgt" else "plain voila"
            cells = []
            for key in ("warm_new_visitor_s", "warm_returning_visitor_s"):
                warm = sample[key]
                cells.append(f"{statistics.median(warm):.2f} ({min(warm):.2f}–{max(warm):.2f})")
            print(f"| {notebook} | {name} | {sample['cold_s']:.2f} | {cells[0]} | {cells[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

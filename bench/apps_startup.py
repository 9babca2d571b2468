"""Benchmark: time from request to an interactive app page, `dgt apps` against plain `voila`.

For each app notebook, two servers run one after the other on 127.0.0.1 in the same run:

- `dgt apps` (course.apps.command: the dgt template, preheated kernels, limits);
- plain `voila <notebook>` with Voila's default settings.

A real Debian chromium (every request that leaves the machine blocked, as in the tests)
opens the app page and the clock runs from `page.goto` until the app's widgets are on
screen (the app's main output selector is visible: the widget manager has fetched the
widget state from the kernel, so the page reacts to input). Each server gets one fresh
browser context, so the cold sample also has a cold browser cache and the warm samples
a warm one, like a person opening the app again. Every page is closed before the next
sample, which shuts its kernel down.

- cold: the first page, requested as soon as the server answers HTTP on "/";
- warm: the following pages, each requested once the server is ready again (for
  `dgt apps`: its log reports the preheated pool refilled, then WARM_SETTLE seconds for
  the new kernel to run the app; for plain voila there is no pool, so a short pause).

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

from browser import is_local, launch  # noqa: E402
from conftest import Server, free_port, wait_for_http  # noqa: E402
from course import apps  # noqa: E402
from course.manifest import APPS_DIR  # noqa: E402

# What "interactive" means per app: its main output widget is rendered.
READY = {
    "egdi_explorer": ".dgt-app-title",
    "maturity_assessment": ".dgt-q-SL1 input",
    "roadmap_builder": ".dgt-initiatives",
    "me_dashboard": ".dgt-progress",
}
PLAIN_PAUSE = 2.0  # seconds between plain-voila samples (no pool to wait for)
WARM_SETTLE = 8.0  # seconds after a pool refill for the new kernel to finish running the app
POOL_TIMEOUT = 120.0


def plain_command(notebook: Path, port: int) -> list[str]:
    """Plain Voila on one notebook, default settings, this computer only."""
    return [sys.executable, "-m", "voila", str(notebook), f"--port={port}", "--no-browser",
            "--Voila.ip=127.0.0.1"]  # fmt: skip


def pool_fills(server: Server, notebook: str) -> int:
    """How many times the server has logged a full preheated pool for `notebook`."""
    server.log.flush()
    text = Path(server.log.name).read_text(encoding="utf-8", errors="replace")
    return text.count(f"Kernel pool of {notebook} is filled")


def blocking_context(browser):
    """A browser context that blocks and logs every request leaving the machine."""
    context = browser.new_context()
    context.blocked = []

    def route(request_route):
        url = request_route.request.url
        if is_local(url):
            request_route.continue_()
        else:
            context.blocked.append(url)
            request_route.abort()

    context.route("**/*", route)
    return context


def time_page(context, url: str, ready: str) -> float:
    """Seconds from the request until `ready` is visible (the page is closed afterwards)."""
    errors: list[str] = []
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    start = time.monotonic()
    page.goto(url, wait_until="commit", timeout=120_000)
    page.wait_for_selector(ready, timeout=120_000)
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
        command, url = apps.command(port), f"/voila/render/{notebook}.ipynb"
    else:
        command, url = plain_command(path, port), "/"
    server = Server(command, port, cwd=APPS_DIR)
    context = blocking_context(browser)
    try:
        up = wait_for_http(server.url + ("/" if kind == "dgt" else "/voila/static/voila.js"), 120)
        cold = time_page(context, server.url + url, READY[notebook])
        used, warm = 1, []
        for _ in range(repeat):
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
            warm.append(time_page(context, server.url + url, READY[notebook]))
            used += 1
        return {"server_up_s": round(up, 3), "cold_s": round(cold, 3),
                "warm_s": [round(w, 3) for w in warm], "blocked": len(context.blocked),
                "load_average": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip
    finally:
        context.close()
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm samples per server")
    parser.add_argument("--apps", nargs="*", default=list(READY), choices=list(READY))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results: dict[str, dict] = {}
    with sync_playwright() as playwright:
        browser = launch(playwright)
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
    print("| app | server | cold (s) | warm median (s) | warm min–max (s) |")
    print("| --- | --- | --- | --- | --- |")
    for notebook, kinds in results.items():
        for kind, sample in kinds.items():
            warm = sample["warm_s"]
            name = "dgt apps" if kind == "dgt" else "plain voila"
            print(
                f"| {notebook} | {name} | {sample['cold_s']:.2f} | "
                f"{statistics.median(warm):.2f} | {min(warm):.2f}–{max(warm):.2f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

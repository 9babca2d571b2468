"""A real browser for the tests: Debian's chromium driven by Playwright, the outside world blocked.

`open_page(browser, url)` loads a page with every request that leaves the machine
blocked and logged, and collects console errors and uncaught page errors. Only
file:// URLs and http://127.0.0.1 / localhost are let through.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from urllib.parse import urlparse

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags chromium calls home at start and on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--allow-file-access-from-files",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def is_local(url: str) -> bool:
    """True for file:, data:, blob: and about: URLs and for this machine's loopback addresses."""
    parsed = urlparse(url)
    if parsed.scheme in ("file", "data", "blob", "about", "chrome-error"):
        return True
    return parsed.hostname in LOCAL_HOSTS


@dataclass
class PageReport:
    """What happened while a page was open."""

    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)  # addresses, in the order opened


def launch(playwright):
    """Launch Debian's chromium headless; fail with one line if it is not installed."""
    if not shutil.which("chromium") and not shutil.os.path.exists(CHROMIUM):
        raise RuntimeError(
            "Debian's chromium is not installed: run 'sudo apt-get install chromium'"
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def open_page(browser, url: str, wait_until: str = "load", timeout_ms: int = 60_000):
    """Open `url` in a fresh context with outside requests blocked; return (page, report)."""
    context = browser.new_context()
    report = PageReport()

    def route(route_request):
        request_url = route_request.request.url
        report.requests.append(request_url)
        if is_local(request_url):
            route_request.continue_()
        else:
            report.blocked.append(request_url)
            route_request.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on(
        "console",
        lambda msg: report.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda error: report.page_errors.append(str(error)))
    page.on("websocket", lambda socket: report.websockets.append(socket.url))
    page.goto(url, wait_until=wait_until, timeout=timeout_ms)
    return page, report

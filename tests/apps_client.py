"""A light app visitor for tests and benchmarks: the page over HTTP and its kernel over the websocket, no browser.

It does what an app page does up to the point where the app is live: GET the page,
read the kernel id from the page's config, open the kernel's websocket
(`api/kernels/<id>/channels`, the server's plain JSON protocol) and ask the kernel for
its widget comms (`comm_info_request`, one of the messages Voila lets a page send) until
the app's widgets are there. Leaving, it asks the server to stop the kernel the way the
page script does when its tab closes (POST voila/api/shutdown/<id> with the _xsrf cookie).
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

import websocket

KERNEL_ID = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"')


@dataclass
class Visit:
    """One visitor's page request and what came of it."""

    app: str
    status: int = 0
    kernel_id: str = ""
    page_seconds: float = 0.0
    live_seconds: float = 0.0
    comms: int = 0
    retry_after: str = ""
    body: str = ""
    error: str = ""
    started: float = field(default_factory=time.monotonic)
    opener: urllib.request.OpenerDirector | None = None
    jar: http.cookiejar.CookieJar | None = None
    socket: websocket.WebSocket | None = None

    @property
    def live(self) -> bool:
        return not self.error and self.comms > 0


def _message(msg_type: str, content: dict, session: str) -> str:
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "session": session,
        "username": "visitor",
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "version": "5.3",
    }
    return json.dumps(
        {
            "header": header,
            "parent_header": {},
            "metadata": {},
            "content": content,
            "channel": "shell",
            "buffers": [],
        }
    )


def _comms(sock: websocket.WebSocket, session: str, deadline: float) -> int:
    """Ask the kernel for its widget comms; return how many it has."""
    sock.send(_message("comm_info_request", {"target_name": "jupyter.widget"}, session))
    while time.monotonic() < deadline:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        reply = json.loads(sock.recv())
        if reply.get("msg_type") == "comm_info_reply" or (
            reply.get("header", {}).get("msg_type") == "comm_info_reply"
        ):
            return len(reply["content"].get("comms", {}))
    raise TimeoutError("no comm_info_reply from the kernel")


def open_app(base_url: str, notebook: str, timeout: float = 90.0) -> Visit:
    """Request the app page and wait until its kernel has the app's widgets (keep it open)."""
    visit = Visit(app=notebook)
    deadline = visit.started + timeout
    visit.jar = http.cookiejar.CookieJar()
    visit.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(visit.jar))
    try:
        try:
            with visit.opener.open(f"{base_url}/voila/render/{notebook}", timeout=timeout) as page:
                visit.status = page.status
                visit.body = page.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            visit.status = error.code
            visit.retry_after = error.headers.get("Retry-After", "")
            visit.body = error.read().decode("utf-8", "replace")
            visit.error = f"HTTP {error.code}"
            return visit
        visit.page_seconds = time.monotonic() - visit.started
        found = KERNEL_ID.search(visit.body)
        if not found:
            visit.error = "no kernel id in the page"
            return visit
        visit.kernel_id = found.group(1)
        session = uuid.uuid4().hex
        host = urllib.parse.urlsplit(base_url).netloc
        cookies = "; ".join(f"{c.name}={c.value}" for c in visit.jar)
        visit.socket = websocket.create_connection(
            f"ws://{host}/api/kernels/{visit.kernel_id}/channels?session_id={session}",
            timeout=timeout,
            cookie=cookies or None,
        )
        while True:
            visit.comms = _comms(visit.socket, session, deadline)
            if visit.comms or time.monotonic() > deadline:
                break
            time.sleep(0.1)  # plain Voila: the app is still running
        visit.live_seconds = time.monotonic() - visit.started
        if not visit.comms:
            visit.error = "the kernel has no widgets"
    except Exception as error:  # a failed visit is a result, not a crash of the run
        visit.error = f"{type(error).__name__}: {error}"
    return visit


def close(visit: Visit, base_url: str, shutdown: bool = True) -> None:
    """Leave the page: close the websocket and (as the page script does) stop the kernel."""
    if visit.socket is not None:
        with contextlib.suppress(Exception):  # already closed by the server
            visit.socket.close()
        visit.socket = None
    if shutdown and visit.kernel_id and visit.opener is not None and visit.jar is not None:
        xsrf = next((c.value for c in visit.jar if c.name == "_xsrf"), "")
        data = urllib.parse.urlencode({"_xsrf": xsrf}).encode()
        # (plain Voila gives no cookie, or the kernel may be gone already: both are fine)
        with contextlib.suppress(urllib.error.HTTPError):
            visit.opener.open(
                f"{base_url}/voila/api/shutdown/{visit.kernel_id}", data=data, timeout=30
            ).close()

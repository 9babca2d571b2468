"""The apps in the room: Voila behind a gate that lets in only users logged in to the hub.

The hub runs this as its managed service `apps` (at /services/apps/), as the
unprivileged account `nobody`. It starts the apps server (`course.serve.app_server`,
the same Voila settings as `dgt apps`) on a free port of 127.0.0.1 with the service's
base URL, and passes every request and websocket through once JupyterHub's OAuth says
who the visitor is (`HubOAuthenticated`: the `access:services!service=apps` scope,
which the room gives every account). Anyone else is sent to the hub's login page.

One path is different: the apps server's control endpoint (`{prefix}dgt/api/...`,
`dgt classroom ready`) needs no hub login but the room's control token in an
`Authorization: token ...` header; without it the gate answers 403 and passes nothing
on. The token comes in $DGT_APPS_CONTROL_TOKEN; the gate hands it to the apps server
it starts, and strips every `Authorization` header from what it passes through for
visitors, so no logged-in account reaches the endpoint with a header of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from urllib.parse import urlparse

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from tornado import httpclient, ioloop, web, websocket
from tornado.routing import Matcher, PathMatches, Rule

from course.serve import app_server

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer"}
#: Never passed on for a visitor: the apps server's control endpoint reads it.
PRIVATE_HEADERS = HOP_HEADERS | {"authorization"}
#: The apps server's control endpoints, under the prefix (token only, no hub login).
CONTROL_PATH = app_server.CONTROL_PATH.rsplit("/", 1)[0] + "/"
TOKEN_ENV = app_server.CONTROL_TOKEN_ENV
token_ok = app_server.token_ok  # the apps server's own check of the token


def visitor_headers(pairs) -> dict[str, str]:
    """The headers passed on for a visitor: all but the hop-by-hop ones and Authorization."""
    return {k: v for k, v in pairs if k.lower() not in PRIVATE_HEADERS}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Upgrade(Matcher):
    """Matches websocket upgrade requests under the prefix."""

    def __init__(self, prefix: str) -> None:
        self.path = PathMatches(prefix + ".*")

    def match(self, request):
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return None
        return self.path.match(request)


class Pass(HubOAuthenticated, web.RequestHandler):
    """Any HTTP request of a logged-in user, passed to Voila unchanged."""

    def initialize(self, backend: str) -> None:
        self.backend = backend

    def check_xsrf_cookie(self) -> None:  # Voila checks its own
        return None

    @web.authenticated
    async def _pass(self) -> None:
        await _forward(self, self.backend, visitor_headers(self.request.headers.get_all()))

    get = post = put = patch = delete = head = _pass


class Control(web.RequestHandler):
    """The apps server's control endpoints: the room's token, no hub login; 403 otherwise."""

    def initialize(self, backend: str, token: str) -> None:
        self.backend = backend
        self.token = token

    def check_xsrf_cookie(self) -> None:  # a token, not a cookie: nothing to forge
        return None

    async def _control(self) -> None:
        if not self.token:
            self._refuse(404)
            return
        if not token_ok(self.request.headers.get("Authorization"), self.token):
            self._refuse(403)
            return
        headers = {
            k: v
            for k, v in self.request.headers.get_all()
            if k.lower() in ("authorization", "content-type", "accept", "host")
        }
        await _forward(self, self.backend, headers)

    def _refuse(self, status: int) -> None:
        from course.messages import t

        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": t("apps.ready.forbidden")}, ensure_ascii=False))

    get = post = put = patch = delete = head = _control


async def _forward(handler: web.RequestHandler, backend: str, headers: dict) -> None:
    """Pass the handler's request to the apps server with `headers`, and its answer back."""
    request = handler.request
    try:
        response = await httpclient.AsyncHTTPClient().fetch(
            backend + request.uri,
            method=request.method,
            headers=headers,
            body=request.body if request.method in ("POST", "PUT", "PATCH") else None,
            allow_nonstandard_methods=True,
            follow_redirects=False,
            decompress_response=False,
            raise_error=False,
            request_timeout=300,
        )
    except OSError:  # Voila still starting, or stopped
        from course.messages import t

        handler.set_status(503)
        handler.set_header("Retry-After", "5")
        handler.finish(t("classroom.apps_starting"))
        return
    handler.set_status(response.code, response.reason)
    handler._headers.clear()
    for key, value in response.headers.get_all():
        if key.lower() not in HOP_HEADERS | {"content-length"}:
            handler.add_header(key, value)
    if response.body:
        handler.write(response.body)
    handler.finish()


class PassSocket(HubOAuthenticated, websocket.WebSocketHandler):
    """A kernel's websocket of a logged-in user, joined to Voila's."""

    def initialize(self, backend: str) -> None:
        self.backend = backend.replace("http://", "ws://", 1)
        self.other = None

    async def get(self, *args, **kwargs):
        if not self.current_user:
            raise web.HTTPError(403)
        headers = {
            k: v
            for k, v in self.request.headers.items()
            if k.lower() in ("cookie", "origin", "host")  # Voila compares Origin with Host
        }
        wanted = self.request.headers.get("Sec-WebSocket-Protocol", "")
        request = httpclient.HTTPRequest(self.backend + self.request.uri, headers=headers)
        self.other = await websocket.websocket_connect(
            request,
            on_message_callback=self._from_backend,
            subprotocols=[p.strip() for p in wanted.split(",") if p.strip()] or None,
        )
        return await super().get(*args, **kwargs)

    def select_subprotocol(self, subprotocols):
        """The subprotocol Voila chose (a browser drops a socket that answers none it asked for)."""
        return self.other.selected_subprotocol if self.other is not None else None

    def _from_backend(self, message) -> None:
        if message is None:
            self.close()
        elif self.ws_connection is not None:
            self.write_message(message, binary=isinstance(message, bytes))

    async def on_message(self, message) -> None:
        if self.other is not None:
            await self.other.write_message(message, binary=isinstance(message, bytes))

    def on_close(self) -> None:
        if self.other is not None:
            self.other.close()


def start_voila(prefix: str, port: int, scratch: str) -> subprocess.Popen:
    """Start the apps server on 127.0.0.1:`port` under `prefix`, with private scratch folders."""
    from course.manifest import APPS_DIR
    from course.serve.app_server import command

    env = dict(os.environ)
    names = ("HOME", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR", "DGT_OUTPUT")
    # XDG_CACHE_HOME too: the apps' first views are kept there (course.serve.ui.common),
    # and `nobody` may write nowhere else.
    for name in (*names, "XDG_CACHE_HOME"):
        env[name] = scratch
    for name in [k for k in env if k.startswith("JUPYTERHUB_")]:
        env.pop(name)  # Voila is not the hub's service: the gate is
    return subprocess.Popen(
        [*command(port, open_browser=False), f"--Voila.base_url={prefix}"],
        cwd=APPS_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def make_app(prefix: str, backend: str, token: str) -> web.Application:
    """The gate's routes: websockets, the OAuth callback, the control endpoints, the rest."""
    return web.Application(
        [
            Rule(_Upgrade(prefix), PassSocket, {"backend": backend}),
            (prefix + "oauth_callback", HubOAuthCallbackHandler),
            (prefix + CONTROL_PATH + ".*", Control, {"backend": backend, "token": token}),
            (prefix + ".*", Pass, {"backend": backend}),
        ],
        cookie_secret=os.urandom(32),
    )


def main() -> None:
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/apps/")
    listen = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:0"))
    port = _free_port()
    scratch = tempfile.mkdtemp(prefix="dgt-apps-")
    token = os.environ.get(TOKEN_ENV, "")
    voila = start_voila(prefix, port, scratch)  # its environment keeps the token
    os.environ.pop(TOKEN_ENV, None)  # no other program this gate starts gets it
    backend = f"http://127.0.0.1:{port}"
    app = make_app(prefix, backend, token)
    app.listen(listen.port, listen.hostname or "127.0.0.1")
    loop = ioloop.IOLoop.current()
    signal.signal(signal.SIGTERM, lambda *_: loop.add_callback_from_signal(loop.stop))
    try:
        ioloop.IOLoop.current().start()
    finally:
        voila.terminate()
        voila.wait(15)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

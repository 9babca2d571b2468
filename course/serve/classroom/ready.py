"""Get an app ready for the room (`dgt classroom ready`): ready kernels for every expected visitor.

`dgt classroom start` makes a new random control token in a root-only file of the
state folder; the hub hands it to the apps service (the gate), which hands it to the
apps server. `ready` reads it and asks the apps server, through the gate on
127.0.0.1, to hold one ready kernel per expected visitor for some minutes
(`POST /services/apps/dgt/api/ready`); `status` asks how many are ready (`GET`).
The gate and the apps server both refuse any request without the token.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from course.errors import UserError
from course.messages import t
from course.serve.app_server import CONTROL_PATH
from course.serve.classroom.room import Room

#: The apps service's address prefix in the hub (the service is named `apps`).
APPS_PREFIX = "/services/apps/"
#: How long `ready` waits for the apps server of a hub that has just started.
STARTING_SECONDS = 60.0


@dataclass(frozen=True)
class Asked:
    """What `dgt classroom ready` asks for: an app, how many visitors, for how long."""

    app: str
    visitors: int
    minutes: int | None = None

    def body(self) -> dict:
        body: dict = {"app": self.app, "visitors": self.visitors}
        if self.minutes is not None:
            body["minutes"] = self.minutes
        return body


def new_control_token(room: Room) -> str:
    """A new random token in the state folder's root-only file (mode 600), replacing the last."""
    from autograder.workspace import write_atomically

    token = secrets.token_urlsafe(32)
    room.make_state()
    write_atomically(room.control_token_file, token + "\n", mode=0o600)
    return token


def control_token(room: Room) -> str:
    """The running room's token; a UserError if the room was started without one."""
    try:
        token = room.control_token_file.read_text(encoding="utf-8").strip()
    except OSError:
        token = ""
    if not token:
        raise UserError(t("classroom.ready.no_token", path=room.control_token_file))
    return token


def trainee_count(room: Room) -> int:
    return sum(1 for entry in room.accounts.values() if entry.get("role") == "trainee")


def plan(room: Room, app_id: str, visitors: int | None, minutes: int | None) -> Asked:
    """Check what the trainer typed: a known app, visitors 0 or more, minutes 1 or more.

    Visitors default to the room's trainee accounts (at least one); 0 visitors ends the
    app's readiness (its pool shrinks back now).
    """
    from course.manifest import curriculum

    ids = [app.id for app in curriculum().apps]
    if app_id not in ids:
        raise UserError(t("classroom.ready.unknown_app", app=app_id, apps=", ".join(ids)))
    if visitors is None:
        visitors = max(trainee_count(room), 1)
    if visitors < 0:
        raise UserError(t("classroom.ready.bad_visitors", visitors=visitors))
    if minutes is not None and minutes < 1:
        raise UserError(t("classroom.ready.bad_minutes", minutes=minutes))
    return Asked(app=app_id, visitors=visitors, minutes=minutes)


def url(room: Room) -> str:
    """The control endpoint on the gate's own port (127.0.0.1, not through the room's proxy)."""
    return f"http://127.0.0.1:{room.apps_port}{APPS_PREFIX}{CONTROL_PATH}"


def _call(room: Room, method: str, body: dict | None, timeout: float) -> tuple[int, dict]:
    """One request with the token: (HTTP status, JSON answer); OSError if nobody answers."""
    request = urllib.request.Request(
        url(room),
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={
            "Authorization": f"token {control_token(room)}",
            "Content-Type": "application/json",
        },
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    try:
        answer = json.loads(text or b"{}")
    except ValueError:
        answer = {}
    return status, answer if isinstance(answer, dict) else {}


def make_ready(room: Room, asked: Asked, wait: float = STARTING_SECONDS) -> dict:
    """POST the request; the apps server's answer, or a UserError with one readable line.

    While the apps server starts (the gate answers 503, or nothing listens yet), it
    tries again for up to `wait` seconds.
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            status, answer = _call(room, "POST", asked.body(), timeout=60)
        except OSError:
            status, answer = 0, {}
        if status not in (0, 502, 503) or time.monotonic() > deadline:
            break
        time.sleep(1)
    if status == 200:
        return answer
    if status in (0, 502, 503):
        raise UserError(t("classroom.ready.starting"))
    if status == 403:
        raise UserError(t("classroom.ready.refused"))
    if status == 404:
        raise UserError(t("classroom.ready.no_control"))
    reason = (str(answer.get("error") or "").strip() or f"HTTP {status}").splitlines()[0]
    raise UserError(t("classroom.ready.failed", reason=reason))


def said(asked: Asked, answer: dict) -> list[str]:
    """What `ready` prints: one line, and one more if fewer visitors were granted than asked."""
    from course.manifest import curriculum

    title = t(curriculum().app(asked.app).title_key)
    if asked.visitors == 0:
        return [t("classroom.ready.ended", title=title)]
    granted = int(answer.get("visitors", asked.visitors))
    minutes = answer.get("minutes", asked.minutes)
    if isinstance(minutes, float) and minutes.is_integer():
        minutes = int(minutes)  # the apps server answers 15.0
    if minutes is None:
        lines = [t("classroom.ready.done_open", title=title, visitors=granted)]
    else:
        lines = [t("classroom.ready.done", title=title, visitors=granted, minutes=minutes)]
    if granted < asked.visitors:
        lines.append(t("classroom.ready.fewer", visitors=granted, asked=asked.visitors))
    return lines


def status_lines(room: Room, timeout: float = 2.0) -> list[str]:
    """The ready kernels of each app, for `dgt classroom status`; nothing on any error."""
    from course.manifest import curriculum

    with contextlib.suppress(Exception):
        status, answer = _call(room, "GET", None, timeout=timeout)
        if status != 200:
            return []
        titles = {app.id: t(app.title_key) for app in curriculum().apps}
        lines = [t("classroom.status.ready_kernels", count=int(answer.get("kernels", 0)))]
        for app_id, state in sorted(answer.get("apps", {}).items()):
            if not (state.get("ready") or state.get("expected")):
                continue
            values = {
                "title": titles.get(app_id, app_id),
                "ready": int(state.get("ready", 0)),
                "expected": int(state.get("expected", 0)),
            }
            left = state.get("minutes_left")
            if left is None:
                lines.append(t("classroom.status.app_ready_open", **values))
            else:
                lines.append(t("classroom.status.app_ready", minutes=round(left), **values))
        return lines
    return []

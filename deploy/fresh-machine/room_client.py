"""A trainee or the trainer in the fresh-machine check: what their browser would do, over HTTP.

Run inside the fresh machine with the lab's Python (it has `requests` and `tornado`):

    room_client.py trainee USER PASSWORD check      # log in, lessons are there, run Python in a kernel
    room_client.py trainee USER PASSWORD fetch      # the Assignments tab's Fetch
    room_client.py trainee USER PASSWORD answer SOURCE.ipynb   # fill the answers in, save
    room_client.py trainee USER PASSWORD submit
    room_client.py trainee USER PASSWORD feedback   # Fetch Feedback; prints the score
    room_client.py trainer PASSWORD terminal 'dgt grade release B1-foundations'
    room_client.py get USER PASSWORD /services/apps/  # a page answers 200 once logged in
    room_client.py wrong USER PASSWORD              # a wrong password is refused

The trainer's commands are typed into a terminal of the trainer's JupyterLab (File,
New, Terminal), as the trainer's guide says. Prints what it saw; exits 1 on a failure.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
import uuid
from pathlib import Path

import nbformat
import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from autograder.submissions import answered

URL = "http://127.0.0.1:8000"
COURSE, ASSIGNMENT = "dgt", "B1-foundations"


def fail(message: str) -> None:
    print(f"FAILED: {message}")
    sys.exit(1)


def login(user: str, password: str, spawn: bool = True) -> requests.Session:
    """Log in through /hub/login as a browser does; wait for the user's server."""
    http = requests.Session()
    http.get(f"{URL}/hub/login", timeout=30)
    response = http.post(
        f"{URL}/hub/login?next=",
        data={"username": user, "password": password, "_xsrf": http.cookies.get("_xsrf")},
        timeout=180,
    )
    http.login_status = response.status_code  # type: ignore[attr-defined]
    if not spawn:
        return http
    if response.status_code != 200 or "/hub/login" in response.url:
        fail(f"{user} could not log in (HTTP {response.status_code}, {response.url})")
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        model = http.get(f"{URL}/hub/api/user", timeout=30).json()
        if model.get("servers", {}).get("", {}).get("ready"):
            break
        time.sleep(0.5)
    else:
        fail(f"{user}'s server did not start")
    lab = http.get(f"{URL}/user/{user}/lab", timeout=60)
    if lab.status_code != 200:
        fail(f"{user}'s JupyterLab answered HTTP {lab.status_code}")
    token = [c.value for c in http.cookies if c.name == "_xsrf" and c.path.startswith("/user")]
    http.headers["X-XSRFToken"] = token[0]
    return http


async def _socket(http: requests.Session, url: str):
    cookies = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
    headers = {"Cookie": cookies, "X-XSRFToken": http.headers["X-XSRFToken"]}
    ws_url = url.replace("http://", "ws://")
    return await websocket_connect(HTTPRequest(ws_url, headers=headers, connect_timeout=60))


async def _run_in_terminal(http: requests.Session, user: str, command: str) -> str:
    """Open a terminal in the user's JupyterLab, type `command`, return what it printed."""
    name = http.post(f"{URL}/user/{user}/api/terminals", timeout=30).json()["name"]
    socket = await _socket(http, f"{URL}/user/{user}/terminals/websocket/{name}")
    mark = uuid.uuid4().hex[:8]
    # The typed line holds the marks split in two ("BE""GIN"), so only their output matches.
    typed = f'echo "BE""GIN-{mark}"; {command}; echo "E""ND-{mark}-$?"\r'
    socket.write_message(json.dumps(["stdin", typed]))
    pattern = re.compile(rf"BEGIN-{mark}\r?\n(.*)END-{mark}-(\d+)", re.S)
    output, deadline = "", time.monotonic() + 600
    while time.monotonic() < deadline:
        message = await asyncio.wait_for(socket.read_message(), timeout=600)
        if message is None:
            break
        kind, *rest = json.loads(message)
        if kind == "stdout":
            output += rest[0]
            found = pattern.search(output)
            if found:
                socket.close()
                http.delete(f"{URL}/user/{user}/api/terminals/{name}", timeout=30)
                text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", found.group(1))
                if found.group(2) != "0":
                    fail(f"'{command}' exited {found.group(2)}: {text.strip()[-2000:]}")
                return text
    fail(f"'{command}' did not finish in the terminal")
    return ""


async def _run_in_kernel(http: requests.Session, user: str, code: str) -> str:
    """Start a kernel in the user's server, run `code`, return its printed output."""
    kernel = http.post(f"{URL}/user/{user}/api/kernels", json={}, timeout=60).json()["id"]
    socket = await _socket(http, f"{URL}/user/{user}/api/kernels/{kernel}/channels")
    msg_id = uuid.uuid4().hex
    socket.write_message(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": user,
                    "session": uuid.uuid4().hex,
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "content": {"code": code, "silent": False},
                "channel": "shell",
            }
        )
    )
    output = ""
    while True:
        message = await asyncio.wait_for(socket.read_message(), timeout=180)
        if message is None:
            fail("the kernel's socket closed")
        reply = json.loads(message)
        if reply.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        if reply["msg_type"] == "stream":
            output += reply["content"]["text"]
        elif reply["msg_type"] == "error":
            fail(f"the kernel raised {reply['content']['ename']}")
        elif reply["msg_type"] == "execute_reply":
            break
    socket.close()
    http.delete(f"{URL}/user/{user}/api/kernels/{kernel}", timeout=30)
    return output


def assignments(http: requests.Session, user: str, action: str) -> dict:
    """What the Assignments tab does: POST to nbgrader's assignment_list server extension."""
    response = http.post(
        f"{URL}/user/{user}/assignments/{action}",
        data={"course_id": COURSE, "assignment_id": ASSIGNMENT},
        timeout=180,
    )
    body = response.json() if response.status_code == 200 else {}
    if not body.get("success"):
        fail(f"{action} for {user}: HTTP {response.status_code} {response.text[:500]}")
    return body


def trainee(user: str, password: str, action: str, *rest: str) -> None:
    http = login(user, password)
    if action == "check":
        lessons = http.get(f"{URL}/user/{user}/api/contents/lessons", timeout=30).json()
        names = sorted(entry["name"] for entry in lessons.get("content", []))
        if "A0-getting-started" not in names:
            fail(f"{user}'s lessons folder holds {names}")
        code = "import course.data; print(len(course.data.provinces()), 'provinces')"
        printed = asyncio.run(_run_in_kernel(http, user, code)).strip()
        if printed != "18 provinces":
            fail(f"the kernel printed {printed!r}")
        print(f"{user}: logged in, {len(names)} lesson folders, a kernel ran: {printed}")
    elif action == "fetch":
        listed = http.get(
            f"{URL}/user/{user}/assignments", params={"course_id": COURSE}, timeout=30
        ).json()
        ids = [entry["assignment_id"] for entry in listed.get("value", [])]
        if ASSIGNMENT not in ids:
            fail(f"the Assignments tab of {user} lists {ids}")
        assignments(http, user, "fetch")
        print(f"{user}: fetched {ASSIGNMENT}")
    elif action == "answer":
        source = nbformat.read(rest[0], as_version=4)
        notebook = Path(rest[0]).name
        path = f"{URL}/user/{user}/api/contents/{ASSIGNMENT}/{notebook}"
        saved = http.put(
            path,
            json={"type": "notebook", "format": "json", "content": answered(source)},
            timeout=60,
        )
        if saved.status_code != 200:
            fail(f"saving {user}'s answers: HTTP {saved.status_code}")
        print(f"{user}: answered and saved {notebook}")
    elif action == "submit":
        assignments(http, user, "submit")
        print(f"{user}: submitted {ASSIGNMENT}")
    elif action == "feedback":
        assignments(http, user, "fetch_feedback")
        folder = f"{URL}/user/{user}/api/contents/{ASSIGNMENT}/feedback"
        stamps = http.get(folder, timeout=30).json().get("content", [])
        if not stamps:
            fail(f"no feedback folder for {user}")
        pages = http.get(f"{folder}/{stamps[0]['name']}", timeout=30).json()["content"]
        page = http.get(f"{folder}/{stamps[0]['name']}/{pages[0]['name']}", timeout=30).json()
        score = re.search(r"Score: (\d+) of (\d+)", page["content"])
        if not score:
            fail(f"{user}'s feedback page shows no score")
        print(f"{user}: feedback fetched, score {score.group(1)} of {score.group(2)}")


def main(argv: list[str]) -> None:
    role = argv[0]
    if role == "trainee":
        trainee(*argv[1:])
    elif role == "trainer":
        password, action, command = argv[1:4]
        http = login("trainer", password)
        if action != "terminal":
            fail(f"unknown trainer action {action}")
        print(asyncio.run(_run_in_terminal(http, "trainer", command)).strip())
    elif role == "get":
        user, password, path = argv[1:4]
        http = login(user, password)
        deadline = time.monotonic() + 180
        while True:  # the apps answer 503 while Voila starts
            page = http.get(f"{URL}{path}", timeout=120)
            if page.status_code != 503 or time.monotonic() > deadline:
                break
            time.sleep(2)
        if page.status_code != 200 or "/hub/login" in page.url:
            fail(f"{path} for {user}: HTTP {page.status_code} at {page.url}")
        print(f"{user}: {path} answers 200 ({len(page.text)} characters)")
    elif role == "wrong":
        http = login(argv[1], argv[2] + "x", spawn=False)
        if http.cookies.get("jupyterhub-session-id") and http.login_status == 200:
            refused = "/hub/login" in http.get(f"{URL}/hub/home", timeout=30).url
        else:
            refused = True
        if not refused:
            fail("a wrong password was let in")
        print(f"{argv[1]} with a wrong password: refused")
    else:
        fail(f"unknown role {role}")


if __name__ == "__main__":
    main(sys.argv[1:])

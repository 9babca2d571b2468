"""Benchmark (issue 16): a room of N trainees logs in within one minute and runs lesson A0-1, on `dgt classroom` and on plain JupyterHub.

Run (as root, as the classroom needs):  .venv/bin/python bench/classroom.py [--trainees 30]

One run, on the same system accounts (test-unique prefix, removed at the end even on
failure, as in tests/test_classroom.py):

1. `dgt classroom` (course/serve/classroom/): accounts, `start` on a free port of
   127.0.0.1. N light clients log in through /hub/login (with its _xsrf), spread evenly
   over one minute; each waits for its server, opens JupyterLab and lesson A0-1 over the
   REST API, creates a kernel session (POST /api/sessions) and runs every code cell of
   A0-1 in order over the kernel websocket (Jupyter messaging protocol, JSON). One more
   trainee, the probe, does the same in Debian's chromium (Playwright): the login form,
   the lesson in JupyterLab, Shift+Enter through every cell.
2. Plain JupyterHub 5 on the same accounts: LocalProcessSpawner, PAM, the same Python
   for the servers, no dgt limits, lesson copying, culling, apps or nbgrader settings.
   The lessons are the copies the first run put in each home.

Reported for each: seconds from the login request to the last cell's reply (p50, p95,
max), memory per active trainee (PSS from /proc/<pid>/smaps_rollup, summed over every
process of the trainee's uid while all kernels are alive), the hub's and proxy's PSS
and CPU, and the load average sampled each second. Prints a Markdown table for
docs/benchmarks.md and writes bench/_out/classroom.json.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import types
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSON = "lessons/A0-getting-started/A0-1-your-first-notebook.ipynb"
SOURCE = ROOT / "modules" / "A0-getting-started" / "A0-1-your-first-notebook.ipynb"
PROBE = "probe"
SHOT = Path(tempfile.gettempdir()) / "dgt-bench-classroom-probe.png"  # when the probe fails
PLAIN_CONFIG = """\
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_port}"
c.ConfigurableHTTPProxy.pid_file = "{state}/proxy.pid"
c.JupyterHub.db_url = "sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{state}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{state}/jupyterhub.pid"
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = {users!r}
# The same Python as the room's servers (one every account can run); default spawner.
c.Spawner.cmd = ["{python}", "-m", "jupyterhub.singleuser"]
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
c.JupyterHub.cleanup_servers = True
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=30, help="light HTTP trainees (30)")
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which they log in")
    parser.add_argument("--no-browser", action="store_true", help="leave out the chromium probe")
    parser.add_argument("--no-plain", action="store_true", help="leave out plain JupyterHub")
    parser.add_argument(
        "--fork",
        nargs="+",
        choices=["on", "off"],
        default=["on"],
        help="dgt rooms to run, one after the other (DGT_CLASSROOM_FORK): servers forked"
        " from the warm factory (on) or started the usual way (off); default: on",
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "_out" / "classroom.json", help="raw results"
    )
    args = parser.parse_args(argv)
    if args.trainees < 1:
        parser.error("--trainees must be at least 1")
    return args


# --- measuring -----------------------------------------------------------------------


def pss_kb(pid: int) -> int:
    """The process's proportional set size in kB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pids_by_uid() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                found.setdefault(os.stat(entry.path).st_uid, []).append(int(entry.name))
    return found


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (no interpolation: with 10 samples p95 is the largest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


class Sampler(threading.Thread):
    """Every second: the 1-minute load average and the CPU time of the hub and the proxy."""

    def __init__(self, pids: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.samples: list[dict] = []
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            load = os.getloadavg()[0]
            cpu = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
            self.samples.append({"t": time.monotonic(), "load": load, **cpu})
            self.halt.wait(1.0)

    def summary(self) -> dict:
        s = self.samples
        out = {"load_max": max(x["load"] for x in s), "load_start": s[0]["load"]}
        span = s[-1]["t"] - s[0]["t"] or 1.0
        for name in self.pids:
            out[f"{name}_cpu_mean_pct"] = 100 * (s[-1][name] - s[0][name]) / span
            peaks = [
                100 * (s[i + 5][name] - s[i][name]) / (s[i + 5]["t"] - s[i]["t"])
                for i in range(len(s) - 5)
            ]
            out[f"{name}_cpu_peak5s_pct"] = max(peaks, default=0.0)
        return out


# --- one trainee ---------------------------------------------------------------------


@dataclass
class Result:
    user: str
    kind: str = "http"
    ok: bool = False
    error: str = ""
    server_ready: float = 0.0
    done: float = 0.0
    cells: dict[str, int] = field(default_factory=dict)


def lesson_cells() -> list[tuple[str, str]]:
    """(type, source) of every cell of lesson A0-1."""
    import nbformat

    return [(c.cell_type, c.source) for c in nbformat.read(SOURCE, as_version=4).cells]


def code_cells() -> list[str]:
    import nbformat

    nb = nbformat.read(SOURCE, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def message(kind: str, content: dict, session_id: str) -> dict:
    """A Jupyter message (protocol 5.3) for the websocket's JSON encoding."""
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": kind,
            "username": "bench",
            "session": session_id,
            "date": datetime.now(UTC).isoformat(),
            "version": "5.3",
        },
        "parent_header": {},
        "metadata": {},
        "content": content,
        "channel": "shell",
        "buffers": [],
    }


def ask(ws, msg: dict, reply: str, timeout: float) -> dict:
    """Send a shell request and read the socket until its reply comes."""
    ws.send(json.dumps(msg))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ws.settimeout(max(1.0, deadline - time.monotonic()))
        answer = json.loads(ws.recv())
        parent = answer.get("parent_header") or {}
        if answer.get("msg_type") == reply and parent.get("msg_id") == msg["header"]["msg_id"]:
            return answer
    raise TimeoutError(f"no {reply} within {timeout} s")


def http_trainee(url: str, user: str, password: str, cells: list[str], result: Result) -> None:
    """Log in, wait for the server, open the lab and the lesson, run every code cell."""
    import requests
    import websocket
    from test_classroom import session  # tests/ is on sys.path (see run)

    target = types.SimpleNamespace(url=url)
    start = time.monotonic()
    try:
        http = session(target, user, password)  # type: ignore[arg-type]
        result.server_ready = time.monotonic() - start
        base = f"{url}/user/{user}"
        http.get(f"{base}/api/contents/{LESSON}", timeout=120).raise_for_status()
        created = http.post(
            f"{base}/api/sessions",
            json={
                "path": LESSON,
                "name": LESSON,
                "type": "notebook",
                "kernel": {"name": "python3"},
            },
            timeout=180,
        )
        created.raise_for_status()
        kernel = created.json()["kernel"]["id"]
        session_id = uuid.uuid4().hex
        ws_url = f"{base}/api/kernels/{kernel}/channels?session_id={session_id}"
        cookie = http.prepare_request(requests.Request("GET", ws_url)).headers.get("Cookie", "")
        ws = websocket.create_connection(
            ws_url.replace("http://", "ws://"), header=[f"Cookie: {cookie}"], timeout=120
        )
        try:
            deadline = time.monotonic() + 180
            while True:  # the kernel answers kernel_info once it is up
                try:
                    ask(ws, message("kernel_info_request", {}, session_id), "kernel_info_reply", 10)
                    break
                except (TimeoutError, websocket.WebSocketTimeoutException):
                    if time.monotonic() > deadline:
                        raise
            for source in cells:
                content = {
                    "code": source,
                    "silent": False,
                    "store_history": True,
                    "user_expressions": {},
                    "allow_stdin": False,
                    "stop_on_error": False,
                }
                reply = ask(
                    ws, message("execute_request", content, session_id), "execute_reply", 300
                )
                status = reply["content"]["status"]
                result.cells[status] = result.cells.get(status, 0) + 1
        finally:
            ws.close()
        result.done = time.monotonic() - start
        result.ok = True
    except Exception as error:
        result.error = f"{type(error).__name__}: {error}"[:300]


def browser_trainee(url: str, user: str, password: str, count: int, result: Result) -> None:
    """The probe in Debian's chromium: login form, lesson A0-1 in JupyterLab, Shift+Enter through it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from browser import launch, open_page

    result.kind = "browser"
    start = time.monotonic()
    try:
        with sync_playwright() as playwright:
            chromium = launch(playwright)
            try:
                page, _report = open_page(chromium, f"{url}/hub/login", timeout_ms=120_000)
                page.fill("#username_input", user)
                page.fill("#password_input", password)
                page.click("#login_submit")
                page.wait_for_url(f"**/user/{user}/lab**", timeout=180_000)
                result.server_ready = time.monotonic() - start
                page.goto(f"{url}/user/{user}/lab/tree/{LESSON}", timeout=180_000)
                page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=180_000)
                page.wait_for_selector(
                    ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=180_000
                )
                page.wait_for_selector("text=| Idle", timeout=180_000)  # the status bar's kernel
                # Select the first cell by its prompt area (not a link in its text): command mode.
                page.locator(".jp-NotebookPanel .jp-Cell .jp-InputPrompt").first.click()
                # JupyterLab keeps only the cells near the view in the page, so each run is
                # checked on the cell just above the active one (Shift+Enter moves down).
                previous_ran = (
                    "() => { const a = document.querySelector('.jp-NotebookPanel .jp-Cell.jp-mod-active');"
                    " const p = a && a.previousElementSibling;"
                    " const q = p && p.querySelector('.jp-InputPrompt');"
                    " return !!q && /\\[\\d+\\]/.test(q.textContent); }"
                )
                running = previous_ran.replace("/\\[\\d+\\]/", "/\\[\\*\\]/")
                ran = 0
                for index, (kind, source) in enumerate(lesson_cells()):
                    page.keyboard.press("Shift+Enter")
                    if kind != "code" or not source.strip():
                        continue
                    ran += 1
                    for _attempt in range(3):  # a press before the kernel is connected is lost
                        try:
                            page.wait_for_function(previous_ran, timeout=15_000)
                            break
                        except PlaywrightTimeout:
                            if page.evaluate(running):
                                page.wait_for_function(previous_ran, timeout=180_000)
                                break
                            page.keyboard.press("ArrowUp")
                            page.keyboard.press("Shift+Enter")
                    else:
                        page.screenshot(path=str(SHOT))
                        raise RuntimeError(f"code cell {ran} (cell {index}) did not run")
                result.cells = {"executed": ran}
                result.done = time.monotonic() - start
                result.ok = ran == count
                if not result.ok:
                    result.error = f"ran {ran} code cells of {count}"
            finally:
                chromium.close()
    except Exception as error:
        result.error = f"{type(error).__name__}: {error}"[:300]


# --- one room ------------------------------------------------------------------------


def drive(url: str, users: list[str], passwords: dict, probe: str | None, window: float) -> list:
    """Start every trainee at its moment within `window` seconds; wait for all."""
    cells = code_cells()
    results = [Result(user) for user in users]
    threads = []
    for index, (user, result) in enumerate(zip(users, results, strict=True)):
        delay = window * index / len(users)
        threads.append(
            threading.Timer(delay, http_trainee, (url, user, passwords[user], cells, result))
        )
    if probe:
        results.append(Result(probe, kind="browser"))
        threads.append(
            threading.Timer(
                window / 2, browser_trainee, (url, probe, passwords[probe], len(cells), results[-1])
            )
        )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def measure(name: str, url: str, hub_pid: int, proxy_pid: int, *, users, passwords, probe, window):
    """Drive the room, then read the memory of every trainee while their kernels are alive."""
    sampler = Sampler({"hub": hub_pid, "proxy": proxy_pid})
    sampler.start()
    started = time.time()
    try:
        results = drive(url, users, passwords, probe, window)
    finally:
        time.sleep(3)
        sampler.halt.set()
        sampler.join()
    by_uid = pids_by_uid()
    memory = {}
    for user in [*users, *([probe] if probe else [])]:
        pids = by_uid.get(pwd.getpwnam(user).pw_uid, [])
        kinds: dict[str, float] = {}
        for pid in pids:
            kinds[kind_of(pid)] = kinds.get(kind_of(pid), 0.0) + pss_kb(pid) / 1024
        memory[user] = {
            "processes": len(pids),
            "pss_mb": sum(kinds.values()),
            "by_kind_mb": kinds,
        }
    trainee_uids = {pwd.getpwnam(u).pw_uid for u in memory}
    hub_tree = [p for p in descendants(hub_pid) if owner(p) not in trainee_uids]
    report = {
        "name": name,
        "started": datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds"),
        "results": [r.__dict__ for r in results],
        "memory": memory,
        "hub_pss_mb": pss_kb(hub_pid) / 1024,
        "proxy_pss_mb": pss_kb(proxy_pid) / 1024,
        "hub_services_pss_mb": sum(pss_kb(p) for p in hub_tree if p not in (hub_pid, proxy_pid))
        / 1024,
        **sampler.summary(),
    }
    done = [r.done for r in results if r.ok and r.kind == "http"]
    if done:
        report["p50"] = statistics.median(done)
        report["p95"] = percentile(done, 0.95)
        report["max"] = max(done)
        ready = [r.server_ready for r in results if r.ok and r.kind == "http"]
        report["ready_p50"], report["ready_max"] = statistics.median(ready), max(ready)
    active = [m["pss_mb"] for u, m in memory.items() if m["processes"] >= 2]
    for kind in KINDS:
        shares = [m["by_kind_mb"].get(kind, 0.0) for m in memory.values() if m["processes"] >= 2]
        report[f"pss_{kind}_mb"] = statistics.mean(shares) if shares else 0.0
    report["active"] = len(active)
    report["pss_per_trainee_mb"] = statistics.mean(active) if active else 0.0
    report["pss_per_trainee_max_mb"] = max(active, default=0.0)
    report["failed"] = [(r.user, r.error) for r in results if not r.ok]
    return report


#: What a trainee's process is, by its command line (forks are named by setproctitle).
KINDS = ("server", "kernel", "other")


def kind_of(pid: int) -> str:
    try:
        line = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "other"
    if b"jupyterhub-singleuser" in line or b"jupyterhub.singleuser" in line:
        return "server"
    if b"ipykernel" in line:
        return "kernel"
    return "other"


def owner(pid: int) -> int | None:
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                parent = int(Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def wait_health(url: str, timeout: float = 120) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{url}/hub/health", timeout=5).status_code == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def plain_hub(room, users: list[str], state: Path, port: int) -> subprocess.Popen:
    """Start plain JupyterHub (default spawner) on the same accounts; its own state folder."""
    from conftest import free_port

    state.mkdir(mode=0o700, parents=True)
    config = state / "jupyterhub_config.py"
    config.write_text(
        PLAIN_CONFIG.format(
            port=port,
            hub_port=free_port(),
            proxy_port=free_port(),
            state=state,
            users=set(users),
            python=room.srv / "python" / "bin" / "python",
        ),
        encoding="utf-8",
    )
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}"
    env["NODE_PATH"] = "/usr/share/nodejs"
    for key in (
        "DGT_CLASSROOM_STATE",
        "DGT_CLASSROOM_SRV",
        "DGT_CLASSROOM_PREFIX",
        "DGT_WORKSPACE",
    ):
        env.pop(key, None)
    log = open(state / "hub.log", "w", encoding="utf-8")  # noqa: SIM115  (closed with the folder)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)],
        cwd=state,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process


def stop_plain(process: subprocess.Popen, state: Path) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    with contextlib.suppress(OSError, ValueError, ProcessLookupError):
        proxy = int((state / "proxy.pid").read_text().strip())
        if b"configurable-http-proxy" in Path(f"/proc/{proxy}/cmdline").read_bytes():
            os.kill(proxy, signal.SIGTERM)


def proxy_of(state: Path, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            return int((state / "proxy.pid").read_text().strip())
        time.sleep(0.5)
    return 0


# --- the run -------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    from test_classroom import Room, _cleanup, _close_the_way, _open_the_way_to_the_lab

    from conftest import dgt, free_port
    from course.manifest import repo_root

    base = Path(tempfile.mkdtemp(prefix="dgt-bench-classroom-"))
    room = Room(f"zb{secrets.token_hex(2)}-", base)
    saved = {key: os.environ.get(key) for key in [*room.env(), "DGT_CLASSROOM_FORK"]}
    exercises_stat = (repo_root() / "exercises").stat()
    opened = _open_the_way_to_the_lab()
    os.environ.update(room.env())
    plain_state = Path(f"/var/lib/{room.prefix}plain-hub")
    plain = None
    report: dict = {"trainees": args.trainees, "prefix": room.prefix}
    try:
        ids = [f"t{i:02d}" for i in range(1, args.trainees + 1)]
        roster = base / "roster.csv"
        lines = ["trainee_id,name,ppa,email,name_lo"]
        lines += [f"{i},Synthetic trainee {i},Savannakhet,," for i in ids]
        if not args.no_browser:
            lines.append(f"{PROBE},Synthetic probe,Savannakhet,,")
        roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
        dgt("grade", "init")
        dgt("grade", "roster", "import", str(roster))
        printed = dgt("classroom", "accounts", "--host", "127.0.0.1", "--cards", str(room.cards))
        for line in printed.splitlines():
            match = re.match(r"^  (\S+)\t(\S+)$", line)
            if match:
                room.passwords[match.group(1)] = match.group(2)
        users = [room.user(i) for i in ids]
        probe = None if args.no_browser else room.user(PROBE)
        room_in = functools.partial(
            measure, users=users, passwords=room.passwords, probe=probe, window=args.window
        )
        report["dgt"] = []
        for mode in args.fork:
            print(f"{len(users)} accounts made; starting dgt classroom ({mode})", flush=True)
            os.environ["DGT_CLASSROOM_FORK"] = mode
            dgt("classroom", "start", "--port", str(room.port))
            hub_pid = int((room.state / "hub.pid").read_text())
            time.sleep(20)  # the apps' preheated kernels and the factory settle first
            name = f"dgt classroom (fork: {mode})"
            report["dgt"].append(room_in(name, room.url, hub_pid, proxy_of(room.state)))
            print(summary_line(report["dgt"][-1]), flush=True)
            dgt("classroom", "stop")
            if probe:  # the probe's lesson as the course gives it (JupyterLab saved outputs)
                lesson = Path(pwd.getpwnam(probe).pw_dir) / LESSON
                room.as_user(probe, "cp", str(SOURCE), str(lesson), check=True)
        if not args.no_plain:
            port = free_port()
            plain = plain_hub(room, users + ([probe] if probe else []), plain_state, port)
            url = f"http://127.0.0.1:{port}"
            wait_health(url)
            time.sleep(5)
            report["plain"] = room_in("plain JupyterHub", url, plain.pid, proxy_of(plain_state))
            print(summary_line(report["plain"]), flush=True)
    finally:
        if plain is not None:
            stop_plain(plain, plain_state)
        shutil.rmtree(plain_state, ignore_errors=True)
        _cleanup(room, exercises_stat)
        _close_the_way(opened)
        shutil.rmtree(base, ignore_errors=True)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        left = [p.pw_name for p in pwd.getpwall() if p.pw_name.startswith(room.prefix)]
        if left:
            print(f"accounts left behind: {left}", file=sys.stderr)
    return report


def summary_line(r: dict) -> str:
    if "p50" not in r:
        return f"{r['name']}: no trainee finished; failures {r['failed']}"
    return (
        f"{r['name']}: login to last cell p50 {r['p50']:.1f} s, p95 {r['p95']:.1f} s,"
        f" max {r['max']:.1f} s; {r['pss_per_trainee_mb']:.0f} MB PSS per active trainee"
        f" ({r['active']}); load max {r['load_max']:.1f}; failed {len(r['failed'])}"
    )


def table(report: dict) -> str:
    """A Markdown table: one column per room, then each dgt room against plain JupyterHub."""
    rooms = [v for v in report.get("dgt", []) if v]
    plain = report.get("plain")
    rows = rooms + ([plain] if plain else [])
    ratios = rooms if plain else []
    head = "| | " + " | ".join(v["name"] for v in rows)
    head += "".join(f" | {v['name'].removeprefix('dgt classroom ')} / plain" for v in ratios)
    lines = [head + " |", "|" + " --- |" * (len(rows) + 1 + len(ratios))]

    def row(label: str, key: str, fmt: str = "{:.1f}") -> None:
        values = [v.get(key) for v in rows]
        cells = [fmt.format(x) if isinstance(x, (int, float)) else "-" for x in values]
        b = plain.get(key) if plain else None
        for v in ratios:
            a = v.get(key)
            ok = isinstance(a, (int, float)) and isinstance(b, (int, float)) and b
            cells.append(f"{a / b:.2f}" if ok else "-")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("login → last cell, p50 (s)", "p50")
    row("login → last cell, p95 (s)", "p95")
    row("login → last cell, max (s)", "max")
    row("login → server ready, p50 (s)", "ready_p50")
    row("PSS per active trainee, mean (MB)", "pss_per_trainee_mb", "{:.0f}")
    row("PSS per active trainee, max (MB)", "pss_per_trainee_max_mb", "{:.0f}")
    row("  of which their server (MB)", "pss_server_mb", "{:.0f}")
    row("  of which their kernels (MB)", "pss_kernel_mb", "{:.0f}")
    row("  of which other processes (MB)", "pss_other_mb", "{:.0f}")
    row("hub PSS (MB)", "hub_pss_mb", "{:.0f}")
    row("proxy PSS (MB)", "proxy_pss_mb", "{:.0f}")
    row("hub's services PSS (MB)", "hub_services_pss_mb", "{:.0f}")
    row("hub CPU, mean (%)", "hub_cpu_mean_pct", "{:.0f}")
    row("hub CPU, peak 5 s (%)", "hub_cpu_peak5s_pct", "{:.0f}")
    row("proxy CPU, mean (%)", "proxy_cpu_mean_pct", "{:.0f}")
    row("proxy CPU, peak 5 s (%)", "proxy_cpu_peak5s_pct", "{:.0f}")
    row("load average (1 min) at start", "load_start")
    row("load average (1 min), peak", "load_max")
    for v in rows:
        probe = [r for r in v["results"] if r["kind"] == "browser"]
        for r in probe:
            state = f"{r['done']:.1f} s" if r["ok"] else f"failed ({r['error']})"
            lines.append(f"\n{v['name']}: browser probe, login → last cell: {state}")
        for user, error in v["failed"]:
            lines.append(f"\n{v['name']}: {user} failed: {error}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if os.geteuid() != 0:
        print("bench/classroom.py makes system accounts: run it as root", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: clean up all the same
    report = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, default=str) + "\n", encoding="utf-8")
    print(table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Start, stop and report on the room's JupyterHub (`dgt classroom start`, `stop`, `status`).

`start` prepares the folders (the shared exchange with nbgrader's permissions, the
trainer's workspace linked to it, the exercise sources closed to trainees), starts
JupyterHub in the background with course/serve/classroom/jupyterhub_config.py, waits
until it answers and prints the address. `stop` stops the hub, its proxy and every
server of the room; the homes, and so every trainee's work, stay.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from course.errors import UserError
from course.manifest import repo_root
from course.messages import t
from course.serve.classroom import accounts, ready, runtime
from course.serve.classroom.room import Room, venv_bin

CONFIG = Path(__file__).parent / "jupyterhub_config.py"
#: Where Debian's node-configurable-http-proxy keeps its modules (a Node.js from elsewhere needs it).
NODE_PATH = "/usr/share/nodejs"


def free_port(ip: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((ip, 0))
        return sock.getsockname()[1]


def port_free(ip: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the proxy binds
        try:
            sock.bind((ip, port))
        except OSError:
            return False
    return True


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses on its networks (what trainees type), loopback left out."""
    found: list[str] = []
    if shutil.which("ip"):
        result = subprocess.run(
            ["ip", "-4", "-o", "addr", "show", "scope", "global"],
            capture_output=True,
            text=True,
            check=False,
        )
        for line in result.stdout.splitlines():
            parts = line.split()
            if "inet" in parts:
                found.append(parts[parts.index("inet") + 1].split("/")[0])
    if not found:
        with contextlib.suppress(OSError):
            for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
                address = info[4][0]
                if not address.startswith("127.") and address not in found:
                    found.append(address)
    return found


def running_pid(room: Room) -> int | None:
    """The hub's process id if it runs (None if not, or if the pid file is stale)."""
    try:
        pid = int(room.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return pid if b"jupyterhub" in cmdline else None


def prepare(room: Room) -> None:
    """Make the room's folders with their owners and modes (idempotent)."""
    if not room.accounts or room.trainer_user not in room.accounts:
        raise UserError(t("classroom.no_accounts"))
    trainer = pwd.getpwnam(room.trainer_user)
    room.make_state()
    room.srv.mkdir(parents=True, exist_ok=True)
    os.chmod(room.srv, 0o755)
    runtime.prepare(room.srv / "python")
    # nbgrader's exchange: the root open to all (nbgrader checks for 777); the course
    # folder made here, by the trainer, so no trainee can take its name first.
    # The sticky bit (outside the 777 that nbgrader checks) keeps anyone from renaming or
    # deleting what another account made there, such as the course's folder.
    room.exchange.mkdir(exist_ok=True)
    os.chmod(room.exchange, 0o1777)
    course = room.exchange / room.course_id
    modes = {"": 0o755, "outbound": 0o755, "inbound": 0o733, "feedback": 0o711}
    for name, mode in modes.items():
        folder = course / name if name else course
        folder.mkdir(exist_ok=True)
        info = folder.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid not in (0, trainer.pw_uid):
            raise UserError(t("classroom.exchange_taken", path=folder))
        os.chown(folder, trainer.pw_uid, trainer.pw_gid, follow_symlinks=False)
        os.chmod(folder, mode)  # a real folder: checked above
    write_account_list(room, course)
    workspace = Path(room.workspace)
    if not workspace.is_dir():
        raise UserError(t("grade.no_workspace", path=workspace))
    link = workspace / "exchange"
    if link.is_symlink():
        link.unlink()
    elif link.is_dir():  # an exchange from before the classroom: its contents move over
        for entry in link.iterdir():
            target = room.exchange / entry.name
            if not target.exists():
                shutil.move(str(entry), target)
        shutil.rmtree(link)
    link.symlink_to(room.exchange, target_is_directory=True)
    # Files `dgt grade` made as root since the last start go back to the trainer.
    accounts.hand_over(workspace, room.trainer_user)
    # The exercise sources (solutions, hidden tests): the trainer's group only.
    exercises = repo_root() / "exercises"
    os.chown(exercises, 0, trainer.pw_gid)
    os.chmod(exercises, 0o750)


def write_account_list(room: Room, course: Path) -> None:
    """Which account each roster id is, for `dgt grade collect` (root's file, readable by all).

    nbgrader's inbound folder is writable by every account, and a submission's name says
    whose it is; `collect` takes from the exchange only what the named trainee's own
    account handed in (autograder/collect.py, `ACCOUNTS_FILE`).
    """
    from autograder.collect import ACCOUNTS_FILE
    from autograder.workspace import write_atomically

    listing = {
        entry["trainee_id"]: name
        for name, entry in sorted(room.accounts.items())
        if entry.get("role") == "trainee" and entry.get("trainee_id")
    }
    path = course / ACCOUNTS_FILE
    write_atomically(path, json.dumps(listing, indent=1, ensure_ascii=False) + "\n", mode=0o644)
    os.chown(path, 0, 0)


def start(port: int | None = None, lan: bool = False, workspace: str | None = None) -> int:
    """Start the hub in the background; print its address once it answers."""
    room = Room.load()
    if workspace:
        room.workspace = str(Path(workspace).expanduser().resolve())
    if running_pid(room):
        raise UserError(t("classroom.already_running", url=room.address()))
    if not shutil.which("configurable-http-proxy"):
        raise UserError(t("classroom.no_proxy"))
    room.ip = "0.0.0.0" if lan else "127.0.0.1"
    room.port = port or room.port or 8000
    if not port_free(room.ip, room.port):
        raise UserError(t("classroom.port_busy", port=room.port))
    room.hub_port = free_port()
    room.proxy_port = free_port()
    room.apps_port = free_port()
    prepare(room)
    room.save()
    ready.new_control_token(room)  # the apps' control token: new at each start
    env = dict(os.environ)
    env["DGT_CLASSROOM_STATE"] = str(room.state)
    env["DGT_CLASSROOM_SRV"] = str(room.srv)
    env["PATH"] = os.pathsep.join([str(venv_bin()), env.get("PATH", "/usr/bin:/bin")])
    env["NODE_PATH"] = os.pathsep.join(filter(None, [env.get("NODE_PATH"), NODE_PATH]))
    command = [str(venv_bin() / "jupyterhub"), "-f", str(CONFIG)]
    with open(room.hub_log, "a", encoding="utf-8") as log:
        os.chmod(room.hub_log, 0o600)
        process = subprocess.Popen(
            command,
            cwd=room.state,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_default_signals,
        )
    room.pid_file.write_text(f"{process.pid}\n")
    if not _ready(process, room):
        tail = "\n".join(room.hub_log.read_text(errors="replace").splitlines()[-15:])
        stop(quiet=True)
        print(tail, file=sys.stderr)
        raise UserError(t("classroom.failed", path=room.hub_log))
    print(t("classroom.started", url=room.address("127.0.0.1")))
    if lan:
        addresses = lan_addresses()
        for address in addresses:
            print(t("classroom.lan_url", url=room.address(address)))
        if not addresses:
            print(t("classroom.no_lan"))
    print(
        t(
            "classroom.formgrader",
            url=f"{room.address('127.0.0.1')}user/{room.trainer_user}/formgrader",
        )
    )
    return 0


def _default_signals() -> None:
    """In the hub's process before it starts: Ctrl+C (SIGINT) and SIGQUIT back to their defaults.

    A command started in the background of a script ignores SIGINT, and an ignored
    signal stays ignored through every program started after it: the hub's services
    would then ignore the hub's SIGINT when it stops them, and it would wait 10 s
    for each before it sends SIGTERM.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def _ready(process: subprocess.Popen, room: Room, timeout: float = 90.0) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    url = f"http://127.0.0.1:{room.port}/hub/health"
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(OSError), opener.open(url, timeout=5) as response:
            if response.status == 200:
                return True
        time.sleep(0.3)
    return False


def room_processes(room: Room) -> list[int]:
    """Every live process of this room: the hub's servers and kernels carry its mark."""
    needle = f"DGT_CLASSROOM={room.state}".encode() + b"\0"
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if needle in Path(entry.path, "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while pids and time.monotonic() < deadline:
        pids = [p for p in pids if Path(f"/proc/{p}").exists() and not _zombie(p)]
        time.sleep(0.2)
    return pids


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rfind(")") + 2] == "Z"


def _proxy_pid(room: Room) -> int | None:
    """The room's proxy, while it runs (JupyterHub writes its pid file)."""
    with contextlib.suppress(OSError, ValueError):
        proxy = int((room.state / "proxy.pid").read_text().strip())
        if b"configurable-http-proxy" in Path(f"/proc/{proxy}/cmdline").read_bytes():
            return proxy
    return None


def stop(quiet: bool = False) -> int:
    """Stop the hub, its proxy and every server of the room (the homes stay).

    A proxy left behind by a hub that died (a start that failed) is stopped too.
    """
    room = Room.load()
    pid = running_pid(room)
    if pid is None and _proxy_pid(room) is None and not room_processes(room):
        room.pid_file.unlink(missing_ok=True)
        if not quiet:
            print(t("classroom.not_running"))
        return 0
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)  # the hub stops the servers and the proxy
        if _wait_gone([pid], 30):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
    left = _wait_gone(room_processes(room), 5)
    for other in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(other, signal.SIGKILL)
    proxy = _proxy_pid(room)
    if proxy is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proxy, signal.SIGTERM)
    _wait_gone(room_processes(room), 5)
    room.pid_file.unlink(missing_ok=True)
    if not quiet:
        print(t("classroom.stopped"))
    return 0


def servers(room: Room) -> list[tuple[str, str]]:
    """(account, last activity) of every running server, read from the hub's database."""
    path = room.state / "jupyterhub.sqlite"
    if not path.is_file():
        return []
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        rows = db.execute(
            "SELECT users.name, spawners.last_activity FROM spawners JOIN users"
            " ON spawners.user_id = users.id WHERE spawners.server_id IS NOT NULL"
            " ORDER BY users.name"
        ).fetchall()
    return [(name, str(activity or "-")) for name, activity in rows]


def status() -> int:
    """Print whether the hub runs, its address, the accounts and the running servers."""
    from course.serve.classroom import limits

    room = Room.load()
    pid = running_pid(room)
    if pid is None:
        print(t("classroom.status.stopped"))
        return 3
    print(t("classroom.status.running", url=room.address("127.0.0.1"), pid=pid))
    trainees = sum(1 for x in room.accounts.values() if x.get("role") == "trainee")
    print(t("classroom.status.accounts", count=trainees, trainer=room.trainer_user))
    running = servers(room)
    print(t("classroom.status.servers", count=len(running)))
    for name, activity in running:
        print(f"  {name}\t{activity}")
    for line in limits.describe(limits.Limits()):
        print(line)
    for line in ready.status_lines(room):
        print(line)
    homes = {name: Path(pwd.getpwnam(name).pw_dir) for name in room.accounts if _exists(name)}
    for name, size in sorted(limits.over_quota(homes, limits.Limits()).items()):
        print(t("classroom.status.over_quota", name=name, mb=round(size)))
    print(t("classroom.status.folders", workspace=room.workspace, exchange=room.exchange))
    return 0


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True

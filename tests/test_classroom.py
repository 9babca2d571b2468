"""`dgt classroom`: a real JupyterHub on 127.0.0.1 with real system accounts, PAM logins and nbgrader's exchange.

Needs root (as the classroom does). Every account, home, folder and process the tests
make carries a test-unique prefix and is removed at the end, even after a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

from autograder.submissions import answered
from conftest import dgt, free_port
from course.manifest import curriculum, repo_root

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("classroom"),  # one room (accounts, hub) per test run
    pytest.mark.skipif(
        os.geteuid() != 0, reason="the classroom creates system accounts: root only"
    ),
    pytest.mark.skipif(
        shutil.which("configurable-http-proxy") is None,
        reason="needs Debian's node-configurable-http-proxy (make test installs it)",
    ),
]

B1 = curriculum().module("B1-foundations").exercise
ROSTER = """trainee_id,name,ppa,email,name_lo
t01,Somchai Phommavong,Savannakhet,,ສົມໃຈ ພົມມະວົງ
t02,Bounmy Keomany,Luang Prabang PPA,,
t03,Noy Sisavath,Champassak,,
"""


class Room:
    """The test room: its folders, accounts, passwords and address."""

    def __init__(self, prefix: str, base: Path):
        self.prefix = prefix
        self.state = Path(f"/var/lib/{prefix}dgt-classroom")
        self.srv = Path(f"/srv/{prefix}dgt-classroom")
        self.workspace = Path(f"/srv/{prefix}dgt-workspace")
        self.cards = base / "cards.pdf"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.passwords: dict[str, str] = {}

    def user(self, trainee: str) -> str:
        return f"{self.prefix}{trainee}"

    @property
    def trainer(self) -> str:
        return f"{self.prefix}trainer"

    def env(self) -> dict[str, str]:
        return {
            "DGT_CLASSROOM_STATE": str(self.state),
            "DGT_CLASSROOM_SRV": str(self.srv),
            "DGT_CLASSROOM_PREFIX": self.prefix,
            "DGT_WORKSPACE": str(self.workspace),
        }

    def as_user(self, user: str, *command: str, check: bool = False) -> subprocess.CompletedProcess:
        """Run a command as `user` (runuser), in their home, with the room's shared Python first."""
        home = pwd.getpwnam(user).pw_dir
        env = {
            "HOME": home,
            "USER": user,
            "PATH": f"{self.srv / 'python' / 'bin'}:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "DGT_WORKSPACE": str(self.workspace),
        }
        return subprocess.run(
            [shutil.which("runuser") or "/usr/sbin/runuser", "-u", user, "--", *command],
            cwd=home,
            env=env,
            capture_output=True,
            text=True,
            check=check,
            timeout=300,
        )

    def log(self) -> str:
        return (self.state / "hub.log").read_text(errors="replace")

    def server_pid(self, user: str) -> int:
        """The pid of `user`'s running server (a fork of the factory, named after them)."""
        uid = pwd.getpwnam(user).pw_uid
        found = [
            pid
            for pid in (int(p) for p in os.listdir("/proc") if p.isdigit())
            if _owner(pid) == uid and f"jupyterhub-singleuser {user} ".encode() in _cmdline(pid)
        ]
        assert len(found) == 1, found
        return found[0]

    def kernel_pids(self, user: str) -> list[int]:
        """The pids of `user`'s running kernels."""
        uid = pwd.getpwnam(user).pw_uid
        return [
            pid
            for pid in (int(p) for p in os.listdir("/proc") if p.isdigit())
            if _owner(pid) == uid and b"ipykernel_launcher" in _cmdline(pid)
        ]

    def exchange_inbound(self) -> Path:
        return self.srv / "exchange" / "dgt" / "inbound"

    def released(self) -> Path:
        return self.srv / "exchange" / "dgt" / "outbound" / B1.id / B1.notebook

    def grade(self, *words: str) -> str:
        """`dgt grade ...` as the trainer's account (as in the trainer's lab terminal)."""
        result = self.as_user(self.trainer, "dgt", "grade", *words)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout


def session(room: Room, user: str, password: str, spawn: bool = True):
    """A browser-like HTTP session logged in through /hub/login (with its _xsrf); the server started."""
    import requests

    http = requests.Session()
    http.get(f"{room.url}/hub/login", timeout=30)
    response = http.post(
        f"{room.url}/hub/login?next=",
        data={"username": user, "password": password, "_xsrf": http.cookies.get("_xsrf")},
        timeout=120,
    )
    http.login_status = response.status_code  # type: ignore[attr-defined]
    if not spawn:
        return http
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        model = http.get(f"{room.url}/hub/api/user", timeout=30).json()
        if model.get("servers", {}).get("", {}).get("ready"):
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"{user}'s server did not start")
    http.get(f"{room.url}/user/{user}/lab", timeout=60)
    token = [c.value for c in http.cookies if c.name == "_xsrf" and c.path.startswith("/user")]
    http.headers["X-XSRFToken"] = token[0]
    return http


def assignments(room: Room, http, user: str, action: str) -> dict:
    """What the lab's Assignments tab does: POST to nbgrader's assignment_list server extension."""
    response = http.post(
        f"{room.url}/user/{user}/assignments/{action}",
        data={"course_id": "dgt", "assignment_id": B1.id},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"], body
    return body


def _cleanup(room: Room, exercises_stat: os.stat_result) -> None:
    from course.serve.classroom import accounts
    from course.serve.classroom import room as rooms

    with contextlib.suppress(Exception):
        dgt("classroom", "stop")
    with contextlib.suppress(Exception):
        accounts.remove_accounts(rooms.Room.load())
    for folder in (room.state, room.srv, room.workspace):
        shutil.rmtree(folder, ignore_errors=True)
    exercises = repo_root() / "exercises"
    os.chown(exercises, exercises_stat.st_uid, exercises_stat.st_gid)
    os.chmod(exercises, exercises_stat.st_mode & 0o7777)


def _open_the_way_to_the_lab() -> dict[Path, int]:
    """Let other accounts pass through (o+x, not list) each folder above the lab's packages.

    The room's servers run as the trainees and import the lab's packages from its .venv.
    A trainer installs the lab where every account can reach it (docs/classroom.md); a
    test clone may sit under a private folder such as /root, so the test opens the way
    for its run and `_close_the_way` puts every mode back.
    """
    from course.serve.classroom import runtime

    changed: dict[Path, int] = {}
    for folder in reversed(runtime.site_packages().resolve().parents):
        mode = folder.stat().st_mode & 0o7777
        if not mode & 0o001:
            changed[folder] = mode
            os.chmod(folder, mode | 0o001)
    return changed


def _close_the_way(changed: dict[Path, int]) -> None:
    for folder, mode in changed.items():
        os.chmod(folder, mode)


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """Accounts from a three-trainee roster and a running hub; everything removed afterwards."""
    opened = _open_the_way_to_the_lab()
    try:
        yield from _room(tmp_path_factory)
    finally:
        _close_the_way(opened)


def _room(tmp_path_factory):
    base = tmp_path_factory.mktemp("classroom")
    test_room = Room(f"zt{secrets.token_hex(2)}-", base)
    saved = {key: os.environ.get(key) for key in test_room.env()}
    os.environ.update(test_room.env())
    exercises_stat = (repo_root() / "exercises").stat()
    try:
        dgt("grade", "init")
        roster = base / "roster.csv"
        roster.write_text(ROSTER, encoding="utf-8")
        dgt("grade", "roster", "import", str(roster))
        printed = dgt(
            "classroom", "accounts", "--host", "127.0.0.1", "--cards", str(test_room.cards)
        )
        for line in printed.splitlines():
            match = re.match(r"^  (\S+)\t(\S+)$", line)
            if match:
                test_room.passwords[match.group(1)] = match.group(2)
        started = time.monotonic()
        test_room.start_output = dgt("classroom", "start", "--port", str(test_room.port))
        test_room.start_seconds = time.monotonic() - started
        yield test_room
    finally:
        _cleanup(test_room, exercises_stat)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        assert not any(n.startswith(test_room.prefix) for n in (p.pw_name for p in pwd.getpwall()))


def test_accounts_are_real_users_with_private_homes_and_printed_cards(room):
    """One system account per roster trainee plus the trainer; each home is private; the cards hold them all."""
    expected = {room.trainer, room.user("t01"), room.user("t02"), room.user("t03")}
    assert set(room.passwords) == expected
    for name in expected:
        entry = pwd.getpwnam(name)
        assert Path(entry.pw_dir).stat().st_mode & 0o777 == 0o700
        assert entry.pw_uid != 0
    assert len(set(room.passwords.values())) == 4  # no shared password
    assert room.cards.stat().st_mode & 0o777 == 0o600
    text = subprocess.run(
        ["pdftotext", "-layout", str(room.cards), "-"], capture_output=True, text=True, check=True
    ).stdout
    for name, password in room.passwords.items():
        assert name in text and password in text
    for person in ("Somchai Phommavong", "Bounmy Keomany", "Noy Sisavath", "ສົມໃຈ"):
        assert person in text
    assert "http://127.0.0.1:" in text
    assert f"The classroom runs at {room.url}/" in room.start_output


def test_bad_roster_id_is_one_line():
    """A roster id that cannot be a system account name is refused with one line."""
    from course.errors import UserError
    from course.serve.classroom.room import Room as ClassroomRoom

    with pytest.raises(UserError, match="cannot be a system account name"):
        ClassroomRoom(state=Path("/nonexistent"), srv=Path("/nonexistent")).username("1.bad.id")


def test_hub_state_is_root_only_and_status_reports(room):
    """The database, cookie secret and logs sit in a mode-700 folder; status names the address."""
    assert room.state.stat().st_mode & 0o777 == 0o700
    for name in ("jupyterhub.sqlite", "jupyterhub_cookie_secret", "hub.log", "room.json"):
        assert (room.state / name).is_file(), name
    assert f"runs at {room.url}/" in dgt("classroom", "status")
    # Without root: one line, non-zero.
    result = room.as_user(room.user("t03"), "dgt", "classroom", "status")
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0 and "needs root" in result.stderr


def test_wrong_password_and_unknown_user_are_refused_and_reset_works(room):
    """PAM refuses a wrong password and an unknown user; a reset password replaces the old one."""
    wrong = session(room, room.user("t03"), "not-the-password", spawn=False)
    assert wrong.login_status == 403
    assert wrong.get(f"{room.url}/hub/api/user", timeout=30).status_code == 403
    stranger = session(room, f"{room.prefix}nobody", room.passwords[room.user("t03")], spawn=False)
    assert stranger.login_status == 403
    system = session(room, "root", "root", spawn=False)
    assert system.login_status == 403
    old = room.passwords[room.user("t03")]
    printed = dgt("classroom", "accounts", "--reset", "t03", "--cards", str(room.cards))
    new = re.search(r"^  \S+\t(\S+)$", printed, re.M).group(1)
    assert new != old
    assert session(room, room.user("t03"), old, spawn=False).login_status == 403
    good = session(room, room.user("t03"), new, spawn=False)
    assert good.login_status == 200
    assert good.get(f"{room.url}/hub/api/user", timeout=30).json()["name"] == room.user("t03")
    room.passwords[room.user("t03")] = new


@pytest.fixture(scope="module")
def loop(room):
    """Trainer releases B1; two trainees fetch it, one answers, both submit; the trainer grades and releases feedback."""
    started = time.monotonic()
    room.grade("release", B1.id)
    one, two = room.user("t01"), room.user("t02")
    trainees = {
        one: session(room, one, room.passwords[one]),
        two: session(room, two, room.passwords[two]),
    }
    for user, http in trainees.items():
        # The lessons are the trainee's own copies; the Assignments tab lists B1.
        lessons = http.get(f"{room.url}/user/{user}/api/contents/lessons", timeout=30).json()
        assert "A0-getting-started" in {entry["name"] for entry in lessons["content"]}
        listed = http.get(
            f"{room.url}/user/{user}/assignments", params={"course_id": "dgt"}, timeout=30
        ).json()
        assert [a["assignment_id"] for a in listed["value"]] == [B1.id]
        assignments(room, http, user, "fetch")
    source = nbformat.read(B1.source, as_version=4)
    path = f"{room.url}/user/{one}/api/contents/{B1.id}/{B1.notebook}"
    saved = trainees[one].put(
        path,
        json={"type": "notebook", "format": "json", "content": answered(source)},
        timeout=60,
    )
    assert saved.status_code == 200, saved.text
    for user, http in trainees.items():
        assignments(room, http, user, "submit")
    collected = room.grade("collect", B1.id)
    assert "2 collected" in collected
    graded = room.grade("autograde", B1.id, "--workers", "2")
    assert "t01" in graded and "t02" in graded
    released = room.grade("feedback", B1.id, "--release")
    assert "released through the exchange for 2 trainee(s)" in released
    scores = {}
    for user, http in trainees.items():
        assignments(room, http, user, "fetch_feedback")
        pages = list(Path(pwd.getpwnam(user).pw_dir, B1.id, "feedback").glob("*/*.html"))
        assert len(pages) == 1
        scores[user] = re.search(r"Score: (\d+) of (\d+)", pages[0].read_text()).groups()
    return {"scores": scores, "seconds": time.monotonic() - started}


def test_the_loop_release_fetch_submit_collect_grade_feedback(room, loop):
    """Each trainee fetches their own feedback through the exchange, with the right score."""
    assert loop["scores"] == {room.user("t01"): ("8", "10"), room.user("t02"): ("0", "10")}
    print(f"loop took {loop['seconds']:.1f} s")


def test_a_trainee_cannot_hand_in_for_another(room, loop):
    """A folder that A makes in the inbound under B's id is left out by collect; B's own stays."""
    a, b = room.user("t01"), room.user("t02")
    kept = room.workspace / "submitted" / "t02" / B1.id / "timestamp.txt"
    before = kept.read_text()
    forged = room.exchange_inbound() / f"t02+{B1.id}+2099-01-01 00:00:00.000000 UTC+forged"
    made = room.as_user(
        a, "sh", "-c", f"mkdir '{forged}' && echo '{{}}' > '{forged}/{B1.notebook}'"
    )
    assert made.returncode == 0, made.stderr  # nbgrader's inbound is open to all: it works
    collected = room.grade("collect", B1.id)
    assert "skipped t02: handed in from another trainee's account" in collected
    assert kept.read_text() == before
    listing = json.loads((room.srv / "exchange" / "dgt" / ".dgt-accounts.json").read_text())
    assert listing["t02"] == b and listing["t01"] == a


def test_trainer_has_formgrader_and_trainees_do_not(room):
    """The trainer's Formgrader answers (in its own tab); a trainee has none and cannot reach the trainer's server."""
    trainer = session(room, room.trainer, room.passwords[room.trainer])
    response = trainer.get(f"{room.url}/user/{room.trainer}/formgrader/api/assignments", timeout=60)
    assert response.status_code == 200
    assert B1.id in {a["name"] for a in response.json()}
    trainee = session(room, room.user("t01"), room.passwords[room.user("t01")])
    assert (
        trainee.get(f"{room.url}/user/{room.user('t01')}/formgrader", timeout=30).status_code == 404
    )
    other = trainee.get(f"{room.url}/user/{room.trainer}/api/contents", timeout=30)
    assert other.status_code in (403, 404) or "/hub/" in other.url
    assert other.status_code != 200 or "content" not in other.text


def test_isolation_trainee_cannot_read_or_change_what_is_not_theirs(room, loop):
    """As trainee A: B's files, the exercise sources, the gradebook, the hub's secrets, B's kernel file all fail."""
    a, b = room.user("t01"), room.user("t02")
    http_b = session(room, b, room.passwords[b])
    kernel = http_b.post(f"{room.url}/user/{b}/api/kernels", json={}, timeout=60).json()
    home_b = Path(pwd.getpwnam(b).pw_dir)
    connection = next(home_b.glob(f".local/share/jupyter/runtime/kernel-{kernel['id']}.json"))
    targets = {
        "B's notebook": home_b / B1.id / B1.notebook,
        "B's lesson": next((home_b / "lessons").rglob("*.ipynb")),
        "B's kernel connection file": connection,
        "exercise source": B1.source,
        "gradebook": room.workspace / "gradebook.db",
        "hub database": room.state / "jupyterhub.sqlite",
        "cookie secret": room.state / "jupyterhub_cookie_secret",
        "submitted work": next((room.workspace / "submitted").rglob("*.ipynb")),
    }
    server_b = room.server_pid(b)
    factory = _parent(server_b)
    kernels_b = room.kernel_pids(b)
    assert kernels_b and all(_parent(kernel) == server_b for kernel in kernels_b)
    targets["B's kernel's memory"] = Path(f"/proc/{kernels_b[0]}/mem")
    targets["B's server's environment (its API token)"] = Path(f"/proc/{server_b}/environ")
    targets["the server factory's environment"] = Path(f"/proc/{factory}/environ")
    targets["the server factory's memory"] = Path(f"/proc/{factory}/mem")
    assert not list((room.state / "spawning").iterdir())  # no server's token left behind
    for what, target in targets.items():
        assert target.is_file(), what
        read = room.as_user(a, "cat", str(target))
        assert read.returncode != 0 and "Permission denied" in read.stderr, what
        write = room.as_user(a, "sh", "-c", f"echo x >> '{target}'")
        assert write.returncode != 0, what
    listing = room.as_user(a, "ls", str(room.exchange_inbound()))
    assert listing.returncode != 0
    changed = room.as_user(a, "sh", "-c", f"echo x >> '{room.released()}'")
    assert changed.returncode != 0
    course = room.srv / "exchange" / "dgt"  # nobody can take the course's exchange over
    moved = room.as_user(a, "mv", str(course), str(course.with_name("taken")))
    assert moved.returncode != 0 and course.is_dir()
    http_b.delete(f"{room.url}/user/{b}/api/kernels/{kernel['id']}", timeout=30)


def test_restart_keeps_the_trainees_work_and_never_overwrites_a_lesson(room):
    """After a hub restart a trainee logs in again and finds their edited lesson as they left it."""
    user = room.user("t02")
    home = Path(pwd.getpwnam(user).pw_dir)
    lesson = next((home / "lessons").rglob("*.ipynb"))
    mark = room.as_user(user, "sh", "-c", f"echo '{{}}' > '{lesson}'")
    assert mark.returncode == 0, mark.stderr
    assert "has stopped" in dgt("classroom", "stop")
    assert not (room.state / "hub.pid").exists()
    ignored = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as in a script's background job
    try:
        dgt("classroom", "start", "--port", str(room.port))
    finally:
        signal.signal(signal.SIGINT, ignored)
    hub = int((room.state / "hub.pid").read_text())
    gate = [p for p in _children(hub) if b"apps_gate" in _cmdline(p)]
    assert len(gate) == 1  # the apps service, one of the hub's services
    for pid in [hub, *gate]:
        mask = re.search(r"^SigIgn:\s+([0-9a-f]+)$", Path(f"/proc/{pid}/status").read_text(), re.M)
        assert not int(mask[1], 16) & (1 << (signal.SIGINT - 1)), pid  # the hub's SIGINT stops it
    http = session(room, user, room.passwords[user])
    assert lesson.read_text().strip() == "{}"
    notebook = http.get(f"{room.url}/user/{user}/api/contents/{B1.id}/{B1.notebook}", timeout=30)
    assert notebook.status_code == 200


def test_fair_use_one_trainee_hurts_only_themself(room):
    """A trainee's server runs under their limits; code filling memory is stopped, their server goes on."""
    from course.serve.classroom import limits

    user = room.user("t03")
    http = session(room, user, room.passwords[user])
    uid = pwd.getpwnam(user).pw_uid
    servers = [room.server_pid(user)]  # a fork of the warm factory, named after its trainee
    factory = _parent(servers[0])
    assert b"course.serve.classroom.server_factory" in _cmdline(factory)
    assert _owner(factory) == 0 and _owner(servers[0]) == uid
    status = Path(f"/proc/{servers[0]}/status").read_text()
    assert re.search(rf"^Uid:\s+{uid}\s+{uid}\s+{uid}\s+{uid}$", status, re.M)  # no way back
    assert re.search(r"^CapEff:\s+0+$", status, re.M)
    started = re.findall(rf"{user}'s server is pid {servers[0]}, forked .* with (.*)", room.log())
    assert started and "--MappingKernelManager.cull_idle_timeout=1800" in started[-1]
    culler = [
        p
        for p in os.listdir("/proc")
        if p.isdigit() and b"jupyterhub_idle_culler" in _cmdline(int(p))
    ]
    assert culler, "the idle culler service does not run"
    limit_text = Path(f"/proc/{servers[0]}/limits").read_text()
    assert re.search(r"Max processes\s+256\s+256", limit_text)
    assert re.search(r"Max file size\s+536870912\s+536870912", limit_text)
    folders = limits.cgroup_folders(user)
    if "memory" not in folders:
        pytest.skip("no memory control group on this machine: rlimits only (checked above)")
    assert f"memory:/{limits.GROUP}/{user}" in Path(f"/proc/{servers[0]}/cgroup").read_text()
    assert int((folders["memory"] / "memory.limit_in_bytes").read_text()) == 1024 * 1024 * 1024
    hog = (
        "x = bytearray(1536 * 1024 * 1024)\n"
        "for i in range(0, len(x), 4096):\n    x[i] = 1\nprint('survived')\n"
    )
    python = str(room.srv / "python" / "bin" / "python")
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    result = subprocess.run(
        [
            "sh",
            "-c",
            'echo $$ > "$1/cgroup.procs" && shift && exec "$@"',
            "sh",
            str(folders["memory"]),
            runuser,
            "-u",
            user,
            "--",
            python,
            "-c",
            hog,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 137 and "survived" not in result.stdout
    assert http.get(f"{room.url}/user/{user}/api/status", timeout=30).status_code == 200
    assert "Memory: at most 1024 MB per trainee" in dgt("classroom", "status")


def test_status_names_a_home_over_the_disk_quota(room, monkeypatch):
    """A trainee whose files pass the quota is named by `dgt classroom status`; the others are not."""
    user = room.user("t03")
    big = Path(pwd.getpwnam(user).pw_dir) / "big.bin"
    made = room.as_user(user, "dd", "if=/dev/zero", f"of={big}", "bs=1M", "count=12")
    assert made.returncode == 0, made.stderr
    monkeypatch.setenv("DGT_CLASSROOM_DISK_MB", "10")
    try:
        printed = dgt("classroom", "status")
    finally:
        big.unlink()
    assert re.search(rf"{user} uses 1[2-9] MB, more than the disk quota", printed)
    assert f"{room.user('t01')} uses" not in printed


def _owner(pid: int) -> int | None:
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None


def _children(pid: int) -> list[int]:
    return [
        child
        for child in (int(p) for p in os.listdir("/proc") if p.isdigit())
        if os.path.exists(f"/proc/{child}/status") and _parent_or_none(child) == pid
    ]


def _parent_or_none(pid: int) -> int | None:
    try:
        return _parent(pid)
    except (OSError, TypeError):
        return None


def _parent(pid: int) -> int:
    return int(re.search(r"^PPid:\s+(\d+)$", Path(f"/proc/{pid}/status").read_text(), re.M)[1])


def _environ(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return b""


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@pytest.mark.browser
def test_a_trainee_logs_in_with_a_browser_and_sees_a_lesson(room, browser):
    """In Debian's chromium: the hub's login page, then JupyterLab with the trainee's own lesson open."""
    from browser import open_page

    user = room.user("t01")
    lesson = curriculum().module("A0-getting-started").lesson_paths[0]
    page, report = open_page(browser, f"{room.url}/hub/login")
    try:
        page.fill("#username_input", user)
        page.fill("#password_input", room.passwords[user])
        page.click("#login_submit")
        page.wait_for_url(f"**/user/{user}/lab/**", timeout=120_000)
        page.wait_for_selector(".jp-DirListing-item", timeout=120_000)
        relative = f"lessons/{lesson.parent.name}/{lesson.name}"
        page.goto(f"{room.url}/user/{user}/lab/tree/{relative}", timeout=120_000)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
        page.wait_for_selector(
            ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000
        )
        tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current").first
        assert lesson.name in tab.inner_text()
        # Run the lesson's first code cell: the trainee's kernel imports the course.
        page.locator(".jp-CodeCell .jp-InputArea-editor").first.click()
        page.keyboard.press("Shift+Enter")
        page.wait_for_selector("text=Ready. The course tools are loaded", timeout=120_000)
        # The apps, served by the hub for logged-in accounts (websockets through the gate).
        page.goto(f"{room.url}/services/apps/", timeout=120_000)
        page.locator("li.dgt-app a").first.click()
        page.wait_for_selector(
            "body[data-dgt-kernel='connected']", state="attached", timeout=120_000
        )
        assert not report.blocked, report.blocked
    finally:
        page.context.close()


def test_apps_are_a_hub_service_for_logged_in_accounts_only(room):
    """/services/apps/ sends a stranger to the hub's login; a logged-in trainee gets the apps' landing page.

    Then `dgt classroom ready` (root, with the room's control token) makes the apps server
    hold a ready kernel per trainee for the EGDI explorer; a logged-in trainee, with or
    without a made-up token, gets 403 from the control endpoint and cannot read the token.
    """
    import requests

    stranger = requests.get(f"{room.url}/services/apps/", timeout=30)
    assert stranger.url.startswith(f"{room.url}/hub/login")
    assert "dgt-app" not in stranger.text
    user = room.user("t02")
    http = session(room, user, room.passwords[user], spawn=False)
    deadline = time.monotonic() + 90
    while (page := http.get(f"{room.url}/services/apps/", timeout=60)).status_code == 503:
        assert time.monotonic() < deadline, "the apps did not start"
        time.sleep(1)
    assert page.status_code == 200 and page.url == f"{room.url}/services/apps/"
    assert page.text.count('class="dgt-app"') == len(curriculum().apps)
    found = re.search(r'href="(/services/apps/voila/render/[^"]+)"', page.text)
    app = http.get(f"{room.url}{found.group(1)}", timeout=120)
    assert app.status_code == 200 and "dgt" in app.text

    control = f"{room.url}/services/apps/dgt/api/ready"
    body = {"app": "egdi-explorer", "visitors": 30}
    for headers in ({}, {"Authorization": "token made-up-token"}):
        assert http.post(control, json=body, headers=headers, timeout=30).status_code == 403
        assert http.get(control, headers=headers, timeout=30).status_code == 403
    token_file = room.state / "apps-control-token"
    assert token_file.stat().st_mode & 0o777 == 0o600 and token_file.stat().st_uid == 0
    read = room.as_user(user, "cat", str(token_file))
    assert read.returncode != 0 and "Permission denied" in read.stderr
    printed = dgt("classroom", "ready", "egdi-explorer", "--minutes", "5")  # 3 trainees
    made = re.search(
        r"'EGDI explorer' is being made ready for (\d+) visitor\(s\) \(ready for 5 ", printed
    )
    assert made, printed
    granted = int(made[1])
    assert 1 <= granted <= 3 and (granted == 3) == ("Only" not in printed)
    token = token_file.read_text().strip()
    asked = time.monotonic()
    deadline = asked + 120
    while True:
        state = requests.get(control, headers={"Authorization": f"token {token}"}, timeout=30)
        assert state.status_code == 200, state.text
        egdi = state.json()["apps"]["egdi-explorer"]
        if egdi["ready"] >= granted:
            break
        assert time.monotonic() < deadline, egdi
        time.sleep(1)
    print(
        f"{granted} ready kernel(s) of the EGDI explorer {time.monotonic() - asked:.1f} s after ready"
    )
    assert egdi["expected"] == granted and 0 < egdi["minutes_left"] <= 5
    assert state.json()["kernels"] >= granted
    assert re.search(rf"EGDI explorer: \d+ ready, {granted} expected", dgt("classroom", "status"))
    # The token is in no log, and in the environment of the gate and the apps server only.
    assert token not in room.log()
    nobody = pwd.getpwnam("nobody").pw_uid
    holders = [
        pid
        for pid in (int(p) for p in os.listdir("/proc") if p.isdigit())
        if _owner(pid) == nobody and token.encode() in _environ(pid)
    ]
    assert holders and all(
        b"apps_gate" in _cmdline(p) or b"course.serve.app_server" in _cmdline(p) for p in holders
    ), [_cmdline(p) for p in holders]

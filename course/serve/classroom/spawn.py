"""The spawner of the room: JupyterHub's local process spawner, with the lessons, the course and the limits.

Each server is a fork of the room's warm server factory
(course/serve/classroom/server_factory.py), which has JupyterLab's modules loaded: a
server then costs about 0.1 s of CPU to start instead of 3 s, and the trainees' servers
share the loaded pages. The server gets the classroom's nbgrader settings (the exchange
and the course id; the trainer also gets the workspace and Formgrader) and its limits
(course/serve/classroom/limits.py); the trainee's lessons are brought up to date as the
trainee before it starts. With DGT_CLASSROOM_FORK=0, or if the factory cannot start a
server, the server starts the usual way, as JupyterHub's
LocalProcessSpawner does, and the hub's log says why. Loaded by the hub's configuration only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pwd
import secrets
import shlex
import shutil
import subprocess
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from jupyterhub.utils import random_port

from autograder.workspace import CONFIG_DIR
from course.manifest import repo_root
from course.serve.classroom import limits as fair
from course.serve.classroom.room import Room

TRAINEE_CONFIG = Path(__file__).parent / "trainee"
WORKSPACE_LINK = "course-workspace"
#: How long the factory may take to load its modules, and to fork one server.
READY_SECONDS = 180
FORK_SECONDS = 60


def forking() -> bool:
    """Whether servers come from the warm factory (DGT_CLASSROOM_FORK=0 or off: they do not)."""
    value = os.environ.get("DGT_CLASSROOM_FORK", "on").strip().lower()
    return value not in ("0", "off", "no", "false")


class ServerFactory:
    """The hub's side of the server factory: started once, asked for one server at a time."""

    def __init__(self) -> None:
        self.process: asyncio.subprocess.Process | None = None
        self.ready: dict | None = None
        self._lock = asyncio.Lock()
        self._warming: asyncio.Task | None = None

    def warm(self, python: Path) -> None:
        """Start loading the factory now, in the background, if the hub's event loop runs."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._warming = loop.create_task(self._start_quietly(python))

    async def _start_quietly(self, python: Path) -> None:
        with contextlib.suppress(Exception):  # the first spawn starts it again and says why
            async with self._lock:
                await self._start(python)

    async def _start(self, python: Path) -> None:
        if self.process is not None and self.process.returncode is None and self.ready:
            return
        self.ready = None
        self.process = await asyncio.create_subprocess_exec(
            str(python),
            "-m",
            "course.serve.classroom.server_factory",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd="/",
            env=factory_env(python),
        )
        answer = await self._receive(READY_SECONDS)
        if not answer.get("ready"):
            raise RuntimeError(answer.get("error") or "the server factory did not start")
        self.ready = answer

    async def _receive(self, seconds: float) -> dict:
        assert self.process is not None and self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), seconds)
        if not line:
            raise RuntimeError("the server factory has stopped")
        return json.loads(line)

    async def spawn(self, python: Path, request: dict) -> int:
        """Fork one server for `request`; return its pid (RuntimeError if the factory cannot)."""
        async with self._lock:
            await self._start(python)
            assert self.process is not None and self.process.stdin is not None
            try:
                self.process.stdin.write((json.dumps(request) + "\n").encode())
                await self.process.stdin.drain()
                answer = await self._receive(FORK_SECONDS)
            except (TimeoutError, OSError, RuntimeError) as error:
                self.process.kill()
                raise RuntimeError(f"the server factory stopped: {error!r}") from error
        if "pid" not in answer:
            raise RuntimeError(f"the server factory could not start the server: {answer['error']}")
        return int(answer["pid"])


def factory_env(python: Path) -> dict[str, str]:
    """The factory's own environment: no secret of the hub's, and the room's mark.

    A forked server's /proc/<pid>/environ shows this (its own environment replaces it
    inside the process); DGT_CLASSROOM lets `dgt classroom stop` find every server.
    """
    return {
        "PATH": os.pathsep.join([str(python.parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DGT_ROOT": str(repo_root()),
        "DGT_CLASSROOM": os.environ.get("DGT_CLASSROOM_STATE", ""),
    }


#: The hub's one server factory (warmed by course/serve/classroom/jupyterhub_config.py).
FACTORY = ServerFactory()


def write_env_file(folder: Path, env: dict[str, str]) -> Path:
    """Write a server's environment (it holds the server's API token) to a new root-only file."""
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / f"env-{secrets.token_hex(8)}.json"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(env, handle)
    return path


def _link(link: Path, target: Path, owner: pwd.struct_passwd) -> None:
    """Make `link` in a home point at `target`; never replace a real file a user made."""
    if link.is_symlink():
        if os.readlink(link) == str(target):
            return
        link.unlink()
    elif os.path.lexists(link):
        return
    link.symlink_to(target, target_is_directory=True)
    os.lchown(link, owner.pw_uid, owner.pw_gid)


def copy_lessons(username: str, python: Path) -> None:
    """Copy the lessons a user lacks into ~/lessons, running as that user."""
    home = pwd.getpwnam(username).pw_dir
    subprocess.run(
        [
            shutil.which("runuser") or "/usr/sbin/runuser",
            "-u",
            username,
            "--",
            str(python),
            "-m",
            "course.serve.classroom.lessons",
            os.path.join(home, "lessons"),
        ],
        check=False,
        capture_output=True,
        cwd=home,
        env={"HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"},
        timeout=120,
    )


class ClassroomSpawner(LocalProcessSpawner):
    """LocalProcessSpawner with the room's environment, lessons and limits."""

    def _room(self) -> Room:
        return Room.load()

    def get_env(self) -> dict:
        env = super().get_env()
        room = self._room()
        name = self.user.name
        home = pwd.getpwnam(name).pw_dir
        bin_dir = str(room.srv / "python" / "bin")
        env["PATH"] = os.pathsep.join([bin_dir, "/usr/local/bin", "/usr/bin", "/bin"])
        env["DGT_ROOT"] = str(repo_root())
        env["DGT_COURSE_ID"] = room.course_id
        env["DGT_EXCHANGE"] = str(room.exchange)
        env["DGT_CLASSROOM"] = str(room.state)  # marks every process of this room
        if name == room.trainer_user:
            env["JUPYTER_CONFIG_PATH"] = str(CONFIG_DIR)
            env["DGT_WORKSPACE"] = os.path.join(home, WORKSPACE_LINK)
        else:
            env["JUPYTER_CONFIG_PATH"] = str(TRAINEE_CONFIG)
            env["DGT_TRAINEE_ID"] = room.trainee_of(name) or name
            env.pop("DGT_WORKSPACE", None)
        env["DGT_OUTPUT"] = os.path.join(home, "output")
        return env

    def make_preexec_fn(self, name):
        drop = super().make_preexec_fn(name)
        limits = fair.Limits()
        join = fair.preexec(fair.prepare_cgroups(name, limits), limits)

        def preexec() -> None:
            join()
            drop()

        return preexec

    async def start(self):
        room = self._room()
        name = self.user.name
        entry = pwd.getpwnam(name)
        python = room.srv / "python" / "bin" / "python"
        if name == room.trainer_user and room.workspace:
            home = Path(entry.pw_dir)
            _link(home / WORKSPACE_LINK, Path(room.workspace), entry)
            _link(home / "exercises", repo_root() / "exercises", entry)
        if forking():
            try:
                return await self._start_forked(room, python)
            except (RuntimeError, OSError, ValueError) as error:
                self.log.warning("classroom: %s; starting %s's server the usual way", error, name)
        await asyncio.to_thread(copy_lessons, name, python)
        return await super().start()

    async def _start_forked(self, room: Room, python: Path):
        """Start the server as a fork of the warm factory (which copies the lessons)."""
        if self.port == 0:
            self.port = random_port()
        name = self.user.name
        limits = fair.Limits()
        folders = fair.prepare_cgroups(name, limits)
        env_file = write_env_file(room.state / "spawning", self.get_env())
        request = {
            "user": name,
            "args": self.get_args(),
            "env_file": str(env_file),
            "cgroups": {controller: str(folder) for controller, folder in folders.items()},
            "limits": {
                "memory_mb": limits.memory_mb,
                "processes": limits.processes,
                "file_mb": limits.file_mb,
                "disk_mb": limits.disk_mb,
            },
        }
        try:
            pid = await FACTORY.spawn(python, request)
        finally:
            with contextlib.suppress(FileNotFoundError):
                env_file.unlink()  # the child deletes it once read; never leave a token behind
        self.log.info(
            "classroom: %s's server is pid %d, forked from the factory, with %s",
            name,
            pid,
            " ".join(shlex.quote(arg) for arg in request["args"]),
        )
        self.proc = None
        self.pid = pid
        return (self.ip or "127.0.0.1", self.port)

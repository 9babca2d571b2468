"""The spawner of the room: JupyterHub's local process spawner, with the lessons, the course and the limits.

Before a server starts, the trainee's lessons are brought up to date (as the trainee),
the server gets the classroom's nbgrader settings (the exchange and the course id;
the trainer also gets the workspace and Formgrader) and its limits
(course/serve/classroom/limits.py). Loaded by the hub's configuration only.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import subprocess
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner

from autograder.workspace import CONFIG_DIR
from course.manifest import repo_root
from course.serve.classroom import limits as fair
from course.serve.classroom.room import Room

TRAINEE_CONFIG = Path(__file__).parent / "trainee"
WORKSPACE_LINK = "course-workspace"


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
        await asyncio.to_thread(copy_lessons, name, room.srv / "python" / "bin" / "python")
        if name == room.trainer_user and room.workspace:
            home = Path(entry.pw_dir)
            _link(home / WORKSPACE_LINK, Path(room.workspace), entry)
            _link(home / "exercises", repo_root() / "exercises", entry)
        return await super().start()

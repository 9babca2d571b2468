"""Fair use of one machine: each trainee's server gets a memory, process and file-size limit.

Where the kernel lets root make control groups (cgroup v1 `memory` and `pids`
controllers, or cgroup v2), a trainee's server and everything it starts go into their
own group with a memory and a process ceiling. Otherwise, or in addition, rlimits are
set in the server's process before it drops to the trainee's account: a process count
for the account (RLIMIT_NPROC) and a file size (RLIMIT_FSIZE). `describe()` says which
applies on this machine. The disk check compares each home's size with a quota.
"""

from __future__ import annotations

import contextlib
import os
import resource
from dataclasses import dataclass, field
from pathlib import Path

CGROUP_V1 = Path("/sys/fs/cgroup")
GROUP = "dgt-classroom"


def _setting(name: str, default: int):
    return field(default_factory=lambda: int(os.environ.get(name, str(default))))


@dataclass(frozen=True)
class Limits:
    """The ceilings for one trainee (read from the environment when made)."""

    memory_mb: int = _setting("DGT_CLASSROOM_MEMORY_MB", 1024)
    processes: int = _setting("DGT_CLASSROOM_PROCESSES", 256)
    file_mb: int = _setting("DGT_CLASSROOM_FILE_MB", 512)
    disk_mb: int = _setting("DGT_CLASSROOM_DISK_MB", 1024)


def _v1(controller: str) -> Path | None:
    folder = CGROUP_V1 / controller
    return folder if folder.is_dir() and os.access(folder, os.W_OK) else None


def cgroup_folders(user: str) -> dict[str, Path]:
    """The control groups (by controller) a trainee's server joins; none where they cannot be made."""
    found = {}
    for controller in ("memory", "pids"):
        base = _v1(controller)
        if base is None:
            continue
        folder = base / GROUP / user
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        found[controller] = folder
    return found


def remove_cgroups(user: str) -> None:
    """Remove a trainee's control groups (once their processes have gone)."""
    for controller in ("memory", "pids"):
        folder = CGROUP_V1 / controller / GROUP / user
        for empty in (folder, folder.parent):  # the room's group too, once it is empty
            if empty.is_dir():
                with contextlib.suppress(OSError):
                    empty.rmdir()


def prepare_cgroups(user: str, limits: Limits) -> dict[str, Path]:
    """Make the trainee's control groups and write their ceilings (as root, before the server starts)."""
    folders = cgroup_folders(user)
    settings = {
        "memory": ("memory.limit_in_bytes", str(limits.memory_mb * 1024 * 1024)),
        "pids": ("pids.max", str(limits.processes)),
    }
    for controller, folder in list(folders.items()):
        name, value = settings[controller]
        try:
            (folder / name).write_text(value)
        except OSError:
            folders.pop(controller)
    return folders


def preexec(folders: dict[str, Path], limits: Limits):
    """What the server's process does before it becomes the trainee: join the groups, set rlimits."""

    def apply() -> None:
        for folder in folders.values():
            try:
                with open(folder / "cgroup.procs", "w") as handle:
                    handle.write(str(os.getpid()))
            except OSError:
                pass
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
        size = limits.file_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


def describe(limits: Limits) -> list[str]:
    """Which limits apply on this machine, one line each (for `dgt classroom status` and the docs)."""
    from course.messages import t

    lines = []
    memory = _v1("memory") is not None
    pids = _v1("pids") is not None
    lines.append(
        t("classroom.limits.memory_cgroup", mb=limits.memory_mb)
        if memory
        else t("classroom.limits.memory_none")
    )
    lines.append(
        t("classroom.limits.pids_cgroup", count=limits.processes)
        if pids
        else t("classroom.limits.pids_rlimit", count=limits.processes)
    )
    lines.append(t("classroom.limits.file", mb=limits.file_mb))
    lines.append(t("classroom.limits.disk", mb=limits.disk_mb))
    return lines


def home_size_mb(home: Path) -> float:
    """The size of a home folder in MB (files only, links not followed)."""
    total = 0
    for folder, _dirs, files in os.walk(home):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_blocks * 512
    return total / (1024 * 1024)


def over_quota(homes: dict[str, Path], limits: Limits) -> dict[str, float]:
    """The accounts whose home is above the disk quota, with their size in MB."""
    sizes = {user: home_size_mb(home) for user, home in homes.items() if home.is_dir()}
    return {user: size for user, size in sizes.items() if size > limits.disk_mb}

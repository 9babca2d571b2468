"""The sandbox around each trainee's kernel: limits, hidden folders, no network, no privileges.

Every submission runs in its own IPython kernel, forked from the warm kernel factory
(autograder/execution/zygote.py). Before the kernel starts, the code here fences it in. What the
fence holds depends on what the operating system allows; `probe()` finds out and
`describe()` says it in plain words (`dgt grade sandbox`).

- **namespaces** (Linux, run as root): a private mount, network, process and IPC
  namespace per kernel. The repository (except the `course` package and the Python
  installation), the course workspace, the trainer's home and the other kernels' scratch
  folders are covered by empty read-only folders; `/tmp` and `/dev/shm` are private. There
  is no network (not even loopback). The kernel runs as an unprivileged user id of its
  own that owns nothing but its scratch copy, with no way back to root
  (PR_SET_NO_NEW_PRIVS). Killing the namespace's first process ends every process the
  code started, fork bombs included.
- **userns** (Linux, not root, unprivileged user namespaces allowed): the same
  namespaces inside a user namespace. The kernel keeps the trainer's user id, so the
  hidden folders are its protection: it can still write where the trainer can outside
  them, and its process limit is counted over all of the trainer's processes (the
  grader adds the trainer's current count to it).
- **limits** (anything else): resource limits, a scratch folder and a scrubbed
  environment only; an audit hook refuses sockets and protected paths, which determined
  code can get around.

In every mode: a wall-time limit per notebook (the grader kills the kernel), CPU seconds
(RLIMIT_CPU), address space (RLIMIT_AS), processes (RLIMIT_NPROC), file size
(RLIMIT_FSIZE), open files, no core dumps, and an output cap enforced by the grader.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import resource
import sys
from dataclasses import dataclass, field
from pathlib import Path

NAMESPACES, USERNS, LIMITS = "namespaces", "userns", "limits"
MODES = (NAMESPACES, USERNS, LIMITS)

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS, PR_SET_CHILD_SUBREAPER = 38, 36
O_PATH = getattr(os, "O_PATH", 0o10000000)

#: Printed by the audit hook when it refuses an access; the grader looks for it.
BLOCKED_MARK = "dgt-sandbox"


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """The limits for one notebook; defaults can be changed through DGT_* variables."""

    notebook_seconds: int = field(default_factory=lambda: _env_int("DGT_NOTEBOOK_TIMEOUT", 300))
    cpu_seconds: int = field(default_factory=lambda: _env_int("DGT_CPU_SECONDS", 240))
    memory_mb: int = field(default_factory=lambda: _env_int("DGT_MEMORY_MB", 2048))
    processes: int = field(default_factory=lambda: _env_int("DGT_MAX_PROCESSES", 64))
    file_mb: int = field(default_factory=lambda: _env_int("DGT_FILE_MB", 64))
    output_kb: int = field(default_factory=lambda: _env_int("DGT_OUTPUT_KB", 2048))
    open_files: int = 256


@dataclass(frozen=True)
class Plan:
    """Everything the factory's child needs to fence in one kernel (JSON-friendly)."""

    mode: str
    scratch: str
    uid: int | None
    hide: list[str]
    keep: list[str]
    limits: dict[str, int]
    env: dict[str, str]
    protected: list[str]

    @classmethod
    def from_dict(cls, data: dict) -> Plan:
        return cls(**data)


# --- system calls -------------------------------------------------------------------

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def unshare(flags: int) -> None:
    """unshare(2)."""
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None):
    """mount(2)."""

    def enc(text: str | None):
        return None if text is None else text.encode()

    _check(
        _libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
        f"mount {target}",
    )


def prctl(option: int, value: int) -> None:
    """prctl(2) with one argument."""
    _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), "prctl")


# --- choosing the mode --------------------------------------------------------------


def _try_in_child(function) -> bool:
    """Run `function` in a forked child; tell whether it succeeded (the parent is untouched)."""
    pid = os.fork()
    if pid == 0:
        try:
            function()
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _enter_userns() -> None:
    uid, gid = os.getuid(), os.getgid()
    unshare(CLONE_NEWUSER)
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")


def _probe_namespaces(user: bool) -> None:
    if user:
        _enter_userns()
    unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC)
    mount(None, "/", None, MS_REC | MS_PRIVATE, None)
    mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m")


def probe(requested: str | None = None) -> str:
    """Return the strongest sandbox mode this computer allows (or `requested`, if it is allowed).

    Must be called from a process without threads (the factory does).
    """
    requested = requested or os.environ.get("DGT_SANDBOX", "auto")
    if requested == LIMITS or not sys.platform.startswith("linux"):
        return LIMITS
    root = os.geteuid() == 0
    if (
        requested in ("auto", NAMESPACES)
        and root
        and _try_in_child(lambda: _probe_namespaces(False))
    ):
        return NAMESPACES
    if requested in ("auto", USERNS) and _try_in_child(lambda: _probe_namespaces(True)):
        return USERNS
    return LIMITS


def describe(mode: str, limits: Limits) -> list[str]:
    """Catalogue keys and values saying what the sandbox enforces in `mode`."""
    from course.messages import t

    lines = [t(f"grade.sandbox.mode.{mode}")]
    lines.append(
        t(
            "grade.sandbox.limits",
            seconds=limits.notebook_seconds,
            cpu=limits.cpu_seconds,
            memory=limits.memory_mb,
            processes=limits.processes,
            file=limits.file_mb,
            output=limits.output_kb,
        )
    )
    return lines


# --- fencing in a kernel (runs in the factory's child, before the kernel starts) -----


def _nested(path: str, roots: list[str]) -> bool:
    return any(path != r and path.startswith(r.rstrip("/") + "/") for r in roots)


def enter_namespaces(plan: Plan) -> None:
    """In a fresh child: new namespaces, hidden folders, the keep-list mounted back read-only.

    The caller must fork afterwards: the next child is the first process of the new
    process namespace.
    """
    if plan.mode == USERNS:
        _enter_userns()
    unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC)
    mount(None, "/", None, MS_REC | MS_PRIVATE, None)
    hide = [h for h in dict.fromkeys(plan.hide) if os.path.isdir(h)]
    hide = [h for h in hide if not _nested(h, hide)]
    keep = [k for k in dict.fromkeys([plan.scratch, *plan.keep]) if os.path.isdir(k)]
    keep = [k for k in keep if _nested(k, hide) and not _nested(k, keep)]
    # Handles on the folders to mount back, taken before anything is covered.
    handles = {k: os.open(k, O_PATH | os.O_DIRECTORY | os.O_CLOEXEC) for k in keep}
    scratch_like = {"/tmp", "/dev/shm", "/var/tmp"}
    for folder in hide:
        options = "size=64m,mode=1777" if folder in scratch_like else "size=1m,mode=755"
        mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, options)
    for folder, handle in handles.items():
        os.makedirs(folder, exist_ok=True)
        mount(f"/proc/self/fd/{handle}", folder, None, MS_BIND | MS_REC, None)
        if folder != plan.scratch:
            mount(None, folder, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID, None)
        os.close(handle)
    for folder in hide:
        if folder not in scratch_like:
            mount(None, folder, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "mode=755")


def mount_proc() -> None:
    """In the first process of a new process namespace: a /proc that shows only its processes."""
    # If it fails, the host's /proc stays: processes outside are visible but not reachable.
    with contextlib.suppress(OSError):
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)


def apply_limits(plan: Plan) -> None:
    """Set hard resource limits (the code cannot raise them again)."""
    limits = plan.limits
    megabyte = 1024 * 1024
    settings = {
        resource.RLIMIT_CPU: limits["cpu_seconds"],
        resource.RLIMIT_AS: limits["memory_mb"] * megabyte,
        resource.RLIMIT_FSIZE: limits["file_mb"] * megabyte,
        resource.RLIMIT_NOFILE: limits["open_files"],
        resource.RLIMIT_CORE: 0,
    }
    if plan.uid is not None or plan.mode == USERNS:
        settings[resource.RLIMIT_NPROC] = limits["processes"]
    for which, value in settings.items():
        _soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))


def drop_privileges(plan: Plan) -> None:
    """Become the kernel's own unprivileged user (root mode); never regain privileges."""
    if plan.uid is not None and os.geteuid() == 0:
        os.setgroups([])
        os.setresgid(plan.uid, plan.uid, plan.uid)
        os.setresuid(plan.uid, plan.uid, plan.uid)
    with contextlib.suppress(OSError):
        prctl(PR_SET_NO_NEW_PRIVS, 1)


def scrub_environment(plan: Plan) -> None:
    """Replace the environment with a short allow-list, and start in the scratch copy."""
    os.environ.clear()
    os.environ.update(plan.env)
    os.chdir(plan.scratch)


def install_audit_hook(plan: Plan) -> None:
    """Refuse (in every mode) network sockets and paths outside the scratch copy that are protected.

    In namespace modes the operating system already refuses them; the hook makes the
    refusal visible, with a mark the grader reports as "outside access".
    """
    protected = tuple(p.rstrip("/") + "/" for p in plan.protected)
    allowed = tuple(p.rstrip("/") + "/" for p in [plan.scratch, *plan.keep])
    scratch = plan.scratch.rstrip("/") + "/"
    shared_scratch = ("/dev/null", "/tmp/", "/dev/shm/")
    # A repository or workspace that lives under /tmp stays read-only all the same.
    read_only = tuple(p.rstrip("/") + "/" for p in [*plan.protected, *plan.keep])
    inet = {2, 10}  # AF_INET, AF_INET6

    def refuse(what: str) -> None:
        raise PermissionError(f"[{BLOCKED_MARK}] {what}")

    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = ((*tuple(args), None, None, None))[:3]
            if isinstance(path, int) or path is None:
                return
            try:
                full = os.path.abspath(os.fsdecode(os.fspath(path)))
            except TypeError:
                return
            probe = full + "/"
            if probe.startswith(protected) and not probe.startswith(allowed):
                refuse(full)
            if isinstance(mode, str):
                writing = any(c in mode for c in "wax+")
            else:
                writing = isinstance(flags, int) and bool(flags & write_flags)
            if (
                writing
                and not probe.startswith(scratch)
                and (not probe.startswith(shared_scratch) or probe.startswith(read_only))
            ):
                refuse(full)
        elif (event == "socket.__new__" and len(args) > 1 and args[1] in inet) or (
            event in ("socket.connect", "socket.bind") and isinstance(args[1], tuple)
        ):
            refuse("network")

    sys.addaudithook(hook)

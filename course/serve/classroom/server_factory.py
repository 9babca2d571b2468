"""The room's warm server factory: one root process with JupyterLab's modules loaded that forks each trainee's server.

Starting a trainee's JupyterLab server from scratch costs about 3 s of CPU, nearly all
of it importing the same modules again (Jupyter Server, JupyterLab, nbgrader's
extensions, Voila's). Thirty trainees who log in within a minute ask two cores for about
90 s of CPU for that alone. This process imports them once; each server is then a fork
that costs about 0.1 s of CPU, and the untouched imported pages stay shared between the
trainees' servers (copy-on-write) instead of being loaded thirty times.

Each child drops to its trainee before it does anything for them, as JupyterHub's own
spawner does: it starts its own session, joins the trainee's control groups and takes
their rlimits (course/serve/classroom/limits.py), takes the trainee's groups, group and
user id, goes to their home, copies the lessons they lack (course/serve/classroom/lessons.py)
and runs `jupyterhub.singleuser` with the hub's arguments.

Kernels are not forked here: they start the usual way (`python -m ipykernel_launcher`,
a new process). Measured with 30 trainees (docs/benchmarks.md), kernels forked from a
kernel factory of each trainee's own held more memory (44 MB, plus 11 MB for the
factory) than kernels started fresh (37 MB), and were no faster in the room. A child can never become root
again, and the factory holds nothing secret: the server's environment (with its API
token) comes in a root-only file that only the child reads, as root, and then deletes.

The hub's spawner (course/serve/classroom/spawn.py) talks to it over stdin/stdout, one
JSON object a line:

    <- {"ready": true, "pid": 123, "seconds": 2.9, "modules": 1650}
    -> {"user": "...", "args": [...], "env_file": "...", "cgroups": {...}, "limits": {...}}
    <- {"pid": 456}            or {"error": "..."}

When the hub goes away (end of input) the factory ends; the servers it made go on, as
servers started by the hub itself do, and the hub finds them again by their pid.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import pwd
import signal
import sys
import time
from pathlib import Path

from course.serve.app_zygote import fork_child, reply

#: What a trainee's or the trainer's server imports on its way up (measured: about 1,650
#: modules behind these), never anything that starts a thread or reads the environment
#: when imported. `jupyterhub.singleuser` itself reads the environment when imported, so
#: each child imports it after taking the hub's environment.
SERVER_MODULES = (
    "jupyter_server.serverapp",
    "jupyter_server.services.kernels.kernelmanager",
    "jupyter_server.services.contents.largefilemanager",
    "jupyter_server.gateway.managers",
    "jupyter_server_terminals",
    "jupyter_server_terminals.app",
    "jupyterlab",
    "jupyterlab.labapp",
    "jupyterlab_server",
    "jupyter_lsp",
    "jupyter_lsp.serverextension",
    "notebook",
    "notebook.app",
    "notebook_shim",
    "notebook_shim.shim",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.validate_assignment",
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
    "voila.server_extension",
    "jupyterhub.singleuser.mixins",
    "jupyterhub.singleuser.extension",
    "jupyterhub.services.auth",
    "ipykernel.kernelspec",
    "course.serve.classroom.lessons",
)


def preload() -> int:
    """Import the servers' modules; return how many modules are loaded."""
    for name in SERVER_MODULES:
        try:
            importlib.import_module(name)
        except Exception as error:  # a missing module only costs speed
            sys.stderr.write(f"classroom server factory: could not preload {name}: {error!r}\n")
    with contextlib.suppress(ImportError):  # finds the command line's memory while it is intact
        import setproctitle

        setproctitle.getproctitle()
    return len(sys.modules)


def drop_to(user: str) -> pwd.struct_passwd:
    """Become `user` for good: their groups, group and user id (as root, in the child)."""
    entry = pwd.getpwnam(user)
    if entry.pw_uid == 0:
        raise PermissionError("a trainee's server never runs as root")
    os.setgid(entry.pw_gid)
    os.setgroups(os.getgrouplist(user, entry.pw_gid))
    os.setuid(entry.pw_uid)
    try:
        os.setuid(0)
    except PermissionError:
        _dumpable()
        return entry
    raise PermissionError("the server could become root again")


def _dumpable() -> None:
    """Let the trainee own their server's /proc entry, as after an exec.

    Changing user ids marks a process "not dumpable", which makes its /proc files
    root's; an exec would clear that, a fork does not. With every id now the trainee's,
    the process holds nothing of root's, so it is set back (prctl PR_SET_DUMPABLE = 4).
    """
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(4, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE) failed")


def _read_env(path: str) -> dict[str, str]:
    """The server's environment from the hub's root-only file, which is then deleted."""
    try:
        with open(path, encoding="utf-8") as handle:
            return {str(k): str(v) for k, v in json.load(handle).items()}
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _become_server(request: dict, answer: int) -> None:
    """In the forked child: become the trainee and run their server (never returns)."""
    status = 1
    try:
        os.setsid()  # its own session: the hub's signals reach the server, not the factory
        for number in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(number, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(2, 1)  # fd 1 is the factory's answer pipe: the server logs to the hub's log
        os.closerange(3, answer)
        os.closerange(answer + 1, 1024)
        env = _read_env(request["env_file"])
        from course.serve.classroom import limits as fair

        numbers = request.get("limits") or {}
        folders = {name: Path(folder) for name, folder in (request.get("cgroups") or {}).items()}
        fair.preexec(folders, fair.Limits(**numbers))()
        entry = drop_to(request["user"])
        os.chdir(entry.pw_dir)
        os.environ.clear()
        os.environ.update(env)
        sys.path[0] = entry.pw_dir  # as `python -m jupyterhub.singleuser` run in the home
        os.write(answer, str(os.getpid()).encode())
        os.close(answer)
        answer = -1
        _title(request["user"])
        _copy_lessons(entry.pw_dir)
        sys.argv = ["jupyterhub-singleuser", *request.get("args", [])]
        from jupyterhub.singleuser import main

        status = main() or 0
    except SystemExit as leaving:
        status = leaving.code if isinstance(leaving.code, int) else 1
    except BaseException as error:  # stderr is the hub's log: the only place to say it
        with contextlib.suppress(OSError):
            os.write(2, f"classroom server failed to start: {error!r}\n".encode())
            if answer >= 0:
                os.write(answer, f"{error!r}".encode())
    finally:
        os._exit(status)


def _title(user: str) -> None:
    """Name the process after what it is, for `ps` (its command line is the factory's)."""
    with contextlib.suppress(ImportError):
        import setproctitle

        setproctitle.setproctitle(f"jupyterhub-singleuser {user} (dgt classroom)")


def _copy_lessons(home: str) -> None:
    """The lessons the trainee lacks, copied as the trainee (a failure never stops the server)."""
    try:
        from course.manifest import repo_root
        from course.serve.classroom import lessons

        lessons.copy_missing(repo_root() / "modules", Path(home) / "lessons")
    except Exception as error:
        sys.stderr.write(f"classroom: could not copy the lessons into {home}: {error!r}\n")


def spawn(request: dict) -> dict:
    """Fork one server for `request`; return {"pid": ...} or {"error": ...}."""
    return fork_child(_become_server, request, "server")


def main() -> None:
    """Load the servers' modules once, then fork servers on request until the hub's end of input."""
    started = time.monotonic()
    if os.geteuid() != 0:
        reply({"error": "the classroom server factory runs as root"})
        return
    modules = preload()
    gc.collect()
    gc.freeze()  # keep loaded objects out of the children's garbage collection (fewer copies)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # servers are reaped by the system
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the hub, which stops us
    reply(
        {
            "ready": True,
            "pid": os.getpid(),
            "seconds": round(time.monotonic() - started, 3),
            "modules": modules,
        }
    )
    for line in sys.stdin:
        try:
            request = json.loads(line)
            answer = spawn(request)
        except (ValueError, KeyError, OSError) as error:
            answer = {"error": repr(error)}
        reply(answer)


if __name__ == "__main__":
    main()

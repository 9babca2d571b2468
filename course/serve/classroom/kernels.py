"""Trainees' kernels as forks: each trainee's server comes with a warm kernel factory of its own.

The room's server factory (course/serve/classroom/server_factory.py) also loads what a
lesson's kernel imports: IPython's kernel, pandas, matplotlib and the `course` package
(the apps' list, course/serve/app_zygote.py). When it forks a trainee's server, that
child, already the trainee and under their limits, forks once more: a small kernel
factory of the trainee's own. The trainee's server asks it for a kernel for each
notebook they open, and it forks one (course/serve/app_zygote.py's `spawn`). A kernel
then starts in about 0.05 s of CPU with pandas already loaded, shares those pages with
every other kernel of the room, runs as the trainee, and has no way to reach another
trainee's kernel: the factory it comes from is the trainee's own process.

The server finds its kernel factory through two pipes it inherited
(DGT_KERNEL_FACTORY="<read fd>,<write fd>") and speaks course/serve/app_factory.py's
protocol over them. Without them, or if the factory fails, a kernel starts the usual way.
Forked kernels keep no input history file (app_zygote.KERNEL_ARGUMENTS).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
from typing import Any

from course.serve.app_factory import KernelFactory
from course.serve.app_kernels import ForkKernelManager, ForkProvisioner

#: Where a trainee's server finds the pipes to its kernel factory.
PIPES_ENV = "DGT_KERNEL_FACTORY"
#: The kernel manager a forked trainee's server uses (named in the server's arguments).
MANAGER = "course.serve.classroom.kernels.TraineeKernelManager"


def start_factory(user: str) -> str:
    """Fork the trainee's kernel factory (in their server's process); return the pipes' value."""
    to_factory, from_server = os.pipe()
    to_server, from_factory = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(from_server)
        os.close(to_server)
        serve(to_factory, from_factory, user)
    os.close(to_factory)
    os.close(from_factory)
    return f"{to_server},{from_server}"


def serve(requests: int, answers: int, user: str) -> None:
    """The trainee's kernel factory: fork a kernel per request until the server goes (never returns)."""
    from course.serve import app_zygote

    status = 0
    kernels: list[int] = []
    try:
        os.setsid()  # out of the server's process group: Ctrl+C there does not stop it
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped by the system
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _title(f"dgt kernel factory {user} (dgt classroom)")
        reader = os.fdopen(requests, "r", encoding="utf-8")
        writer = os.fdopen(answers, "w", encoding="utf-8")
        writer.write(json.dumps({"ready": True, "pid": os.getpid()}) + "\n")
        writer.flush()
        for line in reader:
            try:
                _title(f"ipykernel {user} (dgt classroom)")  # what the kernel is called in `ps`
                answer = app_zygote.spawn(json.loads(line))
            except (ValueError, KeyError, OSError) as error:
                answer = {"error": repr(error)}
            finally:
                _title(f"dgt kernel factory {user} (dgt classroom)")
            kernels = [pid for pid in kernels if os.path.exists(f"/proc/{pid}")]
            if "pid" in answer:
                kernels.append(answer["pid"])
            writer.write(json.dumps(answer) + "\n")
            writer.flush()
    except BaseException as error:  # stderr is the hub's log
        with contextlib.suppress(OSError):
            os.write(2, f"classroom kernel factory of {user} failed: {error!r}\n".encode())
        status = 1
    finally:
        for pid in kernels:  # the server has gone: so do the kernels it had
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        os._exit(status)


def _title(text: str) -> None:
    with contextlib.suppress(ImportError):
        import setproctitle

        setproctitle.setproctitle(text)


class _Pipes:
    """The trainee's kernel factory seen as a process (what KernelFactory talks to)."""

    def __init__(self, value: str) -> None:
        read, write = (int(part) for part in value.split(","))
        self.stdout = os.fdopen(read, "r", encoding="utf-8")
        self.stdin = os.fdopen(write, "w", encoding="utf-8")
        self.returncode: int | None = None

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.stdin.close()


class TraineeFactory(KernelFactory):
    """The server's side of the trainee's kernel factory, over the inherited pipes."""

    def start(self) -> None:
        with self._lock:
            if self.process is None:
                value = os.environ.get(PIPES_ENV, "")
                if not value:
                    raise RuntimeError("this server has no kernel factory")
                self.process = _Pipes(value)  # type: ignore[assignment]


#: The trainee's server's one kernel factory.
TRAINEE_FACTORY = TraineeFactory()


class TraineeProvisioner(ForkProvisioner):
    """A trainee's kernel as a fork of their own kernel factory; a cold start if it fails."""

    factory: Any = TRAINEE_FACTORY


class TraineeKernelManager(ForkKernelManager):
    """jupyter_server's kernel manager whose kernels come from the trainee's kernel factory."""

    provisioner_class = TraineeProvisioner

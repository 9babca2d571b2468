"""The apps' warm kernel factory: one process with the apps' modules and data loaded that forks a kernel per visitor.

A cold kernel for an app costs over a second of CPU and some 100 MB (PSS): Python,
IPython, ipykernel, pandas, matplotlib, the `course` package and the app's data are
loaded again every time. This process loads them once (the same idea as the grader's
factory, autograder/execution/zygote.py, whose list of kernel modules it reuses) and
then forks. Each visitor's kernel is a fresh child process: it shares with the other
visitors' kernels only the pages of code and data loaded before the fork, which the
system copies the moment one of them writes (copy-on-write), so nothing one visitor's
widgets or code change reaches another.

The apps server talks to it through course/serve/app_factory.py (the kernel manager that
uses it is course/serve/app_kernels.py) over stdin/stdout, one JSON object a line:

    <- {"ready": true, "pid": 123, "seconds": 1.4}
    -> {"argv": ["-f", "kernel-....json"], "env": {...}, "cwd": "/.../apps"}
    <- {"pid": 456}            or {"error": "..."}

When the server goes away (end of input), the factory kills every kernel it made.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import select
import signal
import sys
import time

#: The modules the apps and their kernels import (course/serve/apps/*.ipynb, course/serve/ui).
APP_MODULES = (
    "pandas",
    "ipywidgets",
    "matplotlib_inline.backend_inline",
    "matplotlib.figure",
    "matplotlib.backends.backend_svg",
    "course.data",
    "course.charts",
    "course.serve.ui.common",
    "course.serve.ui.egdi_explorer",
    "course.serve.ui.maturity_assessment",
    "course.serve.ui.roadmap_builder",
    "course.serve.ui.me_dashboard",
    "matplotlib.pyplot",
    "pandas.io.formats.csvs",
    "IPython.core.history",
    "psutil",
    "pdb",
)
#: Added to every kernel's command line: an app kernel keeps no input history (no SQLite file).
KERNEL_ARGUMENTS = ("--HistoryManager.enabled=False",)
#: What a kernel finds in its environment whatever the server's is (single-threaded maths).
KERNEL_ENV = {
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}


def reply(message: dict) -> None:
    """One JSON answer line to the process that drives this factory (stdout)."""
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def preload() -> None:
    """Import the kernel's and the apps' modules and read the apps' data (into caches)."""
    from autograder.execution.zygote import KERNEL_MODULES

    for name in (*KERNEL_MODULES, *APP_MODULES):
        try:
            importlib.import_module(name)
        except Exception as error:  # a missing module only costs speed
            sys.stderr.write(f"apps kernel factory: could not preload {name}: {error!r}\n")
    try:
        from course import data
        from course.serve.ui import common

        data.countries()
        data.egdi()
        data.provinces()
        for name in data.synthetic_names():
            data.synthetic(name)
        fig, ax = common.figure()
        ax.plot([0, 1], [0, 1])
        common.svg(fig, "warm-up")  # loads the fonts and the SVG writer once
    except Exception as error:  # warming is an optimisation, never a reason to fail
        sys.stderr.write(f"apps kernel factory: could not warm the data: {error!r}\n")


#: The app modules whose first view the factory draws before it forks (their `draw_defaults`).
APP_UIS = (
    "course.serve.ui.egdi_explorer",
    "course.serve.ui.maturity_assessment",
    "course.serve.ui.roadmap_builder",
    "course.serve.ui.me_dashboard",
)


def draw_defaults() -> None:
    """Draw every app's first view into the drawing cache (course.serve.ui.common.drawn).

    Every visitor's first view of an app is the same: drawn here once, each forked kernel
    finds it ready, and only a visitor who changes a control pays for a new drawing.
    """
    for name in APP_UIS:
        try:
            draw = getattr(importlib.import_module(name), "draw_defaults", None)
            if draw is not None:
                draw()
        except Exception as error:  # an optimisation: the kernel draws it itself then
            sys.stderr.write(f"apps kernel factory: could not draw {name}: {error!r}\n")


def _become_kernel(request: dict, answer: int) -> None:
    """In the forked child: detach, take the visitor's environment, run an IPython kernel (never returns)."""
    try:
        os.setsid()  # its own process group: stopping the kernel stops what it started
        for number in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(number, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(2, 1)  # fd 1 is the factory's answer pipe: never write there
        os.closerange(3, answer)
        os.closerange(answer + 1, 1024)
        cwd = request.get("cwd") or os.getcwd()
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(request.get("env") or {})
        os.environ.update(KERNEL_ENV)
        sys.path[0] = cwd
        argv = [*request["argv"], *KERNEL_ARGUMENTS]
        sys.argv = ["ipykernel_launcher", *argv]
        os.write(answer, str(os.getpid()).encode())
        os.close(answer)
        from course.serve.app_server import PAGE_STATE_ENV

        if os.environ.get(PAGE_STATE_ENV) == "1":
            from course.serve.ui.common import silence_comms

            silence_comms()  # until the app has written its state into the page (show)
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(argv)
        app.start()
    except BaseException as error:  # stderr is the server's log: the only place to say it
        with contextlib.suppress(OSError):
            os.write(2, f"apps kernel failed to start: {error!r}\n".encode())
    finally:
        os._exit(0)


def fork_child(become, request: dict, what: str) -> dict:
    """Fork a child that runs `become(request, answer)`; return {"pid": ...} or {"error": ...}.

    The child writes its pid to the `answer` pipe once it is ready to be handed over (or
    why it failed), then closes it; the factory waits only for that, not for the child.
    Also used by the classroom's server factory (course/serve/classroom/server_factory.py).
    """
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        become(request, write_end)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        text = pipe.read().decode(errors="replace")
    if text.isdigit():
        return {"pid": int(text)}
    return {"error": text or f"the {what} ended before it started"}


def spawn(request: dict) -> dict:
    """Fork one kernel for `request`; return {"pid": ...} or {"error": ...}."""
    return fork_child(_become_kernel, request, "kernel")


class Requests:
    """The server's requests, one JSON line each, read from a file descriptor without read-ahead surprises."""

    def __init__(self, fd: int = 0) -> None:
        self.fd = fd
        self.buffer = b""

    def waiting(self) -> bool:
        """True if a request has come (or is coming) and not been read yet."""
        return b"\n" in self.buffer or bool(select.select([self.fd], [], [], 0)[0])

    def next(self) -> dict | None:
        """The next request (waits for it); None at the end of input."""
        while b"\n" not in self.buffer:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)


def main() -> None:
    """Load everything once, then fork kernels on request until the server's end of input.

    The factory says it is ready as soon as the modules are loaded, so that the first
    kernels (and the first page) do not wait; it draws the apps' first views the first
    time no request is waiting, and every kernel forked after that finds them drawn.
    """
    started = time.monotonic()
    os.environ.update(KERNEL_ENV)
    preload()
    gc.collect()
    gc.freeze()  # keep loaded objects out of the children's garbage collection (fewer copies)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped by the system
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the server, which stops us
    reply({"ready": True, "pid": os.getpid(), "seconds": round(time.monotonic() - started, 3)})
    kernels: list[int] = []
    requests = Requests()
    drawn = False
    try:
        while True:
            if not drawn and not requests.waiting():
                draw_defaults()
                gc.collect()
                gc.freeze()
                drawn = True
                continue
            request = requests.next()
            if request is None:
                break
            answer = spawn(request)
            kernels = [pid for pid in kernels if os.path.exists(f"/proc/{pid}")]
            if "pid" in answer:
                kernels.append(answer["pid"])
            reply(answer)
    finally:
        for pid in kernels:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)


if __name__ == "__main__":
    main()

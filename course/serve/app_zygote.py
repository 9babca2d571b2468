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

    <- {"ready": true, "pid": 123, "seconds": 1.4, "drawn": true}
    -> {"id": 1, "argv": ["-f", "kernel-....json"], "env": {...}, "cwd": "/.../apps", "ahead": false}
    <- {"id": 1, "pid": 456}            or {"id": 1, "error": "..."}

The apps' first views (course.serve.ui.common.drawn) come from the disk when an earlier
start kept them for the same code, data and language; the factory then has them before
it says ready, and no kernel draws one. Otherwise a child of the factory draws them at a
low priority ("the drawer") while the factory forks; the factory takes them from it,
keeps them on disk for the next start, and every kernel forked after that finds them.
Until then a kernel asked for `ahead` of any visitor (one for Voila's pool of ready
kernels) waits for them, at most DRAW_WAIT seconds, so that at a cold start a waiting
visitor's kernel has the cores, and the pool's kernels do not each draw the first view
again. Answers can so come in another order than the requests: each carries its
request's id.

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
from pathlib import Path

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
    # What ipykernel's start and an app's first run import in every kernel otherwise
    # (found by comparing sys.modules before and after, in a forked kernel): about
    # 0.015 CPU s of a kernel's 0.065 s start.
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "IPython.core.logger",
    "IPython.extensions.storemagic",
    "IPython.utils.wildcard",
    "faulthandler",
    "tornado.platform.asyncio",
    "zmq.utils.garbage",
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


def kept_drawings() -> tuple[Path, str] | None:
    """The file that keeps the first views between starts, and its digest (None if there is none to use)."""
    try:
        from course.serve.ui import common

        key = common.drawings_key()
        return common.drawings_file(key), key
    except Exception as error:  # no cache folder (no home): the drawings are made here
        sys.stderr.write(f"apps kernel factory: no drawings kept on disk: {error!r}\n")
        return None


def load_drawings(kept: tuple[Path, str] | None) -> bool:
    """Take the first views kept on disk, and draw what they lack (e.g. a new year); True if they were there."""
    from course.serve.ui import common

    if kept is None or not common.load_drawings(*kept):
        return False
    drawn = common.DRAWING_STATS["drawn"]
    draw_defaults()
    if common.DRAWING_STATS["drawn"] > drawn:
        save_drawings(kept)
    return True


def save_drawings(kept: tuple[Path, str] | None) -> None:
    """Keep this process's drawings on disk for the next start (failing to is no error)."""
    from course.serve.ui import common

    if kept is None:
        return
    try:
        common.save_drawings(*kept)
    except Exception as error:  # a read-only or full disk: the next start draws again
        sys.stderr.write(f"apps kernel factory: could not keep the drawings: {error!r}\n")


#: How much lower than the kernels' the drawer's priority is (nice); it draws when the cores are free.
DRAWER_NICE = 10
#: Seconds a kernel asked for ahead of any visitor waits at most for the drawer.
DRAW_WAIT = 20.0


class Drawer:
    """A child of the factory that draws the apps' first views and sends them back as JSON through a pipe."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.chunks: list[bytes] = []
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            self._draw(read_end, write_end)
        os.close(write_end)
        self.fd = read_end

    def _draw(self, read_end: int, write_end: int) -> None:
        """In the child: draw at a low priority, write the drawings, exit (never returns)."""
        try:
            os.close(read_end)
            os.dup2(2, 1)  # fd 1 is the factory's answer pipe: never write there
            os.nice(DRAWER_NICE)
            from course.serve.ui import common

            draw_defaults()
            data = common.drawings_text(self.key).encode()
            while data:
                data = data[os.write(write_end, data) :]
        except BaseException as error:  # stderr is the server's log
            with contextlib.suppress(OSError):
                os.write(2, f"apps kernel factory: the drawer failed: {error!r}\n".encode())
        finally:
            os._exit(0)

    def read(self) -> bool:
        """Read what the drawer has written so far; True once it has finished (end of its pipe)."""
        chunk = os.read(self.fd, 1 << 20)
        if chunk:
            self.chunks.append(chunk)
            return False
        os.close(self.fd)
        return True

    def take(self) -> int:
        """Put what the drawer drew into this process's drawing cache; return how many drawings."""
        from course.serve.ui import common

        return common.take_drawings(b"".join(self.chunks), self.key)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.pid, signal.SIGKILL)


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

    def wait(self, others: list[int], timeout: float | None) -> list[int]:
        """Wait until a request or one of the `others` file descriptors can be read; return which can."""
        if b"\n" in self.buffer:
            return [self.fd]
        return select.select([self.fd, *others], [], [], timeout)[0]

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
    """Load everything once, then fork kernels on request until the server's end of input (see the module docstring)."""
    started = time.monotonic()
    os.environ.update(KERNEL_ENV)
    preload()
    kept = kept_drawings()
    drawn = load_drawings(kept)
    gc.collect()
    gc.freeze()  # keep loaded objects out of the children's garbage collection (fewer copies)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped by the system
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the server, which stops us
    drawer = None
    if not drawn:
        try:
            drawer = Drawer(kept[1] if kept else "")
        except OSError as error:  # no fork: the kernels draw their own first views
            sys.stderr.write(f"apps kernel factory: no drawer: {error!r}\n")
            drawn = True
    reply(
        {
            "ready": True,
            "pid": os.getpid(),
            "seconds": round(time.monotonic() - started, 3),
            "drawn": drawn,
        }
    )
    deadline = time.monotonic() + DRAW_WAIT
    kernels: list[int] = []
    waiting: list[dict] = []  # requests ahead of any visitor, until the first views are drawn
    requests = Requests()

    def fork(request: dict) -> None:
        nonlocal kernels
        answer = spawn(request)
        kernels = [pid for pid in kernels if os.path.exists(f"/proc/{pid}")]
        if "pid" in answer:
            kernels.append(answer["pid"])
        reply({"id": request.get("id"), **answer})

    try:
        while True:
            timeout = max(0.0, deadline - time.monotonic()) if waiting else None
            readable = requests.wait([drawer.fd] if drawer else [], timeout)
            if drawer is not None and drawer.fd in readable and drawer.read():
                if drawer.take():
                    save_drawings(kept)
                    gc.collect()
                    gc.freeze()
                drawer, drawn = None, True
            if waiting and (drawn or time.monotonic() >= deadline):
                for request in waiting:
                    fork(request)
                waiting = []
            if requests.fd not in readable:
                continue
            request = requests.next()
            if request is None:
                break
            if request.get("ahead") and not drawn:
                waiting.append(request)
            else:
                fork(request)
    finally:
        if drawer is not None:
            drawer.stop()
        for pid in kernels:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)


if __name__ == "__main__":
    main()

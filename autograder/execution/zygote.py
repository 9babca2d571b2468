"""The warm kernel factory: one process with Python's heavy modules loaded that forks a fenced kernel per notebook.

Starting an IPython kernel from scratch costs about half a second of CPU (Python,
IPython, ipykernel, debugpy, pandas and the `course` package are imported again every
time). The factory imports them once and then forks: each notebook gets a fresh child
that shares nothing with the other trainees' kernels but the untouched imported code.

The grader talks to it over stdin/stdout, one JSON object a line:

    -> {"preload": [...], "mode": "auto"}                       (first line)
    <- {"ready": true, "mode": "namespaces", "pid": 123}
    -> {"plan": {...}, "argv": ["-f", "connection.json", ...], "log": "..."}
    <- {"pid": 456}            or {"error": "..."}

For each request it forks a child that enters the sandbox (autograder/execution/sandbox.py). In the
namespace modes the child forks once more: that grandchild is the first process of the
kernel's own process namespace, a tiny init that starts the kernel, forwards signals to
it and exits with it. Killing that init ends every process the trainee's code started.
When the grader goes away (end of input), the factory kills every kernel it made.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import signal
import sys
import time

#: Imported before any fork: what every kernel would import anyway.
KERNEL_MODULES = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "ipykernel.comm",
    "IPython.core.completer",
)


def _reply(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _reset_signals() -> None:
    for number in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _redirect(log_path: str, keep: int) -> None:
    """Point stdin at /dev/null and stdout/stderr at the kernel's log; close all else but `keep`."""
    null = os.open(os.devnull, os.O_RDONLY)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.closerange(3, keep)
    os.closerange(keep + 1, 1024)


def _run_kernel(plan, argv: list[str]) -> None:
    """Become the IPython kernel (never returns)."""
    from autograder.execution import sandbox

    try:
        sandbox.scrub_environment(plan)
        sys.dont_write_bytecode = True
        sys.argv = ["ipykernel_launcher", *argv]
        sys.path[0] = plan.scratch
        sandbox.install_audit_hook(plan)
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(argv)
        app.start()
    except BaseException as error:  # the log is the only place a failed start can speak
        os.write(2, f"kernel failed to start: {error!r}\n".encode())
    finally:
        os._exit(0)


def _run_init(plan, argv: list[str], exit_file: str) -> None:
    """The first process of the kernel's namespace: start the kernel, forward signals, exit with it."""
    from autograder.execution import sandbox

    sandbox.mount_proc()
    sandbox.apply_limits(plan)
    sandbox.drop_privileges(plan)
    kernel = os.fork()
    if kernel == 0:
        _run_kernel(plan, argv)

    def forward(number, _frame):
        with contextlib.suppress(ProcessLookupError):
            os.kill(kernel, number)

    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(number, forward)
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(0)
        if pid == kernel:
            _record_exit(exit_file, status)
            os._exit(0)


def _record_exit(exit_file: str, status: int) -> None:
    """Write how the kernel ended ("exit 1" or "signal 24") for the grader's status."""
    if os.WIFSIGNALED(status):
        text = f"signal {os.WTERMSIG(status)}"
    else:
        text = f"exit {os.WEXITSTATUS(status)}"
    try:
        with open(exit_file, "w", encoding="ascii") as handle:
            handle.write(text)
    except OSError:
        pass


def _spawn(mode: str, request: dict) -> dict:
    """Fork one fenced kernel; return {"pid": ...} or {"error": ...}."""
    from autograder.execution import sandbox

    plan = sandbox.Plan.from_dict(request["plan"])
    argv = list(request["argv"])
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        try:
            _reset_signals()
            os.setsid()
            _redirect(request["log"], write_end)
            if mode == sandbox.LIMITS:
                os.write(write_end, str(os.getpid()).encode())
                os.close(write_end)
                sandbox.apply_limits(plan)
                sandbox.drop_privileges(plan)
                _run_kernel(plan, argv)
            sandbox.enter_namespaces(plan)
            init = os.fork()
            if init == 0:
                os.close(write_end)
                _run_init(plan, argv, request["exit_file"])
            os.write(write_end, str(init).encode())
            os._exit(0)
        except BaseException as error:
            try:
                os.write(write_end, f"error: {error}".encode())
            finally:
                os._exit(1)
    os.close(write_end)
    chunks = []
    while True:
        chunk = os.read(read_end, 4096)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    text = b"".join(chunks).decode(errors="replace")
    if text.isdigit():
        return {"pid": int(text)}
    return {"error": text or "the sandbox child ended without an answer"}


def main() -> None:
    """Serve fork requests from the grader until its end of input."""
    from autograder.execution import sandbox

    settings = json.loads(sys.stdin.readline() or "{}")
    started = time.monotonic()
    mode = sandbox.probe(settings.get("mode"))
    for name in (*KERNEL_MODULES, *settings.get("preload", [])):
        try:
            importlib.import_module(name)
        except Exception as error:  # a missing optional module only costs speed
            sys.stderr.write(f"factory: could not preload {name}: {error!r}\n")
    gc.collect()
    gc.freeze()  # keep imported objects out of the children's garbage collection (fewer copies)
    with contextlib.suppress(OSError):
        sandbox.prctl(sandbox.PR_SET_CHILD_SUBREAPER, 1)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    _reply({"ready": True, "mode": mode, "pid": os.getpid(), "seconds": time.monotonic() - started})
    kernels: list[int] = []
    try:
        for line in sys.stdin:
            request = json.loads(line)
            answer = _spawn(mode, request)
            if "pid" in answer:
                kernels.append(answer["pid"])
            _reply(answer)
    finally:
        for pid in kernels:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    main()

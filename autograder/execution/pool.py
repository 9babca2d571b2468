"""The execution pool: N notebooks running at once in sandboxed kernels, the next N kernels already warm.

One background thread runs an asyncio loop. Each submitted job takes a kernel from the
warm kernel factory (autograder/execution/zygote.py) as soon as fewer than 2N kernels are alive,
waits until that kernel is ready, and then waits for one of the N execution slots. So
while N notebooks run, the next N kernels are starting: the trainee never waits for a
kernel and the CPU never waits for a trainee.

The pool only executes. It never touches the gradebook: the one thread that writes
grades is nbgrader's own converter in the caller (see autograder/autograde.py).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import hashlib
import json
import logging
import sys
import sysconfig
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from nbformat import NotebookNode

from autograder.execution import sandbox
from autograder.execution.execute import SandboxExecute, problems
from autograder.execution.kernels import KernelFactory, SandboxKernelManager, Scratch

#: The same history setting nbclient gives every IPython kernel it starts.
KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:"]


def fingerprint(nb: NotebookNode) -> str:
    """A hash of what a notebook will execute (cell types and sources)."""
    cells = [(c.get("cell_type"), c.get("source")) for c in nb.get("cells", [])]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def kept_paths() -> list[str]:
    """Folders a kernel must still read inside hidden ones: Python and the `course` package."""
    import course

    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, str(Path(course.__file__).parent)]
    names = ("stdlib", "platstdlib", "purelib", "platlib")
    paths += [value for key, value in sysconfig.get_paths().items() if key in names]
    # Packages added through a .pth file (the classroom's shared Python links the lab's).
    paths += [p for p in sys.path if p.endswith("site-packages")]
    return [str(Path(p).resolve()) for p in dict.fromkeys(paths) if Path(p).is_dir()]


@dataclass
class Job:
    """One notebook to execute."""

    trainee: str
    notebook: str
    nb: NotebookNode
    resources: dict
    files: list[Path]
    fingerprint: str = ""

    def __post_init__(self) -> None:
        self.fingerprint = self.fingerprint or fingerprint(self.nb)


@dataclass
class Outcome:
    """What came back: the executed notebook and the problems seen, or an error."""

    nb: NotebookNode | None
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


class ExecutionPool:
    """Execute notebooks `workers` at a time in sandboxed kernels (thread-safe `submit`)."""

    def __init__(
        self,
        config,
        workers: int,
        limits: sandbox.Limits,
        hide: list[str],
        preload: list[str],
        mode: str | None = None,
        log: logging.Logger | None = None,
    ) -> None:
        self.config = config
        self.log = log or logging.getLogger("dgt.pool")
        self.workers = max(1, workers)
        self.limits = limits
        self.hide = hide
        self.keep = kept_paths()
        self.factory = KernelFactory(preload, mode)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="dgt-pool", daemon=True)
        self._thread.start()
        self._alive = asyncio.Semaphore(2 * self.workers)
        self._running = asyncio.Semaphore(self.workers)
        self._count = 0

    @property
    def mode(self) -> str:
        return self.factory.mode

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, job: Job) -> concurrent.futures.Future:
        """Queue `job`; the future's result is an Outcome."""
        return asyncio.run_coroutine_threadsafe(self._execute(job), self.loop)

    async def _execute(self, job: Job) -> Outcome:
        async with self._alive:
            last = Outcome(None, error="not started")
            for _attempt in range(2):  # a kernel that fails to start gets one retry
                last = await self._attempt(job)
                if last.error is None or last.nb is not None:
                    return last
            return last

    async def _attempt(self, job: Job) -> Outcome:
        self._count += 1
        scratch = Scratch(self.factory, f"k{self._count}", job.files)
        plan = scratch.plan(self.limits, self.hide, self.keep)
        manager = SandboxKernelManager(self.factory, scratch, plan)
        client = None
        started = time.monotonic()
        try:
            await manager.start_kernel(extra_arguments=list(KERNEL_ARGUMENTS))
            client = manager.client()
            client.start_channels()
            await client.wait_for_ready(timeout=60)
        except Exception as error:
            await self._stop(manager, client, scratch)
            return Outcome(None, error=f"kernel did not start: {error}")
        try:
            async with self._running:
                started = time.monotonic()
                executor = SandboxExecute(
                    config=self.config, output_limit=self.limits.output_kb * 1024, log=self.log
                )
                nb = copy.deepcopy(job.nb)
                resources = dict(job.resources)
                resources["metadata"] = {"path": str(scratch.path)}
                nb, stopped = await executor.run(
                    nb, resources, manager, client, self.limits.notebook_seconds
                )
        except Exception as error:  # anything else is a grader fault: report, never hide
            await self._stop(manager, client, scratch)
            return Outcome(None, error=f"{type(error).__name__}: {error}")
        exit_reason = await self._stop(manager, client, scratch)
        found = problems(nb, stopped, exit_reason)
        return Outcome(nb, found, time.monotonic() - started)

    async def _stop(self, manager, client, scratch: Scratch) -> str | None:
        """Stop the kernel and everything it started; return how it ended; remove the scratch."""
        if client is not None:
            client.stop_channels()
        try:
            if manager.has_kernel:
                await manager.shutdown_kernel(now=True)
        except Exception:
            pass
        reason = scratch.exit_reason()
        scratch.remove()
        return reason

    def close(self) -> None:
        """Stop the loop and the factory (which kills any kernel still alive)."""
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
        self.factory.close()

"""The apps' pool of ready kernels at classroom scale: grow ahead of a burst, shrink when idle, say "busy" when full.

Voila keeps, per app, a pool of kernels that have already run the app notebook
(`--preheat_kernel`); a visitor takes one and the pool refills. Its size is fixed. Here
it follows the room: every page request raises the app's pool size to one more than
the requests of the last WINDOW seconds (at most MAX_POOL), and starts the missing
kernels at once; once an app has had no request for IDLE seconds, its pool goes back to
BASE_POOL and the spare kernels are stopped. Kernels are cheap to start because they are
forks of the warm factory (course/serve/app_zygote.py); running the app is not, so at
most RENDERS of them (two per core) run their app at once, in the order they were asked
for.

A trainer can get an app ready for the room ahead of the burst (`ready_for`, reached
through the server's control endpoint, course.serve.app_server, and `dgt classroom
ready`): the app's pool then holds one ready kernel per expected visitor for the minutes
given (at most what MAX_KERNELS and the free memory allow), each visitor uses one up,
and once they are used or the time is over, the pool follows the requests again.

When the server already runs MAX_KERNELS kernels, or the computer has less than
MEMORY_RESERVE_MB of memory left, a visitor who would need a new kernel gets the busy
page (HTTP 503 with Retry-After) instead of a page that never comes. The limits can be
set with DGT_APPS_MAX_POOL, DGT_APPS_MAX_KERNELS, DGT_APPS_MEMORY_RESERVE_MB,
DGT_APPS_IDLE_SECONDS and DGT_APPS_RENDERS.
"""

from __future__ import annotations

import asyncio
import html
import os
import time
from collections import deque
from typing import Any

from course.messages import DEFAULT_LANGUAGE, get_language, t
from course.printing import lao_font_face

BASE_POOL = 1  # kernels kept ready per app when the room is quiet
MAX_POOL = int(os.environ.get("DGT_APPS_MAX_POOL", "6"))  # kernels kept ready per app at most
WINDOW = 10.0  # seconds of requests that set the pool size
# Seconds without a request before an app's pool shrinks back, and between two looks.
IDLE = float(os.environ.get("DGT_APPS_IDLE_SECONDS", "30"))
SHRINK_EVERY = min(5.0, max(0.5, IDLE / 3))
MAX_KERNELS = int(os.environ.get("DGT_APPS_MAX_KERNELS", "80"))  # kernels the server runs at most
MEMORY_RESERVE_MB = int(os.environ.get("DGT_APPS_MEMORY_RESERVE_MB", "200"))
RETRY_AFTER = 5  # seconds the busy page asks the visitor to wait
READY_MINUTES = 15  # how long an app stays ready for the room when the trainer does not say
MAX_READY_MINUTES = 240
KERNEL_MB = 45  # memory a ready kernel is reckoned to hold (PSS measured 29-36 MB), for ready_for
# Kernels that run their app at the same time. Thirty kernels at once on two cores all
# finish late together; a few at a time finish in the order the visitors came, so the
# first ones are live early. Two per core: now that an app's first view comes drawn
# (course.serve.ui.common.drawn), a kernel's start is as much waiting (the kernel's
# sockets, the server's messages) as CPU, and one per core left the cores idle.
RENDERS = int(os.environ.get("DGT_APPS_RENDERS", str(2 * (os.cpu_count() or 2))))


def pool_target(recent_requests: int, base: int = BASE_POOL, maximum: int = MAX_POOL) -> int:
    """How many ready kernels an app should have after `recent_requests` requests in the window."""
    return max(base, min(maximum, base + recent_requests))


def memory_available_mb(meminfo: str = "/proc/meminfo") -> int | None:
    """MemAvailable of this computer in MB (None where /proc/meminfo is missing)."""
    try:
        with open(meminfo, encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def overloaded(
    kernels: int,
    available_mb: int | None,
    max_kernels: int = MAX_KERNELS,
    reserve_mb: int = MEMORY_RESERVE_MB,
) -> bool:
    """True when one more kernel would be more than the server should take."""
    if kernels >= max_kernels:
        return True
    return available_mb is not None and available_mb < reserve_mb


def lao_style() -> str:
    """The course's Lao font for a small page of the server, when the page is in Lao (else nothing)."""
    return lao_font_face() if get_language() != DEFAULT_LANGUAGE else ""


def busy_html(retry_after: int = RETRY_AFTER) -> str:
    """The page a visitor gets when the server is full: what happened and what to do (it retries itself)."""
    title = html.escape(t("apps.busy.title"))
    return f"""<!DOCTYPE html>
<html lang="{html.escape(get_language())}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{int(retry_after)}">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>{lao_style()}
body {{ font-family: "DGT Noto Sans Lao", system-ui, sans-serif; max-width: 40rem; margin: 3rem auto;
padding: 0 1rem; color: #1a1a1a; line-height: 1.5; }}</style></head>
<body><h1>{title}</h1>
<p class="dgt-busy">{html.escape(t("apps.busy.text", seconds=retry_after))}</p>
<p><a href="">{html.escape(t("apps.busy.retry"))}</a></p>
</body></html>"""


class ElasticPool:
    """Sizes Voila's per-app kernel pools by the requests of the last seconds (see the module docstring)."""

    def __init__(self, kernel_manager: Any, clock=time.monotonic) -> None:
        self.kernel_manager = kernel_manager
        self.clock = clock
        self.requests: dict[str, deque[float]] = {}
        self._callback = None
        self.waiting = 0  # pool kernels not yet started: waiting at the render gate
        # notebook -> [visitors still expected, clock time the readiness ends] (ready_for)
        self.expected: dict[str, list[float]] = {}
        self._gate_renders()

    def _gate_renders(self) -> None:
        """Let at most RENDERS pool kernels run their app at once (first come, first served).

        Voila's pool starts a kernel and runs the app in `_initialize`; it is wrapped on
        this kernel manager only, so the gate holds from the kernel start to the end of
        the app's first run.
        """
        manager = self.kernel_manager
        original = manager._initialize
        gate: asyncio.Semaphore | None = None

        async def gated(notebook_path: str, kernel_id: str | None = None, **kwargs: Any) -> dict:
            nonlocal gate
            gate = gate or asyncio.Semaphore(max(1, RENDERS))
            self.waiting += 1
            try:
                await gate.acquire()
            finally:
                self.waiting -= 1
            try:
                result = await original(notebook_path, kernel_id, **kwargs)
            except BaseException:
                gate.release()
                raise
            result["task"].add_done_callback(lambda _task: gate.release())
            return result

        manager._initialize = gated

    def recent(self, notebook: str) -> int:
        """Requests for `notebook` in the last WINDOW seconds."""
        times = self.requests.setdefault(notebook, deque())
        now = self.clock()
        while times and now - times[0] > WINDOW:
            times.popleft()
        return len(times)

    def pool_size(self, notebook: str) -> int:
        return self.kernel_manager.get_pool_size(notebook)

    def set_target(self, notebook: str, size: int) -> None:
        config = self.kernel_manager.kernel_pools_config
        config[notebook] = {**config.get(notebook, config.get("default", {})), "pool_size": size}

    def kernel_count(self) -> int:
        """Kernels running, starting, or waiting to start at the render gate."""
        manager = self.kernel_manager
        kernels = set(manager.list_kernel_ids()) | set(getattr(manager, "_pending_kernels", {}))
        return len(kernels) + self.waiting

    def known(self, notebook: str) -> bool:
        """True for an app notebook Voila keeps a pool for (any other path is Voila's 404)."""
        return notebook in self.kernel_manager._pools

    def busy(self, notebook: str) -> bool:
        """True if this visitor would need a new kernel and the server cannot take one."""
        if not self.known(notebook) or self.pool_size(notebook) > 0:
            return False
        return overloaded(self.kernel_count(), memory_available_mb())

    def still_expected(self, notebook: str) -> int:
        """Visitors the trainer said are coming to `notebook` and who have not come yet (0 once it is over)."""
        entry = self.expected.get(notebook)
        if entry is None:
            return 0
        visitors, until = entry
        if visitors <= 0 or self.clock() >= until:
            del self.expected[notebook]
            return 0
        return int(visitors)

    def ready_kernels(self, notebook: str) -> int:
        """Kernels of the app's pool that have run the app and wait for a visitor."""
        return sum(
            1
            for task in self.kernel_manager._pools.get(notebook, [])
            if task.done() and not task.cancelled() and task.exception() is None
        )

    def ready_for(self, notebook: str, visitors: int, minutes: float = READY_MINUTES) -> int:
        """Get `notebook` ready for `visitors` visitors in the next `minutes`; return how many it can take.

        Fewer than asked when the server's kernel limit or the computer's free memory
        (less MEMORY_RESERVE_MB, at KERNEL_MB a kernel) cannot hold that many; 0 visitors
        ends the readiness (the pool shrinks back when the app is idle).
        """
        if not self.known(notebook):
            raise KeyError(notebook)
        have = self.pool_size(notebook)
        room = MAX_KERNELS - (self.kernel_count() - have)
        available = memory_available_mb()
        if available is not None:
            room = min(room, have + max(0, (available - MEMORY_RESERVE_MB) // KERNEL_MB))
        granted = max(0, min(int(visitors), room))
        if granted == 0:
            self.expected.pop(notebook, None)
            return 0
        self.expected[notebook] = [granted, self.clock() + minutes * 60]
        self._fill(notebook, max(pool_target(self.recent(notebook)), granted))
        return granted

    def _fill(self, notebook: str, target: int) -> None:
        """Set the app's pool size to `target` and start the kernels it lacks."""
        self.set_target(notebook, target)
        if self.pool_size(notebook) < target:
            self.kernel_manager.fill_if_needed(delay=0, notebook_name=notebook)

    def status(self) -> dict[str, dict]:
        """Each app's ready kernels, kernels still starting, and visitors still expected."""
        now = self.clock()
        apps = {}
        for notebook in list(self.kernel_manager._pools):
            expected = self.still_expected(notebook)
            entry = self.expected.get(notebook)
            apps[notebook] = {
                "ready": self.ready_kernels(notebook),
                "starting": self.pool_size(notebook) - self.ready_kernels(notebook),
                "expected": expected,
                "minutes_left": round((entry[1] - now) / 60, 1) if entry else None,
            }
        return apps

    def visit(self, notebook: str) -> None:
        """A page request for `notebook`: count it and start the kernels the pool now lacks.

        Only for the apps' notebooks: a pool for any other path would hold a failed start,
        which Voila's kernel manager would raise again at every kernel shutdown.
        """
        if not self.known(notebook):
            return
        self.requests.setdefault(notebook, deque()).append(self.clock())
        if notebook in self.expected:
            self.expected[notebook][0] -= 1  # one of the visitors the trainer announced
        # The kernels ready for the rest of an announced room are kept, not started again.
        target = max(pool_target(self.recent(notebook)), self.still_expected(notebook))
        # Never more kernels than the server may run: at the limit the pool stays empty and
        # the next visitor gets the busy page. (This visitor is about to take a kernel out of
        # the pool, and Voila then refills the pool to the target: the ready kernels count
        # as kernels the server runs.)
        kernels = self.kernel_count()
        target = max(0, min(target, MAX_KERNELS - kernels))
        self.kernel_manager.log.info(
            "pool: %s requested, %d kernels, %d ready, target %d",
            notebook,
            kernels,
            self.pool_size(notebook),
            target,
        )
        self._fill(notebook, target)

    def spare_kernels(self, notebook: str, keep: int) -> list[str]:
        """The ids of ready kernels beyond the first `keep` in the app's pool."""
        spare = []
        for task in list(self.kernel_manager._pools.get(notebook, []))[keep:]:
            if task.done() and not task.cancelled() and task.exception() is None:
                spare.append(task.result()["kernel_id"])
        return spare

    async def shrink(self) -> list[str]:
        """Stop the spare kernels of every app that has been idle for IDLE seconds; return their ids."""
        stopped = []
        now = self.clock()
        for notebook in list(self.kernel_manager._pools):
            times = self.requests.get(notebook)
            if times and now - times[-1] < IDLE:
                continue
            keep = max(BASE_POOL, self.still_expected(notebook))
            self.set_target(notebook, keep)
            if self.pool_size(notebook) < keep and not self.busy(notebook):
                self.kernel_manager.fill_if_needed(delay=0, notebook_name=notebook)
            for kernel_id in self.spare_kernels(notebook, keep):
                try:
                    await self.kernel_manager.shutdown_kernel(kernel_id)
                    stopped.append(kernel_id)
                except Exception as error:  # already gone: nothing to free
                    self.kernel_manager.log.info("pool: kernel %s: %s", kernel_id, error)
        return stopped

    def start(self) -> None:
        """Look at idle pools every SHRINK_EVERY seconds on the server's event loop."""
        from tornado.ioloop import PeriodicCallback

        self._callback = PeriodicCallback(self.shrink, SHRINK_EVERY * 1000)
        self._callback.start()

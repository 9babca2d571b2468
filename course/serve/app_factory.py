"""The apps server's side of the warm kernel factory (course/serve/app_zygote.py): start it, ask it for kernels.

Light on purpose (standard library only): course.serve.app_server starts the factory
before it imports Voila, so that the two load side by side. A thread reads the
factory's answers; each request carries an id, since the factory may answer a visitor's
kernel before a kernel asked for ahead of any visitor (see app_zygote).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import subprocess
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor

#: Seconds a kernel for Voila's pool that waited for the factory to be ready lets the visitors' go first.
AHEAD_DELAY = 0.05


class _Channel:
    """One running factory process: its ready message and the answers still awaited."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "course.serve.app_zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.ready: Future = Future()
        self.answers: dict[int, Future] = {}
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        threading.Thread(target=self._read, name="dgt-kernel-factory", daemon=True).start()

    def _read(self) -> None:
        """Hand each line of the factory to whoever waits for it, until the factory stops."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if message.get("ready"):
                if not self.ready.done():
                    self.ready.set_result(message)
                continue
            with self.lock:
                waiter = self.answers.pop(message.get("id"), None)
            if waiter is not None:
                waiter.set_result(message)
        stopped = RuntimeError("the apps kernel factory has stopped")
        with self.lock:
            waiters, self.answers = list(self.answers.values()), {}
        if not self.ready.done():
            self.ready.set_exception(stopped)
        for waiter in waiters:
            waiter.set_exception(stopped)

    def ask(self, request: dict) -> Future:
        """Send one request; the future gets the factory's answer to it."""
        answer: Future = Future()
        with self.lock:
            number = next(self.ids)
            self.answers[number] = answer
            try:
                assert self.process.stdin is not None
                self.process.stdin.write(json.dumps({"id": number, **request}) + "\n")
                self.process.stdin.flush()
            except (OSError, ValueError) as error:
                self.answers.pop(number, None)
                raise RuntimeError(f"the apps kernel factory has stopped: {error}") from error
        return answer


def _pid(answer: dict) -> int:
    if "pid" not in answer:
        raise RuntimeError(f"the apps kernel factory could not start a kernel: {answer['error']}")
    return int(answer["pid"])


class KernelFactory:
    """The server's side of the apps' kernel factory (one per server, started once)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._channel: _Channel | None = None
        # Requests are written off the server's event loop: a full pipe must not stop it.
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="dgt-kernel-factory")

    @property
    def process(self) -> subprocess.Popen | None:
        return self._channel.process if self._channel else None

    def start(self) -> _Channel:
        """Start the factory process (it loads the apps' modules while the server starts)."""
        with self._lock:
            if self._channel is None or self._channel.process.poll() is not None:
                self._channel = _Channel()
            return self._channel

    @property
    def ready(self) -> dict:
        """The factory's ready message (waits for it the first time)."""
        return self.start().ready.result()

    @staticmethod
    def _request(argv: list[str], env: dict[str, str], cwd: str, ahead: bool) -> dict:
        return {"argv": argv, "env": env, "cwd": cwd, "ahead": ahead}

    def spawn(self, argv: list[str], env: dict[str, str], cwd: str, ahead: bool = False) -> int:
        """Fork one kernel with these arguments, environment and folder; return its pid.

        `ahead`: the kernel is started ahead of any visitor (for Voila's pool), so a
        visitor's kernel may be forked first.
        """
        channel = self.start()
        channel.ready.result()
        return _pid(channel.ask(self._request(argv, env, cwd, ahead)).result())

    async def spawn_async(
        self, argv: list[str], env: dict[str, str], cwd: str, ahead: bool = False
    ) -> int:
        """`spawn` without blocking the server's event loop."""
        channel = self.start()
        waited = not channel.ready.done()
        await asyncio.wrap_future(channel.ready)
        if ahead and waited:  # the visitors' kernels that waited for the factory too ask first
            await asyncio.sleep(AHEAD_DELAY)
        loop = asyncio.get_running_loop()
        request = self._request(argv, env, cwd, ahead)
        answer = await loop.run_in_executor(self.executor, channel.ask, request)
        return _pid(await asyncio.wrap_future(answer))

    def close(self) -> None:
        """Stop the factory: it kills every kernel it made."""
        process = self.process
        if process is not None and process.poll() is None:
            assert process.stdin is not None
            with contextlib.suppress(OSError):
                process.stdin.close()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.executor.shutdown(wait=False)


#: The apps server's one factory (started by course.serve.app_server.main).
FACTORY = KernelFactory()

"""The apps server's side of the warm kernel factory (course/serve/app_zygote.py): start it, ask it for kernels.

Light on purpose (standard library only): course.serve.app_server starts the factory
before it imports Voila, so that the two load side by side.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor


class KernelFactory:
    """The server's side of the apps' kernel factory (one per server, started once)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ready: dict | None = None
        self.process: subprocess.Popen | None = None
        # Forks are asked for one at a time, off the server's event loop.
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="dgt-kernel-factory")

    def start(self) -> None:
        """Start the factory process (it loads the apps' modules while the server starts)."""
        with self._lock:
            if self.process is None or self.process.poll() is not None:
                self._ready = None
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "course.serve.app_zygote"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )

    def _receive(self) -> dict:
        assert self.process is not None and self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the apps kernel factory has stopped")
        return json.loads(line)

    @property
    def ready(self) -> dict:
        """The factory's ready message (waits for it the first time)."""
        self.start()
        with self._lock:
            if self._ready is None:
                self._ready = self._receive()
            return self._ready

    def spawn(self, argv: list[str], env: dict[str, str], cwd: str) -> int:
        """Fork one kernel with these arguments, environment and folder; return its pid."""
        assert self.ready
        with self._lock:
            assert self.process is not None and self.process.stdin is not None
            try:
                self.process.stdin.write(json.dumps({"argv": argv, "env": env, "cwd": cwd}) + "\n")
                self.process.stdin.flush()
            except OSError as error:
                raise RuntimeError(f"the apps kernel factory has stopped: {error}") from error
            answer = self._receive()
        if "pid" not in answer:
            raise RuntimeError(
                f"the apps kernel factory could not start a kernel: {answer['error']}"
            )
        return int(answer["pid"])

    async def spawn_async(self, argv: list[str], env: dict[str, str], cwd: str) -> int:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self.spawn, argv, env, cwd)

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

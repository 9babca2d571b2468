"""Sandboxed kernels for the grader: the factory's client, scratch copies and a jupyter_client kernel manager.

`KernelFactory` starts autograder/execution/zygote.py and asks it for kernels. `Scratch` makes the
per-notebook scratch folder (the only place the trainee's code may write).
`SandboxKernelManager` is a normal jupyter_client AsyncKernelManager whose kernel process
comes from the factory instead of a fresh `python -m ipykernel_launcher`, over IPC
sockets in the scratch folder (a kernel without network can still talk to the grader).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from autograder.execution import sandbox
from course import activity
from course.errors import UserError
from course.manifest import repo_root
from course.messages import t

#: First user id for kernels in root mode (one id per live kernel; no account needed).
BASE_UID = int(os.environ.get("DGT_SANDBOX_UID", "61000"))


def kernel_env(scratch: str) -> dict[str, str]:
    """The whole environment a trainee's kernel sees."""
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": scratch,
        "USER": "trainee",
        "LOGNAME": "trainee",
        "TMPDIR": "/tmp",
        "MPLCONFIGDIR": f"{scratch}/.config/matplotlib",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        # the grader's own checks are not the trainee's attempts
        activity.GRADING_ENV: "1",
    }
    if os.environ.get("DGT_LANG"):
        env["DGT_LANG"] = os.environ["DGT_LANG"]
    return env


def factory_env(home: str) -> dict[str, str]:
    """The factory's environment: short and clean, since every kernel starts from it."""
    env = kernel_env(home)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env["DGT_ROOT"] = str(repo_root())
    if os.environ.get("DGT_SANDBOX"):
        env["DGT_SANDBOX"] = os.environ["DGT_SANDBOX"]
    return env


def own_processes() -> int:
    """How many processes and threads this user has now (Linux; 0 elsewhere)."""
    uid, count = os.getuid(), 0
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(entry / "task"))
            except OSError:
                continue
    return count


def remove_stale(parent: Path) -> None:
    """Remove scratch roots left by grading runs that were killed (their owner is gone)."""
    for folder in parent.glob("dgt-grade-*"):
        try:
            owner = int((folder / "owner.pid").read_text(encoding="ascii"))
            os.kill(owner, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (OSError, ValueError):
            continue  # not ours to judge (no pid file, or another user's)


class KernelFactory:
    """The grader's side of the warm kernel factory (one per grading run)."""

    def __init__(self, preload: list[str], mode: str | None = None) -> None:
        # Kernels talk over Unix sockets in the scratch folders: keep the paths short.
        parent = tempfile.gettempdir()
        self.root = Path(
            tempfile.mkdtemp(prefix="dgt-grade-", dir=parent if len(parent) < 40 else "/tmp")
        )
        self.root.chmod(0o711)
        (self.root / "owner.pid").write_text(str(os.getpid()), encoding="ascii")
        remove_stale(self.root.parent)
        self._lock = threading.Lock()
        self._uids = list(range(BASE_UID, BASE_UID + 256))
        home = self.root / "factory"
        home.mkdir()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.execution.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(self.root / "factory.log", "wb"),  # noqa: SIM115 (closed by the child)
            cwd=home,
            env=factory_env(str(home)),
            text=True,
        )
        self._send({"preload": preload, "mode": mode or os.environ.get("DGT_SANDBOX", "auto")})
        self._mode: str | None = None
        self.startup_seconds = 0.0

    @property
    def mode(self) -> str:
        """The sandbox mode the factory chose (waits for it to be ready the first time)."""
        if self._mode is None:
            with self._lock:
                if self._mode is None:
                    answer = self._receive()
                    if not answer.get("ready"):
                        raise UserError(t("grade.factory_failed", detail=answer))
                    self.startup_seconds = answer["seconds"]
                    self._mode = answer["mode"]
        return self._mode

    def _send(self, message: dict) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def _receive(self) -> dict:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            log = (self.root / "factory.log").read_text(errors="replace").strip().splitlines()
            raise UserError(t("grade.factory_failed", detail=(log or ["?"])[-1]))
        return json.loads(line)

    def spawn(self, plan: sandbox.Plan, argv: list[str], log: str, exit_file: str) -> int:
        """Fork one fenced kernel; return the pid to signal (its namespace's init, or itself)."""
        assert self.mode
        with self._lock:
            self._send({"plan": asdict(plan), "argv": argv, "log": log, "exit_file": exit_file})
            answer = self._receive()
        if "pid" not in answer:
            raise RuntimeError(f"the kernel factory could not start a kernel: {answer['error']}")
        return int(answer["pid"])

    def take_uid(self) -> int | None:
        """A user id of its own for the next kernel (root mode), else None."""
        if self.mode != sandbox.NAMESPACES:
            return None
        with self._lock:
            return self._uids.pop(0)

    def give_back_uid(self, uid: int | None) -> None:
        if uid is not None:
            with self._lock:
                self._uids.append(uid)

    def close(self) -> None:
        """Stop the factory (it kills every kernel it started) and remove the scratch folders."""
        if self.process.poll() is None:
            assert self.process.stdin is not None
            with contextlib.suppress(OSError):
                self.process.stdin.close()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


class Scratch:
    """One notebook's scratch folder: the kernel's working directory and home."""

    def __init__(self, factory: KernelFactory, name: str, files: list[Path]) -> None:
        self.factory = factory
        self.uid = factory.take_uid()
        self.path = factory.root / name
        self.kernel_dir = self.path / ".kernel"
        self.kernel_dir.mkdir(parents=True)
        for source in files:
            shutil.copy(source, self.path / source.name)
        if self.uid is not None:
            for folder, _dirs, names in os.walk(self.path):
                os.chown(folder, self.uid, self.uid)
                for item in names:
                    os.chown(os.path.join(folder, item), self.uid, self.uid)
        self.path.chmod(0o700)

    def plan(self, limits: sandbox.Limits, hide: list[str], keep: list[str]) -> sandbox.Plan:
        scratch = str(self.path)
        protected = [h for h in hide if h not in ("/tmp", "/var/tmp", "/dev/shm")]
        protected.append(str(self.factory.root))
        limits_now = asdict(limits)
        if self.factory.mode == sandbox.USERNS:
            # The process limit counts all of the trainer's own processes: leave room for them.
            limits_now["processes"] += own_processes()
        return sandbox.Plan(
            mode=self.factory.mode,
            scratch=scratch,
            uid=self.uid,
            hide=[*hide, str(self.factory.root)],
            keep=keep,
            limits=limits_now,
            env=kernel_env(scratch),
            protected=protected,
        )

    def exit_reason(self) -> str | None:
        """How the kernel ended, if its init recorded it ("signal 9", "exit 0")."""
        try:
            return (self.kernel_dir / "exit").read_text(encoding="ascii").strip() or None
        except OSError:
            return None

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self.factory.give_back_uid(self.uid)


class ForkedKernel:
    """A Popen-like handle on a kernel the factory forked (it is not our child)."""

    def __init__(self, pid: int, group: bool) -> None:
        self.pid = pid
        self.group = group
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        try:
            with open(f"/proc/{self.pid}/stat", encoding="ascii", errors="replace") as handle:
                state = handle.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            state = "X"
        if state in ("Z", "X"):
            self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("kernel", timeout or 0)
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, number: int) -> None:
        try:
            if self.group:
                os.killpg(self.pid, number)
            else:
                os.kill(self.pid, number)
        except (ProcessLookupError, PermissionError):
            pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class SandboxProvisioner(LocalProvisioner):
    """Launches the kernel through the factory, fenced in by the scratch folder's plan."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        manager: SandboxKernelManager = self.parent  # type: ignore[assignment]
        scratch = manager.scratch
        argv = cmd[cmd.index("-f") :]
        connection_file = Path(manager.connection_file)
        if scratch.uid is not None:
            os.chown(connection_file, scratch.uid, scratch.uid)
        pid = manager.factory.spawn(
            manager.plan,
            argv,
            log=str(scratch.kernel_dir / "log"),
            exit_file=str(scratch.kernel_dir / "exit"),
        )
        self.process = ForkedKernel(pid, group=manager.factory.mode == sandbox.LIMITS)
        self.pid = pid
        self.pgid = None
        self.cwd = str(scratch.path)
        return self.connection_info

    async def send_signal(self, signum: int) -> None:
        if self.process:
            self.process.send_signal(signum)

    async def kill(self, restart: bool = False) -> None:
        if self.process:
            self.process.kill()

    async def terminate(self, restart: bool = False) -> None:
        if self.process:
            self.process.terminate()


class SandboxKernelManager(AsyncKernelManager):
    """An AsyncKernelManager for one sandboxed kernel in one scratch folder (IPC transport)."""

    def __init__(
        self, factory: KernelFactory, scratch: Scratch, plan: sandbox.Plan, **kwargs: Any
    ) -> None:
        super().__init__(kernel_name="python3", **kwargs)
        self.factory = factory
        self.scratch = scratch
        self.plan = plan
        self.transport = "ipc"
        self.ip = str(scratch.kernel_dir / "ipc")
        self.connection_file = str(scratch.kernel_dir / "connection.json")
        self.shutdown_wait_time = 1.0

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or os.path.basename(str(self.scratch.path))
            self.provisioner = SandboxProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)

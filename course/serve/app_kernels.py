"""Forked kernels for the apps server: a jupyter_client provisioner and kernel manager that use the warm factory.

`FACTORY` (course/serve/app_factory.py, the client of course/serve/app_zygote.py: the
process that has the apps' modules and data loaded) forks the kernels. `ForkProvisioner` launches a kernel
through the factory instead of `python -m ipykernel_launcher`; `ForkKernelManager` is
jupyter_server's kernel manager with that provisioner, named in the apps server's
settings (`--AsyncMappingKernelManager.kernel_manager_class`). A kernel for Voila's pool
is asked for `ahead` of any visitor, so that at a cold start the factory can fork a
waiting visitor's kernel first. If the factory cannot start a kernel, the provisioner
starts a cold one the usual way, so an app still opens.
"""

from __future__ import annotations

import os
import signal
import uuid
from typing import Any

from jupyter_client.provisioning import LocalProvisioner
from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

from autograder.execution.kernels import ForkedKernel
from course.serve.app_factory import FACTORY


class ForkProvisioner(LocalProvisioner):
    """Launches the kernel as a fork of the warm factory; a cold start if the factory fails."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        argv = cmd[cmd.index("-f") :] if "-f" in cmd else []
        env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        cwd = str(kwargs.get("cwd") or os.getcwd())
        try:
            if not argv:
                raise RuntimeError("no connection file in the kernel command")
            # Voila's pool starts its kernels ahead of any visitor: a visitor's may go first.
            ahead = env.get("VOILA_PREHEAT") == "True"
            pid = await FACTORY.spawn_async(argv, env, cwd, ahead=ahead)
        except (RuntimeError, OSError, ValueError) as error:
            self.log.warning("apps kernel factory failed (%s); starting a cold kernel", error)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid, group=True)
        self.pid = pid
        self.pgid = pid
        self.cwd = cwd
        return self.connection_info

    def _forked(self) -> bool:
        return isinstance(self.process, ForkedKernel)

    async def send_signal(self, signum: int) -> None:
        if self._forked():
            self.process.send_signal(signum)
        else:
            await super().send_signal(signum)

    async def kill(self, restart: bool = False) -> None:
        if self._forked():
            self.process.kill()
        else:
            await super().kill(restart)

    async def terminate(self, restart: bool = False) -> None:
        if self._forked():
            self.process.send_signal(signal.SIGTERM)
        else:
            await super().terminate(restart)


class ForkKernelManager(ServerKernelManager):
    """jupyter_server's kernel manager whose kernels are forks of the apps' kernel factory."""

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:  # not None on restarts
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = ForkProvisioner(
                kernel_id=self.kernel_id,
                kernel_spec=self.kernel_spec,
                parent=self,
            )
        return await super()._async_pre_start_kernel(**kw)

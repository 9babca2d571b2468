"""Executing one notebook in a sandboxed kernel, as nbgrader's Execute would, but safe against hostile code.

`SandboxExecute` is nbgrader's own Execute preprocessor (same configuration, same cell
handling, same timeout errors) driven asynchronously with a kernel that is already
running. On top it adds what plain nbgrader lacks:

- a wall-time limit for the whole notebook;
- an output cap: past it, printed output and pictures are dropped, but every error,
  every stderr stream and every result that nbgrader scores is kept (shortened), so a
  score never changes because output was cut;
- a kernel that dies (the code ended Python, ran out of memory, hit its CPU limit) no
  longer fails the trainee's whole assignment: the cells that did not run get an error
  output, so the grade cells already passed keep their points and the others get zero.

`problems(nb)` reads the statuses off an executed notebook.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from jupyter_core.utils import ensure_async
from nbclient.client import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute

from autograder.execution.sandbox import BLOCKED_MARK
from course.messages import t

#: ename of the error output put in cells that could not run.
STOPPED = "KernelStopped"
TIME_LIMIT = "NotebookTimeLimit"
OUTPUT_CAP = "dgt-output-limit"
_KEEP_TEXT = 2000


def _size(output: NotebookNode) -> int:
    return len(json.dumps(output, default=str))


def _shorten(text: Any, limit: int = _KEEP_TEXT) -> Any:
    if isinstance(text, str) and len(text) > limit:
        return text[:limit] + "\n..."
    if isinstance(text, list):
        return [_shorten(item, limit) for item in text[:20]]
    return text


def stopped_output(ename: str, message: str) -> NotebookNode:
    """An error output for a cell that could not run (scored zero by nbgrader)."""
    return NotebookNode(output_type="error", ename=ename, evalue=message, traceback=[message])


class SandboxExecute(Execute):
    """nbgrader's Execute, run with a ready kernel, a notebook time limit and an output cap."""

    def __init__(self, *args: Any, output_limit: int = 2 * 1024 * 1024, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.output_limit = output_limit
        self.output_bytes = 0
        self.output_capped = False
        self.current_index = -1

    def output(self, outs, msg, display_id, cell_index):
        """Keep outputs until the cap; past it keep only what scoring needs, shortened."""
        out = super().output(outs, msg, display_id, cell_index)
        if out is None:
            return out
        self.output_bytes += _size(out)
        if self.output_bytes <= self.output_limit:
            return out
        kind = out.get("output_type")
        stderr = kind == "stream" and out.get("name") == "stderr"
        if kind in ("error", "execute_result") or stderr:
            if kind == "error":
                out["traceback"] = _shorten(out.get("traceback", []), 500)
                out["evalue"] = _shorten(out.get("evalue", ""))
            elif kind == "execute_result":
                plain = _shorten(out.get("data", {}).get("text/plain", ""))
                out["data"] = {"text/plain": plain}
            else:
                out["text"] = _shorten(out.get("text", ""))
            return out
        if outs and outs[-1] is out:
            outs.pop()
        if not self.output_capped:
            self.output_capped = True
            note = NotebookNode(
                output_type="stream", name="stdout", text=f"[{OUTPUT_CAP}] {t('grade.output_cut')}"
            )
            outs.append(note)
        return None

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        self.current_index = cell_index
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    async def _run_cells(self, resources: dict) -> None:
        assert self.kc is not None
        self.kc.allow_stdin = False
        msg_id = await ensure_async(self.kc.kernel_info())
        info = await self.async_wait_for_reply(msg_id)
        if info is None:
            raise DeadKernelError("no kernel_info reply")
        self.nb.metadata["language_info"] = info["content"]["language_info"]
        for index, cell in enumerate(self.nb.cells):
            self._check_assign_resources(resources)
            await self.async_execute_cell(cell, index, store_history=True)

    async def run(
        self, nb: NotebookNode, resources: dict, km, kc, seconds: float
    ) -> tuple[NotebookNode, str | None]:
        """Execute every cell of `nb` on the running kernel; return it and why it stopped early."""
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self.kc = kc
        stopped: str | None = None
        try:
            await asyncio.wait_for(self._run_cells(resources), seconds)
        except TimeoutError:
            stopped = TIME_LIMIT
        except DeadKernelError:
            stopped = STOPPED
        except RuntimeError as error:  # nbclient's "Kernel died before replying to kernel_info"
            if "died" not in str(error).lower():
                raise
            stopped = STOPPED
        if stopped:
            self._fill_unrun(stopped)
        self.set_widgets_metadata()
        return self.nb, stopped

    def _fill_unrun(self, reason: str) -> None:
        """Give the running cell and every later code cell an error output (zero points)."""
        message = t("grade.cell_time_limit" if reason == TIME_LIMIT else "grade.cell_not_run")
        start = max(self.current_index, 0)
        for cell in self.nb.cells[start:]:
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            outputs = cell.setdefault("outputs", [])
            if not any(o.get("output_type") == "error" for o in outputs):
                outputs.append(stopped_output(reason, message))


# Statuses read off an executed notebook (see autograder/statuses.py) ---------------


def problems(nb: NotebookNode, stopped: str | None, exit_reason: str | None) -> list[str]:
    """The grading statuses an executed notebook shows, most serious first."""
    found: set[str] = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            kind = out.get("output_type")
            if kind == "stream" and OUTPUT_CAP in str(out.get("text", ""))[:200]:
                found.add("output_limit")
            if kind != "error":
                continue
            name, value = str(out.get("ename", "")), str(out.get("evalue", ""))
            if name == "CellTimeoutError":
                found.add("timeout")
            elif name == "MemoryError":
                found.add("memory")
            elif name == "BlockingIOError" or "Resource temporarily unavailable" in value:
                found.add("process_limit")
            elif BLOCKED_MARK in value or name == "PermissionError":
                found.add("outside_access")
            elif "File too large" in value:
                found.add("output_limit")
    if stopped == TIME_LIMIT:
        found.add("timeout")
    elif stopped == STOPPED:
        if exit_reason in ("signal 24",):  # SIGXCPU: the CPU-time limit
            found.add("timeout")
        elif exit_reason in ("signal 9", "signal 6", "signal 11") and "memory" in found:
            pass
        else:
            found.add("kernel_died")
    return sorted(found)

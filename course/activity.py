"""The record of practice checks run and hints shown, kept in the notebook and chained so edits show.

Every `ex.check` and `ex.hint` adds one entry to the exercise's record. The record
travels inside the notebook itself: each check or hint output carries the whole record
in its display metadata (key `dgt_activity`), which Jupyter saves with the notebook and
nbgrader submits with it. No file is written and nothing leaves the machine. When a
kernel starts again, the record goes on from the one the saved notebook holds.

Each entry carries a keyed hash (HMAC-SHA256) of the entry before it and its own
content, so a record edited by hand, with an entry removed or a count changed, no longer
verifies. This is tamper-evident, not tamper-proof: the key is in the course package, so
a trainee who reads the code could forge a record. The trainer's report says which
records do not verify, and which notebooks have none.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The display-metadata key that holds the record in a notebook output.
METADATA_KEY = "dgt_activity"
#: Set (to any value) in a grading kernel, so the grader's own runs are not recorded.
GRADING_ENV = "DGT_GRADING"
_KEY = b"dgt-activity-v1: tamper-evident record of practice checks and hints"
_START = "0" * 64

CHECK, HINT = "check", "hint"


def _digest(module: str, previous: str, entry: dict[str, Any]) -> str:
    body = {k: entry[k] for k in sorted(entry) if k != "hash"}
    message = f"{module}\n{previous}\n{json.dumps(body, sort_keys=True)}".encode()
    return hmac.new(_KEY, message, hashlib.sha256).hexdigest()


@dataclass
class Record:
    """One exercise's record: the entries in order, each chained to the one before.

    Attributes:
        module: The exercise's module id ("A1-working-with-data").
        entries: Dicts with "n" (1, 2, ...), "kind" ("check" or "hint"), "q" (the
            question), "detail" (the check's status, or the hint's level) and "hash".
    """

    module: str
    entries: list[dict[str, Any]] = field(default_factory=list)

    def add(self, kind: str, question: str, detail: str | int) -> None:
        """Append one entry, chained to the last."""
        previous = self.entries[-1]["hash"] if self.entries else _START
        entry: dict[str, Any] = {
            "n": len(self.entries) + 1,
            "kind": kind,
            "q": question,
            "detail": detail,
        }
        entry["hash"] = _digest(self.module, previous, entry)
        self.entries.append(entry)

    def as_metadata(self) -> dict[str, Any]:
        """The record as display metadata for one output."""
        return {METADATA_KEY: {"module": self.module, "entries": [dict(e) for e in self.entries]}}


def verifies(module: str, entries: list[dict[str, Any]]) -> bool:
    """True when every entry's hash chains to the one before, numbered from 1 without a gap."""
    previous = _START
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or entry.get("n") != number:
            return False
        if not hmac.compare_digest(str(entry.get("hash", "")), _digest(module, previous, entry)):
            return False
        previous = entry["hash"]
    return True


def records_in(notebook: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """Every record found in the outputs of a notebook (as read by nbformat or json)."""
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) or []:
            found = (output.get("metadata") or {}).get(METADATA_KEY)
            if isinstance(found, dict):
                yield found


@dataclass(frozen=True)
class Summary:
    """What a notebook's record says, per question, and whether it can be trusted.

    Attributes:
        state: "recorded" (a record that verifies), "none" (no record in the notebook) or
            "edited" (a record that does not verify: its counts are not used).
        checks: Practice checks run, per question.
        hints: The highest hint level shown, per question.
    """

    state: str
    checks: dict[str, int] = field(default_factory=dict)
    hints: dict[str, int] = field(default_factory=dict)


def summarise(module: str, notebook: dict[str, Any]) -> Summary:
    """Read the longest record of `module` in a notebook and count checks and hints per question.

    A saved notebook holds the record as it stood at each output; the longest one holds
    every entry. If any record of the module fails to verify, the state is "edited".
    """
    found = [r for r in records_in(notebook) if r.get("module") == module]
    if not found:
        return Summary("none")
    if not all(verifies(module, list(r.get("entries") or [])) for r in found):
        return Summary("edited")
    longest = max((list(r.get("entries") or []) for r in found), key=len)
    shorter = [list(r.get("entries") or []) for r in found]
    # every shorter record must be the start of the longest (one chain, not several)
    if any(longest[: len(s)] != s for s in shorter):
        return Summary("edited")
    checks: dict[str, int] = {}
    hints: dict[str, int] = {}
    for entry in longest:
        question = str(entry["q"])
        if entry["kind"] == CHECK:
            checks[question] = checks.get(question, 0) + 1
        elif entry["kind"] == HINT:
            hints[question] = max(hints.get(question, 0), int(entry["detail"]))
    return Summary("recorded", checks, hints)


def recording() -> bool:
    """False in a grading kernel: the grader's own runs are not the trainee's attempts."""
    return not os.environ.get(GRADING_ENV)


def resume(module: str, notebook_path: Path) -> Record:
    """The record to go on from: the longest verified one in the saved notebook, else a new one."""
    try:
        notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Record(module)
    best: list[dict[str, Any]] = []
    for record in records_in(notebook):
        entries = list(record.get("entries") or [])
        longer = record.get("module") == module and len(entries) > len(best)
        if longer and verifies(module, entries):
            best = entries
    return Record(module, [dict(e) for e in best])

"""Copy the course's lessons into a trainee's home: their own writable copies, never overwriting an edit.

Run as the trainee (the hub starts it with `runuser` before each server start), so a
link the trainee made in their home can never lead a root process astray. A lesson the
trainee already has (edited or not) is left alone; a lesson the course added since is
copied. `python -m course.serve.classroom.lessons TARGET` copies into TARGET.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from course.manifest import repo_root

SKIP = (".ipynb_checkpoints", "__pycache__")


def lesson_files(source: Path) -> list[Path]:
    """The files under `source` a trainee gets (notebooks and what they show), relative paths."""
    return sorted(
        path.relative_to(source)
        for path in source.rglob("*")
        if path.is_file() and not any(part in SKIP for part in path.parts)
    )


def copy_missing(source: Path, target: Path) -> list[Path]:
    """Copy every file of `source` that `target` lacks; return the ones copied."""
    copied = []
    for relative in lesson_files(source):
        destination = target / relative
        if os.path.lexists(destination):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: never write through a name that appeared meanwhile
            descriptor = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(descriptor, "wb") as handle:
            handle.write((source / relative).read_bytes())
        copied.append(relative)
    return copied


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path.home() / "lessons"
    copy_missing(repo_root() / "modules", target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

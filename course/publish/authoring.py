"""Write lesson and exercise notebooks with clean, stable metadata and nbgrader cell markings.

Authors may edit notebooks in JupyterLab (nbgrader's Create Assignment toolbar sets
the same metadata); this module is for writing or regenerating them from Python. Every
notebook it writes has no outputs, no execution counts and the same kernelspec.
`clean(path)` strips a notebook that was saved with outputs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NOTEBOOK_METADATA: dict[str, Any] = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}
_SCHEMA = 3


def _cell(kind: str, source: str, nbgrader: dict[str, Any] | None = None, **meta: Any) -> dict:
    cell: dict[str, Any] = {"cell_type": kind, "metadata": dict(meta), "source": source.strip("\n")}
    if nbgrader is not None:
        cell["metadata"]["nbgrader"] = {"schema_version": _SCHEMA, **nbgrader}
    if kind == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


def md(source: str, **meta: Any) -> dict:
    """A markdown cell."""
    return _cell("markdown", source, **meta)


def code(source: str, **meta: Any) -> dict:
    """A code cell."""
    return _cell("code", source, **meta)


def _flags(
    grade_id: str, *, grade: bool, locked: bool, solution: bool, points: float | None = None
) -> dict[str, Any]:
    """nbgrader's flags for one cell; `points` only for a graded cell."""
    flags: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked}
    if points is not None:
        flags["points"] = points
    return {**flags, "solution": solution, "task": False}


def locked_md(grade_id: str, source: str) -> dict:
    """A markdown cell that trainees cannot edit (nbgrader read-only)."""
    return _cell("markdown", source, _flags(grade_id, grade=False, locked=True, solution=False))


def locked_code(grade_id: str, source: str) -> dict:
    """A code cell that trainees cannot edit or delete without nbgrader noticing (setup cells)."""
    return _cell("code", source, _flags(grade_id, grade=False, locked=True, solution=False))


def answer(grade_id: str, source: str) -> dict:
    """An autograded question's answer cell; put the solution between BEGIN/END SOLUTION."""
    return _cell("code", source, _flags(grade_id, grade=False, locked=False, solution=True))


def tests(grade_id: str, points: float, source: str) -> dict:
    """A locked grade cell: the public check, then BEGIN/END HIDDEN TESTS."""
    flags = _flags(grade_id, grade=True, locked=True, solution=False, points=points)
    return _cell("code", source, flags)


def written(grade_id: str, points: float, model_answer: str) -> dict:
    """A written answer graded by a trainer; the model answer is cleared on release."""
    flags = _flags(grade_id, grade=True, locked=False, solution=True, points=points)
    return _cell("markdown", model_answer, flags)


def notebook(cells: list[dict]) -> dict:
    """A notebook dict in nbformat 4.5 with stable cell ids."""
    numbered = []
    for index, cell in enumerate(cells):
        cell = dict(cell)
        cell["id"] = cell["metadata"].get("nbgrader", {}).get("grade_id") or f"cell-{index:03d}"
        numbered.append(cell)
    ids = [c["id"] for c in numbered]
    if len(set(ids)) != len(ids):
        raise ValueError(
            f"duplicate cell ids / grade ids: {sorted({i for i in ids if ids.count(i) > 1})}"
        )
    return {"cells": numbered, "metadata": NOTEBOOK_METADATA, "nbformat": 4, "nbformat_minor": 5}


def dumps(nb: dict) -> str:
    """Serialise a notebook the way Jupyter does (1-space indent, sorted keys, trailing newline)."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write(path: Path | str, cells: list[dict]) -> Path:
    """Write a clean notebook to `path` (atomically) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".ipynb.tmp")
    tmp.write_text(dumps(notebook(cells)), encoding="utf-8")
    tmp.replace(path)
    return path


def clean(path: Path | str) -> bool:
    """Strip outputs, execution counts and volatile metadata from a notebook; True if it changed."""
    path = Path(path)
    original = path.read_text(encoding="utf-8")
    nb = json.loads(original)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        for volatile in ("execution", "collapsed", "scrolled", "ExecuteTime"):
            cell.get("metadata", {}).pop(volatile, None)
    nb["metadata"] = {k: v for k, v in nb.get("metadata", {}).items() if k in NOTEBOOK_METADATA}
    nb["metadata"] = {**NOTEBOOK_METADATA, **nb["metadata"]}
    text = dumps(nb)
    if text != original:
        tmp = path.with_suffix(".ipynb.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        return True
    return False

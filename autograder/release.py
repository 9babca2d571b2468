"""The trainee version of an exercise notebook: solutions and hidden tests removed by nbgrader."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat

from autograder.workspace import CONFIG_DIR


def nbgrader_config():
    """Load autograder/nbgrader_config.py as a traitlets Config (the one source of settings)."""
    from traitlets.config.loader import PyFileConfigLoader

    os.environ.setdefault("DGT_WORKSPACE", str(Path.home() / "dgt-workspace"))
    return PyFileConfigLoader("nbgrader_config.py", path=str(CONFIG_DIR)).load_config()


def trainee_version(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of a source notebook as trainees get it: no solutions, no hidden tests."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, ClearSolutions

    config = nbgrader_config()
    copy = nbformat.from_dict(notebook)
    resources: dict = {}
    for step in (ClearSolutions(config=config), ClearHiddenTests(config=config), ClearOutput()):
        copy, resources = step.preprocess(copy, resources)
    return copy


def write_trainee_version(source: Path, target: Path, metadata: dict | None = None) -> None:
    """Write the trainee version of `source` to `target` (atomically), adding `metadata`."""
    notebook = trainee_version(nbformat.read(source, as_version=4))
    notebook.metadata.update(metadata or {})
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    nbformat.write(notebook, tmp)
    tmp.replace(target)

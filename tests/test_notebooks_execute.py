"""Every exercise's solution version runs without error and passes its own practice checks.

Lessons are executed once, by the strict book build (see tests/test_book.py, which checks
that every lesson's run is in the build's execution cache).
"""

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import MODULES, ROOT


def run(notebook: nbformat.NotebookNode, cwd) -> nbformat.NotebookNode:
    client = NotebookClient(
        notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    )
    client.execute()
    return notebook


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_exercise_source_executes_and_every_practice_check_passes(module):
    """The trainer's version (solutions and hidden tests) runs, and every check says it passes."""
    notebook = run(
        nbformat.read(module.exercise.source, as_version=4), ROOT / "exercises" / module.id
    )
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            text = "".join(
                output.get("data", {}).get("text/plain", "")
                for output in cell.outputs
                if output.output_type == "execute_result"
            )
            assert "Practice checks pass" in text, (
                f"{cell.metadata['nbgrader']['grade_id']}: {text}"
            )
